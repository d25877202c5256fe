/**
 * Candidate speech for synthetic fixtures (a dev-time tool: the fixture generator uses it; the
 * service and CI never need espeak-ng).
 *
 * A line is written as text with optional pause marks: `I worked at Acme, [pause 700] um, for
 * three years.` Words are synthesised ONE BY ONE with espeak-ng (`--stdout` WAV, 22.05 kHz),
 * trimmed of espeak's own leading/trailing silence, resampled to 8 kHz and joined with short
 * gaps. That gives exact word timings (each word's start and end are where its samples were
 * put), at the cost of word-by-word prosody, which is fine for a speech recogniser stand-in.
 * Gaps: `wordGapMs` between words, more after a comma or a sentence end, and `[pause N]` adds N ms.
 * Fillers (um, uh, er, erm, hmm) are spoken and marked, since Deepgram leaves them out of its
 * transcripts by default. The same text and options give the same bytes on the same espeak-ng.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { pcm16ToMulaw, resamplePcm16, SAMPLE_RATE } from '../../src/media/audio-codec.js';

const run = promisify(execFile);

export type CallerLinePart = { word: string } | { pauseMs: number };

export interface SpokenCallerWord {
  /** As written, punctuation included (e.g. "Acme,"). */
  word: string;
  /** Seconds from the start of the line's audio. */
  startS: number;
  endS: number;
  filler: boolean;
}

export interface CallerSpeech {
  /** μ-law, 8 kHz mono. */
  mulaw: Buffer;
  words: SpokenCallerWord[];
  durationMs: number;
}

export interface CallerVoiceOptions {
  /** espeak-ng voice. Default 'en-us'. */
  voice?: string;
  /** Speaking rate, words a minute. Default 165. */
  wordsPerMinute?: number;
  /** Silence between two words, ms. Default 70. */
  wordGapMs?: number;
  /** Extra silence after a word ending in `,` `;` `:` ms. Default 180. */
  clausePauseMs?: number;
  /** Extra silence after a word ending in `.` `?` `!` ms. Default 350. */
  sentencePauseMs?: number;
  /** One word's audio, 16-bit PCM at 8 kHz. Default espeak-ng; tests may pass their own. */
  synthesizeWord?: (word: string) => Promise<Int16Array>;
}

const FILLERS = new Set(['um', 'uh', 'er', 'erm', 'hmm', 'mm']);
const PAUSE_MARK = /^\[pause\s+(\d+)\]$/i;
/** Samples below this (of 32767) count as espeak's padding silence when trimming. */
const TRIM_THRESHOLD = 250;

/** Splits a written line into words and pauses (`[pause 700]`). */
export function parseCallerLine(text: string): CallerLinePart[] {
  const tokens = text.match(/\[pause\s+\d+\]|\S+/gi) ?? [];
  return tokens.map((token) => {
    const pause = PAUSE_MARK.exec(token);
    return pause ? { pauseMs: Number(pause[1]) } : { word: token };
  });
}

/** The word as spoken: letters, digits and apostrophes. */
export function bareWord(word: string): string {
  return word.replace(/[^\p{L}\p{N}']/gu, '');
}

export class CallerVoice {
  private readonly options: Required<Omit<CallerVoiceOptions, 'synthesizeWord'>>;
  private readonly synthesizeWord: (word: string) => Promise<Int16Array>;
  private readonly cache = new Map<string, Promise<Int16Array>>();

  constructor(options: CallerVoiceOptions = {}) {
    this.options = {
      voice: options.voice ?? 'en-us',
      wordsPerMinute: options.wordsPerMinute ?? 165,
      wordGapMs: options.wordGapMs ?? 70,
      clausePauseMs: options.clausePauseMs ?? 180,
      sentencePauseMs: options.sentencePauseMs ?? 350,
    };
    this.synthesizeWord =
      options.synthesizeWord ??
      ((word) => espeakWord(word, { voice: this.options.voice, wordsPerMinute: this.options.wordsPerMinute }));
  }

  /** Speaks a line (see the module comment for the syntax). */
  async say(text: string): Promise<CallerSpeech> {
    const parts = parseCallerLine(text);
    const pieces: Int16Array[] = [];
    const words: SpokenCallerWord[] = [];
    let samples = 0;
    const silence = (ms: number) => {
      const n = Math.round((ms * SAMPLE_RATE) / 1000);
      pieces.push(new Int16Array(n));
      samples += n;
    };
    for (const [i, part] of parts.entries()) {
      if ('pauseMs' in part) {
        silence(part.pauseMs);
        continue;
      }
      const bare = bareWord(part.word);
      if (bare === '') continue;
      if (words.length > 0) silence(this.options.wordGapMs);
      const audio = await this.word(bare.toLowerCase());
      words.push({
        word: part.word,
        startS: samples / SAMPLE_RATE,
        endS: (samples + audio.length) / SAMPLE_RATE,
        filler: FILLERS.has(bare.toLowerCase()),
      });
      pieces.push(audio);
      samples += audio.length;
      if (i < parts.length - 1) {
        if (/[.?!]$/.test(part.word)) silence(this.options.sentencePauseMs);
        else if (/[,;:]$/.test(part.word)) silence(this.options.clausePauseMs);
      }
    }
    const pcm = new Int16Array(samples);
    let at = 0;
    for (const piece of pieces) {
      pcm.set(piece, at);
      at += piece.length;
    }
    return { mulaw: pcm16ToMulaw(pcm), words, durationMs: (samples * 1000) / SAMPLE_RATE };
  }

  private word(bare: string): Promise<Int16Array> {
    let audio = this.cache.get(bare);
    if (!audio) {
      audio = this.synthesizeWord(bare);
      this.cache.set(bare, audio);
    }
    return audio;
  }
}

/** True when the espeak-ng command can be run here. */
export function espeakAvailable(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A whole line through espeak-ng in one go (natural prosody, no word timings), as μ-law 8 kHz,
 * synchronously: the agent's voice in synthetic fixtures, where the fake TTS asks for audio
 * without waiting (a few tens of ms a line). Default voice 'en-gb+f3' (a female variant, so the
 * two sides of a mixed WAV are told apart), 170 words a minute.
 */
export function espeakLineSync(text: string, options: { voice?: string; wordsPerMinute?: number } = {}): Buffer {
  const wav = execFileSync(
    'espeak-ng',
    ['--stdout', '-v', options.voice ?? 'en-gb+f3', '-s', String(options.wordsPerMinute ?? 170), text],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const { pcm, sampleRate } = readPcmWav(wav);
  return pcm16ToMulaw(resamplePcm16(trimSilence(pcm), sampleRate, SAMPLE_RATE));
}

/** One word through espeak-ng, trimmed of padding silence, as 16-bit PCM at 8 kHz. */
export async function espeakWord(
  word: string,
  options: { voice: string; wordsPerMinute: number },
): Promise<Int16Array> {
  const { stdout } = await run(
    'espeak-ng',
    ['--stdout', '-v', options.voice, '-s', String(options.wordsPerMinute), word],
    {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const { pcm, sampleRate } = readPcmWav(stdout);
  return resamplePcm16(trimSilence(pcm), sampleRate, SAMPLE_RATE);
}

/**
 * Reads 16-bit mono PCM out of a WAV. espeak-ng writes its data size as 0x7ffff000 when it
 * streams to stdout, so the data runs to the end of the buffer, whatever the header says.
 */
export function readPcmWav(wav: Buffer): { pcm: Int16Array; sampleRate: number } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') sampleRate = wav.readUInt32LE(offset + 12);
    if (id === 'data') {
      const data = wav.subarray(offset + 8, Math.min(wav.length, offset + 8 + size));
      const even = data.subarray(0, data.length - (data.length % 2));
      const pcm = new Int16Array(even.length / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = even.readInt16LE(i * 2);
      return { pcm, sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('WAV without a data chunk');
}

/** Cuts leading and trailing samples quieter than the padding threshold. */
export function trimSilence(pcm: Int16Array): Int16Array {
  let start = 0;
  let end = pcm.length;
  while (start < end && Math.abs(pcm[start] ?? 0) < TRIM_THRESHOLD) start++;
  while (end > start && Math.abs(pcm[end - 1] ?? 0) < TRIM_THRESHOLD) end--;
  return pcm.subarray(start, end);
}
