/**
 * One reply's audio: its text chunks through TTS into the audio sink, in order, each chunk
 * followed by a mark; and, from the positions the sink returned and the marks it echoed, the text
 * the caller heard.
 */
import { AsyncQueue } from '../lib/async-queue.js';
import { isAbortError } from '../lib/errors.js';
import { FRAME_BYTES } from '../media/audio-codec.js';
import type { AudioSink, MarkId, PlayoutPosition } from '../media/audio-sink.js';
import type { Logger } from '../observability/logger.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import { type AttemptJob, ReplyAttempts } from './reply-attempts.js';
import { heardTextOf, type SpokenSegment } from './spoken-segments.js';

export { cutAtWord, type SpokenSegment } from './spoken-segments.js';

export type MarkMeaning = 'first-heard' | 'segment-heard';

export interface ReplyAudioTimings {
  /** Media-clock ms of the first TTS byte, first frame handed to the player, first frame heard. */
  ttsFirstByteAt?: number;
  firstAudioSentAt?: number;
  firstAudioHeardAt?: number;
}

export interface ReplyAudioOptions {
  tts: Synthesizer;
  sink: AudioSink;
  /** Owned by the reply; aborting stops synthesis and playback handling quietly. */
  signal: AbortSignal;
  /** Speculative replies synthesise ahead but hold their audio until release(). */
  held?: boolean;
  /** The media clock, ms. */
  now: () => number;
  logger: Logger;
}

type Job = AttemptJob;

/**
 * Turns a reply's text chunks into audio in the sink, in order: each chunk's synthesis
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
  /** The mark after the reply's first 20 ms frame (placed once that much audio went out). */
  private startMark: MarkId | undefined;
  private bytesBeforeStartMark = FRAME_BYTES;
  private charactersToTts = 0;
  private readonly attempts = new ReplyAttempts();
  private isReleased = false;
  /** Some audio of the current segment is in the sink and more may follow (a holding line must wait). */
  private midSegment = false;
  private pendingHold: { text: string; audio: Buffer } | undefined;
  private readonly heardWaiters: (() => void)[] = [];
  private audioInAttempt = false;

  constructor(options: ReplyAudioOptions) {
    this.options = options;
    this.released = options.held ? new Promise((resolve) => (this.releaseHold = resolve)) : Promise.resolve();
    this.isReleased = !options.held;
    this.done = this.pump();
  }

  /** Adds a text chunk; synthesis starts now. */
  say(text: string): void {
    if (this.options.signal.aborted) return;
    this.charactersToTts += text.length;
    const audio = new AsyncQueue<Buffer>();
    this.addJob({ text, audio, attempt: this.attempts.current, synthesized: this.synthesize(text, audio) });
  }

  /** Adds audio that is already rendered (the greeting's opening). */
  play(audio: Buffer, text: string): void {
    const queue = new AsyncQueue<Buffer>();
    queue.push(audio);
    queue.close();
    this.addJob({ text, audio: queue, attempt: this.attempts.current, synthesized: Promise.resolve(true) });
  }

  /**
   * Starts a new generation attempt of the reply (a retry): chunks said from now on belong to it,
   * and a broken earlier attempt's chunks that have not played are skipped.
   */
  newAttempt(): number {
    this.audioInAttempt = false;
    return ++this.attempts.current;
  }

  /** Called once when a chunk of an attempt fails to synthesise (that attempt is then broken). */
  onAttemptBroken(listener: (attempt: number) => void): void {
    this.attempts.onBroken(listener);
  }

  /** Resolves once every chunk of `attempt` said so far has synthesised: true if all did. */
  attemptSynthesized(attempt: number): Promise<boolean> {
    return this.attempts.synthesized(attempt);
  }

  /** Marks an attempt broken (its LLM failed): its chunks not yet played are skipped. */
  breakAttempt(attempt: number): void {
    this.attempts.break(attempt, false);
  }

  /** The current attempt has put audio into the sink (a holding line does not count). */
  get attemptHasAudio(): boolean {
    return this.audioInAttempt;
  }

  /**
   * Plays a holding line now, ahead of the reply's own audio still to come, if the reply is
   * playing (released) and no segment is half-written. Returns whether it went out.
   */
  hold(text: string, audio: Buffer): boolean {
    if (!this.isReleased || this.options.signal.aborted || audio.length === 0) return false;
    if (this.midSegment) {
      // Right after the segment being written, never inside it.
      this.pendingHold ??= { text, audio };
      return true;
    }
    const segment: SpokenSegment = {
      text,
      startsAt: undefined,
      end: undefined,
      heard: false,
      failed: false,
      holding: true,
    };
    segment.startsAt = this.write(audio);
    this.segments.push(segment);
    segment.end = this.options.sink.mark();
    return true;
  }

  private addJob(job: Job): void {
    this.attempts.add(job);
    this.jobs.push(job);
  }

  /** No more chunks. Resolves once all audio is in the player (not yet played). */
  finish(): Promise<void> {
    this.jobs.close();
    return this.done;
  }

  /** Lets a held (speculative) reply's audio go out. */
  release(): void {
    this.isReleased = true;
    this.releaseHold();
  }

  /** Resolves once every mark placed so far has come back (the caller heard all audio sent). */
  whenAllHeard(): Promise<void> {
    if (this.segments.every((s) => s.heard || s.end === undefined)) return Promise.resolve();
    return new Promise((resolve) => this.heardWaiters.push(resolve));
  }

  /** Resolves when the reply's audio may go out (at once unless held). */
  get whenReleased(): Promise<void> {
    return this.released;
  }

  get isHeld(): boolean {
    return this.options.held === true;
  }

  /** Characters sent to TTS so far (what a thrown-away reply cost in synthesis). */
  get ttsCharacters(): number {
    return this.charactersToTts;
  }

  /** What a played mark means to this reply, or undefined when it is not one of its marks. */
  markPlayed(mark: MarkId): MarkMeaning | undefined {
    if (mark === this.startMark) {
      // The mark sits after the first 20 ms frame: playback began one frame earlier.
      this.timings.firstAudioHeardAt ??= this.options.now() - 20;
      return 'first-heard';
    }
    const segment = this.segments.find((s) => s.end === mark);
    if (!segment) return undefined;
    segment.heard = true;
    if (this.segments.every((s) => s.heard || s.end === undefined))
      for (const wake of this.heardWaiters.splice(0)) wake();
    return 'segment-heard';
  }

  /** Every segment's mark came back: the caller heard the whole reply. */
  get fullyHeard(): boolean {
    const voiced = this.segments.filter((s) => !s.failed);
    return voiced.length > 0 && voiced.every((s) => s.heard);
  }

  /** No segment has (or will have) audio the caller can hear. */
  get silent(): boolean {
    return this.segments.every((s) => s.failed);
  }

  /** Every played segment's text: what the caller heard of a reply played to its last mark. */
  get spokenText(): string {
    return this.segments
      .filter((s) => !s.failed)
      .map((s) => s.text)
      .filter(Boolean)
      .join(' ')
      .trim();
  }

  /**
   * The text the caller heard up to `heardUpTo` (the position `clear` returned): whole heard
   * segments, then the part of the next one in proportion to how much of its audio had played.
   */
  heardText(heardUpTo: PlayoutPosition): string {
    return heardTextOf(this.segments, heardUpTo);
  }

  private async synthesize(text: string, out: AsyncQueue<Buffer>): Promise<boolean> {
    const attempt = this.attempts.current;
    try {
      for await (const chunk of this.options.tts.synthesize(text, { signal: this.options.signal })) {
        this.timings.ttsFirstByteAt ??= this.options.now();
        out.push(chunk);
      }
      out.close();
      return true;
    } catch (err) {
      out.close();
      if (isAbortError(err) || this.options.signal.aborted) return false;
      this.options.logger.warn({ err }, 'tts chunk failed');
      this.attempts.break(attempt, true);
      return false;
    }
  }

  private async pump(): Promise<void> {
    const { sink, signal } = this.options;
    await this.released;
    for await (const job of this.jobs) {
      if (signal.aborted) return;
      await this.released;
      // Segments enter in the order their audio does, so a holding line can go between them.
      const segment: SpokenSegment = {
        text: job.text,
        startsAt: undefined,
        end: undefined,
        heard: false,
        failed: false,
        holding: false,
      };
      for await (const audio of job.audio) {
        if (signal.aborted) return;
        if (this.attempts.isBroken(job.attempt)) break;
        if (segment.startsAt === undefined) this.segments.push(segment);
        this.midSegment = true;
        const at = this.write(audio);
        segment.startsAt ??= at;
        if (job.attempt === this.attempts.current) this.audioInAttempt = true;
      }
      this.midSegment = false;
      if (signal.aborted) return;
      const pending = this.pendingHold;
      this.pendingHold = undefined;
      if (segment.startsAt === undefined) {
        // Never produced (or its attempt broke first): no mark, or Twilio would echo it at once
        // and the silence would count as heard.
        segment.failed = true;
        this.segments.push(segment);
        continue;
      }
      if (this.attempts.isBroken(job.attempt) || !(await job.synthesized)) segment.failed = true;
      segment.end = sink.mark();
      if (pending) this.hold(pending.text, pending.audio);
    }
  }

  /** Writes audio; returns where it starts. */
  private write(audio: Buffer): PlayoutPosition {
    const { sink } = this.options;
    this.timings.firstAudioSentAt ??= this.options.now();
    // A mark right after the reply's first 20 ms frame tells when the caller started hearing
    // it, whatever sizes the TTS chunks come in.
    if (this.bytesBeforeStartMark > 0) {
      const head = audio.subarray(0, this.bytesBeforeStartMark);
      const at = sink.write(head);
      this.bytesBeforeStartMark -= head.length;
      if (this.bytesBeforeStartMark === 0) this.startMark = sink.mark();
      const rest = audio.subarray(head.length);
      if (rest.length > 0) sink.write(rest);
      return at;
    }
    return sink.write(audio);
  }
}
