import type { Clock, Timer } from '../lib/clock.js';
import { bytesToMs, FRAME_BYTES, FRAME_MS, MULAW_SILENCE } from './audio-codec.js';

/**
 * Plays agent audio to Twilio: whole 20 ms frames, paced to real time with a small lead so a
 * `clear` has little to flush, marks at the boundaries it is told about, and — from the echoed
 * marks — what the caller has actually heard.
 *
 * Twilio plays what it receives in order at real time. We model its buffer by the instant it
 * will finish playing what we have sent (`playEndsAt`); we send while that is less than
 * `leadMs` ahead of now.
 */
export interface OutboundPlayerOptions {
  clock: Clock;
  /** Writes one Twilio message (already serialised by the caller's codec). */
  sendMedia: (frame: Buffer) => void;
  sendMark: (name: string) => void;
  sendClear: () => void;
  /** How far ahead of Twilio's playhead we may send, ms. Default 200 (the contract's bound). */
  leadMs?: number;
  /** Called when a mark comes back for audio the caller really heard (not a clear's flush). */
  onMarkPlayed?: (name: string, heardBytes: number) => void;
}

type QueueItem = { kind: 'frame'; bytes: Buffer } | { kind: 'mark'; name: string };

interface SentMark {
  name: string;
  /** Total audio bytes sent before this mark. */
  atBytes: number;
  cleared: boolean;
}

export class OutboundPlayer {
  private readonly clock: Clock;
  private readonly leadMs: number;
  private readonly options: OutboundPlayerOptions;
  private queue: QueueItem[] = [];
  /** Bytes waiting to make up a whole frame. */
  private partial: Buffer = Buffer.alloc(0);
  private timer: Timer | undefined;
  private playEndsAt = 0;
  private sentBytesTotal = 0;
  /** Every byte ever accepted (sent, queued or partial); rewound to the heard estimate on clear. */
  private enqueuedBytesTotal = 0;
  private heardBytesTotal = 0;
  private readonly outstandingMarks: SentMark[] = [];
  private closed = false;
  private paused = false;
  /** Items sent whose audio may not have played yet, oldest first, with their stream position. */
  private recentlySent: { item: QueueItem; atBytes: number }[] = [];

  constructor(options: OutboundPlayerOptions) {
    this.options = options;
    this.clock = options.clock;
    this.leadMs = options.leadMs ?? 200;
  }

  /** Queues μ-law audio of any length; whole frames go out as pacing allows. */
  enqueue(mulaw: Buffer): void {
    if (this.closed || mulaw.length === 0) return;
    this.enqueuedBytesTotal += mulaw.length;
    let data = this.partial.length ? Buffer.concat([this.partial, mulaw]) : mulaw;
    while (data.length >= FRAME_BYTES) {
      this.queue.push({ kind: 'frame', bytes: data.subarray(0, FRAME_BYTES) });
      data = data.subarray(FRAME_BYTES);
    }
    this.partial = Buffer.from(data);
    this.pump();
  }

  /**
   * Queues a mark after everything enqueued so far. A partial frame is padded with silence
   * first, so the mark sits on a frame boundary (at most 20 ms of silence added).
   */
  mark(name: string): void {
    if (this.closed) return;
    this.padPartialFrame();
    this.queue.push({ kind: 'mark', name });
    this.pump();
  }

  /**
   * Drops everything queued here and in Twilio's buffer. Marks still outstanding will be
   * echoed by Twilio at once; those echoes are ignored since that audio was never heard.
   * Returns the estimated bytes the caller heard when the clear went out.
   */
  clear(): number {
    const heard = this.estimatedPlayedBytes();
    this.queue = [];
    this.partial = Buffer.alloc(0);
    this.timer?.cancel();
    this.timer = undefined;
    for (const mark of this.outstandingMarks) mark.cleared = true;
    this.paused = false;
    this.recentlySent = [];
    this.playEndsAt = this.clock.now();
    // Whatever was sent but not played is gone: rewind the sent total to what was heard.
    this.sentBytesTotal = heard;
    this.enqueuedBytesTotal = heard;
    if (!this.closed) this.options.sendClear();
    return heard;
  }

  /** Call with every `mark` message Twilio sends back. */
  handleMarkEcho(name: string): void {
    const index = this.outstandingMarks.findIndex((m) => m.name === name);
    if (index < 0) return;
    const [mark] = this.outstandingMarks.splice(index, 1);
    if (!mark || mark.cleared) return;
    this.heardBytesTotal = Math.max(this.heardBytesTotal, mark.atBytes);
    this.options.onMarkPlayed?.(name, mark.atBytes);
  }

  /** Bytes the caller has provably heard (up to the last mark echoed, not cleared). */
  get heardBytes(): number {
    return this.heardBytesTotal;
  }

  /** Position, in bytes, where the next enqueued audio will sit in the outgoing stream. */
  get enqueuedBytes(): number {
    return this.enqueuedBytesTotal;
  }

  get sentBytes(): number {
    return this.sentBytesTotal;
  }

  /** Audio queued here and not yet sent, ms. */
  get queuedMs(): number {
    const frames = this.queue.filter((i) => i.kind === 'frame').length;
    return frames * FRAME_MS + bytesToMs(this.partial.length);
  }

  /** True while audio is queued here or still playing at Twilio. */
  get isPlaying(): boolean {
    return this.queue.length > 0 || this.partial.length > 0 || this.playEndsAt > this.clock.now();
  }

  /** Estimate of bytes played so far, from the real-time playback model (within a frame). */
  estimatedPlayedBytes(): number {
    const unplayedMs = Math.max(0, this.playEndsAt - this.clock.now());
    return Math.max(this.heardBytesTotal, this.sentBytesTotal - Math.round((unplayedMs * 8000) / 1000));
  }

  /**
   * Stops the agent's audio at once without losing it: Twilio's buffer is cleared and what it
   * had not played yet goes back to the head of our queue, so `resume()` continues from the
   * frame the caller was hearing. Used while it is unclear whether the caller is interrupting.
   */
  pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.timer?.cancel();
    this.timer = undefined;
    const played = this.estimatedPlayedBytes();
    // Resume from the frame being played (repeat at most 20 ms of it, never skip any).
    let from = 0;
    this.recentlySent.forEach((sent, i) => {
      if (sent.item.kind === 'frame' && sent.atBytes <= played) from = i;
    });
    const unplayed = this.recentlySent.slice(from);
    const resumeAt = unplayed[0]?.atBytes ?? played;
    // Marks to be sent again: their echoes after the clear are not proof of anything heard.
    for (const { item } of unplayed) {
      if (item.kind !== 'mark') continue;
      const mark = this.outstandingMarks.find((m) => m.name === item.name && !m.cleared);
      if (mark) mark.cleared = true;
    }
    this.queue = [...unplayed.map((sent) => sent.item), ...this.queue];
    this.recentlySent = [];
    this.sentBytesTotal = Math.min(this.sentBytesTotal, resumeAt);
    this.playEndsAt = this.clock.now();
    this.options.sendClear();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Pads the tail to a whole frame and sends it (end of an utterance with no mark after it). */
  flush(): void {
    this.padPartialFrame();
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.queue = [];
  }

  /** Keeps only what Twilio may still hold (about the lead), for pause() to take back. */
  private forgetPlayed(): void {
    const played = this.estimatedPlayedBytes() - FRAME_BYTES;
    let drop = 0;
    while (drop < this.recentlySent.length && (this.recentlySent[drop]?.atBytes ?? 0) < played) drop++;
    if (drop > 0) this.recentlySent.splice(0, drop);
  }

  private padPartialFrame(): void {
    if (this.partial.length === 0) return;
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    this.partial.copy(frame);
    this.enqueuedBytesTotal += FRAME_BYTES - this.partial.length;
    this.partial = Buffer.alloc(0);
    this.queue.push({ kind: 'frame', bytes: frame });
  }

  private pump(): void {
    if (this.closed || this.paused || this.timer) return;
    const now = this.clock.now();
    if (this.playEndsAt < now) this.playEndsAt = now;
    while (this.queue.length > 0) {
      const item = this.queue[0]!;
      if (item.kind === 'mark') {
        this.queue.shift();
        this.outstandingMarks.push({ name: item.name, atBytes: this.sentBytesTotal, cleared: false });
        this.recentlySent.push({ item, atBytes: this.sentBytesTotal });
        this.options.sendMark(item.name);
        continue;
      }
      if (this.playEndsAt - now >= this.leadMs) break;
      this.queue.shift();
      this.options.sendMedia(item.bytes);
      this.recentlySent.push({ item, atBytes: this.sentBytesTotal });
      this.sentBytesTotal += item.bytes.length;
      this.playEndsAt += FRAME_MS;
    }
    this.forgetPlayed();
    if (this.queue.length > 0) {
      // Wake when the lead has drained by one frame.
      const wakeIn = this.playEndsAt - this.leadMs + FRAME_MS - now;
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wakeIn);
    }
  }
}
