/**
 * The fake Deepgram Aura REST endpoint, `POST /v1/speak`, and the deterministic audio it
 * speaks. Audio is a quiet tone, 70 ms a character (about 14 characters a second, a natural
 * speaking rate), μ-law 8 kHz, whose pitch follows each character; spaces and punctuation are
 * silence. So a test can compare bytes exactly (`expectedTtsAudio`) and a listener hears
 * something that has the rhythm of the text.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../src/lib/clock.js';
import type { SpeakFault } from './fault-plan.js';

/** Audio the fake makes per character of text, ms. */
export const TTS_MS_PER_CHAR = 70;
const SAMPLE_RATE = 8000;
const BYTES_PER_CHAR = (TTS_MS_PER_CHAR * SAMPLE_RATE) / 1000;
/** Peak of the tone, 16-bit linear; quiet so a replay is not unpleasant. */
const TONE_AMPLITUDE = 1500;
/** The real API's limit on `text`, characters. */
export const TTS_MAX_CHARS = 2000;

/** The exact μ-law bytes the fake returns for `text` with `container=none`. */
export function expectedTtsAudio(text: string): Buffer {
  const out = Buffer.alloc(text.length * BYTES_PER_CHAR);
  for (let c = 0; c < text.length; c++) {
    const code = text.charCodeAt(c);
    const voiced = /[\p{L}\p{N}]/u.test(text[c] ?? '');
    const hz = 180 + (code % 24) * 15;
    for (let n = 0; n < BYTES_PER_CHAR; n++) {
      const sample = voiced ? Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * hz * n) / SAMPLE_RATE)) : 0;
      out[c * BYTES_PER_CHAR + n] = linearToMulaw(sample);
    }
  }
  return out;
}

/** Duration of the fake's audio for `text`, ms. */
export function expectedTtsDurationMs(text: string): number {
  return text.length * TTS_MS_PER_CHAR;
}

/** G.711 μ-law encoding of one 16-bit sample (silence encodes as 0xFF). */
export function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  magnitude >>= exponent + 3;
  return ~(sign | (exponent << 4) | (magnitude & 0x0f)) & 0xff;
}

/** The 44-byte WAV header the real API puts before μ-law audio unless `container=none`. */
export function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(7, 20); // format 7: μ-law
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export interface SpeakOptions {
  /** Delay before the first audio byte, ms. Default 0 (a benchmark may use ~150). */
  firstByteMs: number;
  /** Bytes a chunk; 1600 = 200 ms of audio. Default 1600. */
  chunkBytes: number;
  /** How much faster than real time audio is generated. Default 8. */
  realtimeFactor: number;
  /** Each response stalls after sending this many bytes until `releaseSpeak()`. Default: never. */
  stallAfterBytes: number | undefined;
  /** The audio for a text (replay: the recorded audio); undefined or absent: `expectedTtsAudio(text)`. */
  audioFor?: (text: string) => Buffer | undefined;
  /** The first-byte delay for a text (replay: as recorded), ms; undefined: `firstByteMs`. Default absent. */
  firstByteMsFor?: (text: string) => number | undefined;
  /**
   * Times the delays above on this clock (e.g. a ManualClock, so a replay stepped on it is
   * deterministic); absent: real timers. Default absent.
   */
  clock?: Clock;
  /**
   * A fault for a request (its text, index and `model` query parameter, so one voice can fail
   * while another answers), or undefined to answer normally: an HTTP error, or a socket reset
   * after some audio (fault-plan.ts). Tests may set it between requests. Default none.
   */
  faultFor?: (text: string | undefined, index: number, model: string | undefined) => SpeakFault | undefined;
}

/** Waits `ms` on the options' clock, or real time without one; 0 does not wait. */
export function speakSleep(options: Pick<SpeakOptions, 'clock'>, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  const { clock } = options;
  return new Promise((resolve) => (clock ? clock.setTimeout(resolve, ms) : setTimeout(resolve, ms)));
}

/** The first-byte delay for `text` with these options, ms. */
export function speakFirstByteMs(options: SpeakOptions, text: string): number {
  return options.firstByteMsFor?.(text) ?? options.firstByteMs;
}

/** The μ-law the fake speaks for `text` with these options (before any WAV header). */
export function speakAudio(options: SpeakOptions, text: string): Buffer {
  return options.audioFor?.(text) ?? expectedTtsAudio(text);
}

/** One `POST /v1/speak` as the fake saw it. */
export interface SpeakRequestRecord {
  readonly index: number;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
  readonly text: string | undefined;
  /** The client's TCP port: equal ports mean a reused keep-alive connection. */
  readonly remotePort: number | undefined;
  status: number;
  bytesSent: number;
  /** The whole body was sent. */
  finished: boolean;
  /** The client went away before the body was finished. */
  closedEarly: boolean;
}

export class SpeakService {
  readonly requests: SpeakRequestRecord[] = [];
  private readonly failures: number[] = [];
  private stalled: (() => void)[] = [];

  constructor(
    readonly options: SpeakOptions,
    private readonly checkAuth: (header: string | undefined) => boolean,
  ) {}

  /** The next `count` requests answer `status` (with a JSON error body) before anything else. */
  failNext(status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  /** Lets every stalled response continue. */
  release(): void {
    const waiting = this.stalled;
    this.stalled = [];
    for (const resume of waiting) resume();
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    const record: SpeakRequestRecord = {
      index: this.requests.length,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      text: parseText(body),
      remotePort: req.socket.remotePort,
      status: 200,
      bytesSent: 0,
      finished: false,
      closedEarly: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!record.finished) record.closedEarly = true;
    });
    const failure = this.failures.shift();
    if (!this.checkAuth(req.headers.authorization)) return sendError(res, record, 401, 'INVALID_AUTH');
    if (failure !== undefined) return sendError(res, record, failure, 'FAKE_FAILURE');
    const fault = this.options.faultFor?.(record.text, record.index, record.query.model);
    if (fault?.kind === 'status') return sendError(res, record, fault.status, 'FAKE_FAULT');
    if (record.text === undefined) return sendError(res, record, 400, 'INVALID_BODY');
    if (record.text.length > TTS_MAX_CHARS) return sendError(res, record, 400, 'TEXT_TOO_LONG');

    let audio = speakAudio(this.options, record.text);
    if (url.searchParams.get('container') !== 'none') audio = Buffer.concat([wavHeader(audio.length), audio]);
    res.writeHead(200, {
      'content-type': 'audio/mulaw',
      'dg-request-id': randomUUID(),
      'dg-model-name': url.searchParams.get('model') ?? 'aura-2-thalia-en',
      'dg-char-count': String(record.text.length),
    });
    const resetAfter = fault?.kind === 'reset' ? fault.afterBytes : undefined;
    await this.stream(res, record, audio, speakFirstByteMs(this.options, record.text), resetAfter);
  }

  private async stream(
    res: ServerResponse,
    record: SpeakRequestRecord,
    audio: Buffer,
    firstByteMs: number,
    resetAfterBytes?: number,
  ): Promise<void> {
    const { chunkBytes, realtimeFactor } = this.options;
    const chunkMs = (chunkBytes / SAMPLE_RATE) * 1000;
    await speakSleep(this.options, firstByteMs);
    let stalledOnce = false;
    for (let at = 0; at < audio.length; at += chunkBytes) {
      if (res.destroyed) return;
      if (resetAfterBytes !== undefined && record.bytesSent >= resetAfterBytes) {
        // The connection dies mid-answer, as a proxy or the provider restarting would do.
        res.socket?.destroy();
        return;
      }
      if (at > 0) await speakSleep(this.options, chunkMs / realtimeFactor);
      const chunk = audio.subarray(at, at + chunkBytes);
      // Before a planned reset, wait until the chunk reached the socket so the reset cannot swallow it.
      if (resetAfterBytes === undefined) res.write(chunk);
      else await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
      record.bytesSent += chunk.length;
      const stallAt = this.options.stallAfterBytes;
      if (!stalledOnce && stallAt !== undefined && record.bytesSent >= stallAt && at + chunkBytes < audio.length) {
        stalledOnce = true;
        await new Promise<void>((resume) => this.stalled.push(resume));
      }
    }
    if (res.destroyed) return;
    record.finished = true;
    res.end();
  }
}

function sendError(res: ServerResponse, record: SpeakRequestRecord, status: number, code: string): void {
  record.status = status;
  record.finished = true;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ err_code: code, err_msg: `fake Deepgram answered ${status}`, request_id: randomUUID() }));
}

function parseText(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'text' in parsed && typeof parsed.text === 'string') return parsed.text;
  } catch {
    // fall through: a malformed body has no text
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
