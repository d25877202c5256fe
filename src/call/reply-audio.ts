import { AsyncQueue } from '../lib/async-queue.js';
import { isAbortError } from '../lib/errors.js';
import { FRAME_BYTES } from '../media/audio-codec.js';
import type { OutboundPlayer } from '../media/outbound-player.js';
import type { Logger } from '../observability/logger.js';
import type { Synthesizer } from '../tts/synthesizer.js';

/** One spoken chunk of a reply and where its audio sits in the outgoing stream. */
export interface SpokenSegment {
  text: string;
  mark: string;
  startByte: number;
  endByte: number | undefined;
  /** Its mark came back for real (not flushed by a clear). */
  heard: boolean;
}

export interface ReplyAudioTimings {
  /** Media-clock ms of the first TTS byte, first frame handed to the player, first frame heard. */
  ttsFirstByteAt?: number;
  firstAudioSentAt?: number;
  firstAudioHeardAt?: number;
}

export interface ReplyAudioOptions {
  /** Unique per call; prefixes the marks of this reply. */
  id: string;
  tts: Synthesizer;
  player: OutboundPlayer;
  /** Owned by the reply; aborting stops synthesis and playback handling quietly. */
  signal: AbortSignal;
  /** Speculative replies synthesise ahead but hold their audio until release(). */
  held?: boolean;
  /** The media clock, ms. */
  now: () => number;
  logger: Logger;
}

interface Job {
  text: string;
  audio: AsyncQueue<Buffer>;
}

/**
 * Turns a reply's text chunks into audio in the player, in order: each chunk's synthesis
 * starts as soon as its text exists (so the first chunk is speaking while the LLM still
 * writes), each chunk ends with a mark, and the echoed marks tell what the caller heard.
 */
export class ReplyAudio {
  readonly segments: SpokenSegment[] = [];
  readonly timings: ReplyAudioTimings = {};
  private readonly options: ReplyAudioOptions;
  private readonly jobs = new AsyncQueue<Job>();
  private readonly done: Promise<void>;
  private releaseHold: () => void = () => {};
  private readonly released: Promise<void>;
  private readonly startMark: string;
  private bytesBeforeStartMark = FRAME_BYTES;

  constructor(options: ReplyAudioOptions) {
    this.options = options;
    this.startMark = `${options.id}-start`;
    this.released = options.held ? new Promise((resolve) => (this.releaseHold = resolve)) : Promise.resolve();
    this.done = this.pump();
  }

  /** Adds a text chunk; synthesis starts now. */
  say(text: string): void {
    if (this.options.signal.aborted) return;
    const audio = new AsyncQueue<Buffer>();
    void this.synthesize(text, audio);
    this.jobs.push({ text, audio });
  }

  /** Adds audio that is already rendered (the greeting's opening). */
  play(audio: Buffer, text: string): void {
    const queue = new AsyncQueue<Buffer>();
    queue.push(audio);
    queue.close();
    this.jobs.push({ text, audio: queue });
  }

  /** No more chunks. Resolves once all audio is in the player (not yet played). */
  finish(): Promise<void> {
    this.jobs.close();
    return this.done;
  }

  /** Lets a held (speculative) reply's audio go out. */
  release(): void {
    this.releaseHold();
  }

  get isHeld(): boolean {
    return this.options.held === true;
  }

  /** True when the mark belongs to this reply. */
  ownsMark(name: string): boolean {
    return name.startsWith(`${this.options.id}-`);
  }

  markPlayed(name: string): void {
    if (name === this.startMark) {
      // The mark sits after the first 20 ms frame: playback began one frame earlier.
      this.timings.firstAudioHeardAt ??= this.options.now() - 20;
      return;
    }
    const segment = this.segments.find((s) => s.mark === name);
    if (segment) segment.heard = true;
  }

  /** Every segment's mark came back: the caller heard the whole reply. */
  get fullyHeard(): boolean {
    return this.segments.length > 0 && this.segments.every((s) => s.heard);
  }

  /**
   * The text the caller heard: whole heard segments, then the part of the next one estimated
   * from how many of its bytes had played (`heardBytes`, the player's estimate at the clear).
   */
  heardText(heardBytes: number): string {
    const parts: string[] = [];
    for (const segment of this.segments) {
      if (segment.heard) {
        parts.push(segment.text);
        continue;
      }
      const end = segment.endByte ?? heardBytes;
      const fraction = end > segment.startByte ? (heardBytes - segment.startByte) / (end - segment.startByte) : 0;
      if (fraction > 0) parts.push(cutAtWord(segment.text, Math.min(1, fraction)));
      break;
    }
    return parts.filter(Boolean).join(' ').trim();
  }

  private async synthesize(text: string, out: AsyncQueue<Buffer>): Promise<void> {
    try {
      for await (const chunk of this.options.tts.synthesize(text, { signal: this.options.signal })) {
        this.timings.ttsFirstByteAt ??= this.options.now();
        out.push(chunk);
      }
      out.close();
    } catch (err) {
      if (!isAbortError(err)) this.options.logger.warn({ err }, 'tts chunk failed');
      out.close();
    }
  }

  private async pump(): Promise<void> {
    const { player, signal } = this.options;
    await this.released;
    let index = 0;
    for await (const job of this.jobs) {
      if (signal.aborted) return;
      await this.released;
      const segment: SpokenSegment = {
        text: job.text,
        mark: `${this.options.id}-${index++}`,
        startByte: player.enqueuedBytes,
        endByte: undefined,
        heard: false,
      };
      this.segments.push(segment);
      for await (const audio of job.audio) {
        if (signal.aborted) return;
        this.enqueue(audio);
      }
      if (signal.aborted) return;
      player.mark(segment.mark);
      segment.endByte = player.enqueuedBytes;
    }
  }

  private enqueue(audio: Buffer): void {
    const { player } = this.options;
    this.timings.firstAudioSentAt ??= this.options.now();
    // A mark right after the reply's first 20 ms frame tells when the caller started hearing
    // it, whatever sizes the TTS chunks come in.
    if (this.bytesBeforeStartMark > 0) {
      const head = audio.subarray(0, this.bytesBeforeStartMark);
      player.enqueue(head);
      this.bytesBeforeStartMark -= head.length;
      if (this.bytesBeforeStartMark === 0) player.mark(this.startMark);
      audio = audio.subarray(head.length);
    }
    if (audio.length > 0) player.enqueue(audio);
  }
}

/** The first `fraction` of a text by characters, cut back to a whole word. */
export function cutAtWord(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  const limit = Math.floor(text.length * fraction);
  const cut = text.slice(0, limit);
  if (limit < text.length && text[limit] !== ' ') {
    const lastSpace = cut.lastIndexOf(' ');
    return lastSpace < 0 ? '' : cut.slice(0, lastSpace).trim();
  }
  return cut.trim();
}
