import type { ManualClock } from '../src/lib/clock.js';
import type { SttEvent, SttWord } from '../src/stt/stt-stream.js';

/**
 * Scripted STT result streams for tests and benchmarks: say which words are spoken when, get
 * the `SttEvent`s a Deepgram-like streaming recognizer would deliver and when they would
 * arrive. The model: a window of interims re-sent every `interimEveryMs` of audio, growing by
 * the words heard so far; a final (with `speech_final`) once `endpointingMs` of silence follow
 * a word; `speech-started` at each onset after such silence; `utterance-end` after
 * `utteranceEndMs` of silence. Every event arrives `latencyMs` after the audio it describes.
 * Audio time 0 is clock time 0.
 */
export interface ScriptedWord extends SttWord {
  /** How interims render this word until its window's final corrects it (a misrecognition). */
  misheardAs?: string;
}

/** A run of fluently spoken words, a silence, or one word with its own traits. */
export type SpeechSegment =
  | string
  | { pauseMs: number }
  | { word: string; confidence?: number; misheardAs?: string; durationMs?: number };

export interface SpeakOptions {
  /** Audio seconds where the first word starts. Default 0.5. */
  startS?: number;
  /** Length of each word, ms. Default 250 (~3 words/s with the gap: conversational pace). */
  wordMs?: number;
  /** Silence between words inside a run, ms. Default 60. */
  gapMs?: number;
  /** Word confidence. Default 0.95. */
  confidence?: number;
}

/** Lays segments out on the audio timeline: `speak(['I worked at Acme and', { pauseMs: 800 }, 'then…'])`. */
export function speak(segments: readonly SpeechSegment[], options: SpeakOptions = {}): ScriptedWord[] {
  const wordS = (options.wordMs ?? 250) / 1000;
  const gapS = (options.gapMs ?? 60) / 1000;
  const confidence = options.confidence ?? 0.95;
  const words: ScriptedWord[] = [];
  let cursorS = options.startS ?? 0.5;
  let pendingGapS = 0;
  const add = (word: string, lengthS: number, traits: Partial<ScriptedWord> = {}): void => {
    const startS = round(cursorS + pendingGapS);
    const endS = round(startS + lengthS);
    words.push({ word, startS, endS, confidence, ...traits });
    cursorS = endS;
    pendingGapS = gapS;
  };
  for (const segment of segments) {
    if (typeof segment === 'string') {
      for (const word of segment.split(/\s+/).filter((w) => w.length > 0)) add(word, wordS);
    } else if ('pauseMs' in segment) {
      pendingGapS = segment.pauseMs / 1000;
    } else {
      const traits: Partial<ScriptedWord> = {};
      if (segment.confidence !== undefined) traits.confidence = segment.confidence;
      if (segment.misheardAs !== undefined) traits.misheardAs = segment.misheardAs;
      add(segment.word, (segment.durationMs ?? wordS * 1000) / 1000, traits);
    }
  }
  return words;
}

export interface PartialStreamOptions {
  /** Audio ms between interims of an open window. Default 250. */
  interimEveryMs?: number;
  /** Arrival delay of every event after the audio it describes, ms. Default 150. */
  latencyMs?: number;
  /** Silence after a word that finalises the window, ms. Default 300. */
  endpointingMs?: number;
  /** Whether endpoint finals carry `speechFinal`. Default true. */
  speechFinal?: boolean;
  /** Silence after a word that sends `utterance-end`, ms; `null` for none. Default 1000. */
  utteranceEndMs?: number | null;
  /** Continuous speech longer than this (audio ms) gets an intermediate final. Default 5000. */
  maxWindowMs?: number;
  /** Send `speech-started` at each onset after an endpoint. Default true. */
  vadEvents?: boolean;
  /**
   * How long a word must have been heard before interims show it, ms (clamped to the word's
   * length). Default 150: Deepgram's interims show the word being spoken at the tip, often
   * still wrong ("speech analyst" before "speech analytics"); `Infinity` shows words only
   * once they are complete.
   */
  wordVisibleMs?: number;
}

export interface TimedSttEvent {
  /** Clock ms at which the event arrives. */
  atMs: number;
  event: SttEvent;
}

/** The events a streaming recognizer would deliver for `words`, in arrival order. */
export function partialStream(words: readonly ScriptedWord[], options: PartialStreamOptions = {}): TimedSttEvent[] {
  const interimS = (options.interimEveryMs ?? 250) / 1000;
  const latencyMs = options.latencyMs ?? 150;
  const endpointingS = (options.endpointingMs ?? 300) / 1000;
  const utteranceEndMs = options.utteranceEndMs === undefined ? 1000 : options.utteranceEndMs;
  const maxWindowS = (options.maxWindowMs ?? 5000) / 1000;
  const visibleS = (options.wordVisibleMs ?? 150) / 1000;
  const visibleAt = (w: ScriptedWord): number => Math.min(w.endS, round(w.startS + visibleS));
  const sorted = [...words].sort((a, b) => a.startS - b.startS);
  const out: Array<{ audioS: number; event: SttEvent }> = [];

  for (const group of splitAt(sorted, (prev, next) => next.startS - prev.endS >= endpointingS)) {
    const first = group[0]!;
    const last = group.at(-1)!;
    if (options.vadEvents ?? true)
      out.push({ audioS: first.startS, event: { type: 'speech-started', atS: first.startS } });
    const closeS = round(last.endS + endpointingS);
    let windowStartS = first.startS;
    for (let t = round(first.startS + interimS); t < closeS; t = round(t + interimS)) {
      const settle = t - windowStartS >= maxWindowS;
      // A final settles only complete words; an interim shows the one being spoken too.
      const heard = group.filter((w) => w.endS > windowStartS && (settle ? w.endS : visibleAt(w)) <= t);
      if (heard.length === 0) continue;
      out.push({ audioS: t, event: result(heard, windowStartS, t, settle, false) });
      if (settle) windowStartS = t;
    }
    // The endpoint's final always comes, empty if an intermediate final took every word.
    const rest = group.filter((w) => w.endS > windowStartS);
    out.push({ audioS: closeS, event: result(rest, windowStartS, closeS, true, options.speechFinal ?? true) });
  }
  if (utteranceEndMs !== null) {
    const gapS = utteranceEndMs / 1000;
    sorted.forEach((word, i) => {
      const next = sorted[i + 1];
      if (next && next.startS - word.endS < gapS) return;
      const atS = round(word.endS + gapS);
      out.push({ audioS: atS, event: { type: 'utterance-end', lastWordEndS: word.endS } });
    });
  }
  return out
    .map((e, order) => ({ atMs: Math.round(e.audioS * 1000) + latencyMs, event: e.event, order }))
    .sort((a, b) => a.atMs - b.atMs || a.order - b.order)
    .map(({ atMs, event }) => ({ atMs, event }));
}

/**
 * Delivers `script` on `clock`: advances to each event's arrival time (firing due timers on the
 * way) and hands it to `onEvent`; then advances to `untilMs` if given.
 */
export function playScript(
  clock: ManualClock,
  script: readonly TimedSttEvent[],
  onEvent: (event: SttEvent) => void,
  untilMs?: number,
): void {
  for (const { atMs, event } of script) {
    if (atMs > clock.now()) clock.advance(atMs - clock.now());
    onEvent(event);
  }
  if (untilMs !== undefined && untilMs > clock.now()) clock.advance(untilMs - clock.now());
}

/** Audio ms where the last word of `words` ends; what commit delays are measured from. */
export function lastWordEndMs(words: readonly SttWord[]): number {
  return Math.round(Math.max(...words.map((w) => w.endS)) * 1000);
}

function result(
  words: readonly ScriptedWord[],
  startS: number,
  endS: number,
  isFinal: boolean,
  speechFinal: boolean,
): SttEvent {
  const rendered = words.map((w) => (isFinal || w.misheardAs === undefined ? w.word : w.misheardAs));
  return {
    type: 'transcript',
    isFinal,
    speechFinal,
    text: rendered.join(' '),
    words: words.map((w, i) => ({ word: rendered[i]!, startS: w.startS, endS: w.endS, confidence: w.confidence })),
    startS,
    durationS: round(endS - startS),
  };
}

function splitAt<T>(items: readonly T[], breaksBetween: (prev: T, next: T) => boolean): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const current = groups.at(-1);
    const prev = current?.at(-1);
    if (current && prev !== undefined && !breaksBetween(prev, item)) current.push(item);
    else groups.push([item]);
  }
  return groups;
}

/** Keeps timeline arithmetic on a millisecond grid (0.1 + 0.2 ≠ 0.3). */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
