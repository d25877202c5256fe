import type { Clock, Timer } from '../lib/clock.js';
import { FRAME_BYTES, FRAME_MS, MULAW_SILENCE } from './audio-codec.js';
import { type AudioSink, type MarkId, type PlayoutPosition, playoutPosition } from './audio-sink.js';

/**
 * Plays agent audio to Twilio (the call's AudioSink): whole 20 ms frames, paced to real time
 * with a small lead so a `clear` has little to flush, marks where it is told, and — from the
 * echoed marks — what the caller has actually heard.
 *
 * Twilio plays what it receives in order at real time. We model its buffer by the instant it
 * will finish playing what we have sent (`playEndsAt`); we send while that is less than
 * `leadMs` ahead of now. Marks are named `m<n>` on the wire, one sequence per stream; the call
 * only ever sees the MarkId objects.
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
  onMarkPlayed?: (mark: MarkId) => void;
  /**
   * Twilio's buffer (as modelled) ran dry inside the agent's speech: `late` when frames were
   * waiting here (our pacing timer ran late by more than the lead), `starved` when none had come
   * yet and audio went on within STALL_MS (TTS, or the reply behind it, slower than real time).
   * Holds, clears and pauses are deliberate gaps and never count.
   */
  onStall?: (cause: StallCause, dryMs: number) => void;
}

export type StallCause = 'late' | 'starved';

/** A dry buffer refilled within this long is a stall inside speech; longer, a pause between replies. */
const STALL_MS = 300;

type QueueItem = { kind: 'frame'; bytes: Buffer } | { kind: 'mark'; name: string; id: MarkId };

interface SentMark {
  name: string;
  id: MarkId;
  /** Total audio bytes sent before this mark. */
  atBytes: number;
  cleared: boolean;
}

export class OutboundPlayer implements AudioSink {
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
  /** Feeding stopped without a clear (hold): Twilio plays on what it already has. */
  private held = false;
  private markSeq = 0;
  /** The next dry buffer is one we made (nothing played yet, a hold, a clear, a pause): no stall. */
  private gapIsDeliberate = true;
  /** Items sent whose audio may not have played yet, oldest first, with their stream position. */
  private recentlySent: { item: QueueItem; atBytes: number }[] = [];

  constructor(options: OutboundPlayerOptions) {
    this.options = options;
    this.clock = options.clock;
    this.leadMs = options.leadMs ?? 200;
  }

  /** Queues μ-law audio of any length; whole frames go out as pacing allows. Returns where it starts. */
  write(mulaw: Buffer): PlayoutPosition {
    const startsAt = playoutPosition(this.enqueuedBytesTotal);
    if (this.closed || mulaw.length === 0) return startsAt;
    this.enqueuedBytesTotal += mulaw.length;
    let data = this.partial.length ? Buffer.concat([this.partial, mulaw]) : mulaw;
    while (data.length >= FRAME_BYTES) {
      this.queue.push({ kind: 'frame', bytes: data.subarray(0, FRAME_BYTES) });
      data = data.subarray(FRAME_BYTES);
    }
    this.partial = Buffer.from(data);
    this.pump();
    return startsAt;
  }

  /**
   * Queues a mark after everything written so far. A partial frame is padded with silence
   * first, so the mark sits on a frame boundary (at most 20 ms of silence added).
   */
  mark(): MarkId {
    const name = `m${++this.markSeq}`;
    if (!this.closed) this.padPartialFrame();
    const id = { at: playoutPosition(this.enqueuedBytesTotal) } as MarkId;
    if (this.closed) return id;
    this.queue.push({ kind: 'mark', name, id });
    this.pump();
    return id;
  }

  /**
   * Drops everything queued here and in Twilio's buffer. Marks still outstanding will be
   * echoed by Twilio at once; those echoes are ignored since that audio was never heard.
   * Returns the position the caller had heard up to when the clear went out (estimated).
   */
  clear(): PlayoutPosition {
    const heard = this.estimatedPlayedBytes();
    this.queue = [];
    this.partial = Buffer.alloc(0);
    this.timer?.cancel();
    this.timer = undefined;
    for (const mark of this.outstandingMarks) mark.cleared = true;
    this.paused = false;
    this.held = false;
    this.recentlySent = [];
    this.playEndsAt = this.clock.now();
    this.gapIsDeliberate = true;
    // Whatever was sent but not played is gone: rewind the sent total to what was heard.
    this.sentBytesTotal = heard;
    this.enqueuedBytesTotal = heard;
    if (!this.closed) this.options.sendClear();
    return playoutPosition(heard);
  }

  /** Call with every `mark` message Twilio sends back. */
  handleMarkEcho(name: string): void {
    const index = this.outstandingMarks.findIndex((m) => m.name === name);
    if (index < 0) return;
    const [mark] = this.outstandingMarks.splice(index, 1);
    if (!mark || mark.cleared) return;
    this.heardBytesTotal = Math.max(this.heardBytesTotal, mark.atBytes);
    this.options.onMarkPlayed?.(mark.id);
  }

  /** Bytes the caller has provably heard (up to the last mark echoed, not cleared). */
  get heardBytes(): number {
    return this.heardBytesTotal;
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
    this.gapIsDeliberate = true;
    this.options.sendClear();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  }

  /**
   * Stops sending new frames but sends no `clear`: Twilio plays on what it already holds (up to
   * the lead). Returns how long that is, ms: the caller hears the agent that much longer, which
   * is the time to decide between `release()` (no gap heard) and `clear()` (stop for good).
   */
  hold(): number {
    if (!this.closed && !this.held) {
      this.held = true;
      this.gapIsDeliberate = true;
      this.timer?.cancel();
      this.timer = undefined;
    }
    return Math.max(0, this.playEndsAt - this.clock.now());
  }

  /** Ends a `hold()`: frames go out again from where they stopped, the lead refilled at once. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    // Released before Twilio ran out: the caller heard no gap of ours.
    if (this.playEndsAt > this.clock.now()) this.gapIsDeliberate = false;
    this.pump();
  }

  get isHeld(): boolean {
    return this.held;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.queue = [];
  }

  /**
   * The buffer ran dry before this frame: a stall unless we made the gap. A timer that woke late
   * with frames waiting is ours however long it slept; audio that came late is a stall only
   * within STALL_MS (longer, a pause between replies).
   */
  private resumeAfterDry(now: number, woken: boolean): void {
    const dryMs = now - this.playEndsAt;
    if (!this.gapIsDeliberate && (woken || dryMs <= STALL_MS))
      this.options.onStall?.(woken ? 'late' : 'starved', dryMs);
    this.playEndsAt = now;
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

  private pump(woken = false): void {
    if (this.closed || this.paused || this.held || this.timer) return;
    const now = this.clock.now();
    while (this.queue.length > 0) {
      const item = this.queue[0]!;
      if (item.kind === 'mark') {
        this.queue.shift();
        this.outstandingMarks.push({ name: item.name, id: item.id, atBytes: this.sentBytesTotal, cleared: false });
        this.recentlySent.push({ item, atBytes: this.sentBytesTotal });
        this.options.sendMark(item.name);
        continue;
      }
      // Half a frame of slack: a timer a little late must send one frame, not two (gaps of 0 and
      // 40 ms instead of 20); one more than half a frame late sends two, catching up.
      if (this.playEndsAt - now > this.leadMs - FRAME_MS / 2) break;
      if (this.playEndsAt < now) this.resumeAfterDry(now, woken);
      this.queue.shift();
      this.options.sendMedia(item.bytes);
      this.recentlySent.push({ item, atBytes: this.sentBytesTotal });
      this.sentBytesTotal += item.bytes.length;
      this.playEndsAt += FRAME_MS;
      this.gapIsDeliberate = false;
    }
    this.forgetPlayed();
    if (this.queue.length > 0) {
      // Wake when the lead has drained by one frame.
      const wakeIn = this.playEndsAt - this.leadMs + FRAME_MS - now;
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.pump(true);
      }, wakeIn);
    }
  }
}
