/**
 * Turn latency bookkeeping (TurnTracker), pure: which speech answers which committed turn, and the
 * figures once it has played. TurnLatencyObserver drives it from call events.
 */
import { summarizeTurn, type TurnLatency, type TurnMarks } from '../observability/turn-latency.js';
import type { ReplyAudioTimings } from './reply-audio.js';

/**
 * Follows each caller turn from its commit to the first audio of the speech that answers it,
 * on the media clock. A reply that only called a tool hands its turn on to the speech after it.
 */
export class TurnTracker {
  private count = 0;
  private pending: TurnMarks | undefined;
  private readonly bySpeech = new Map<string, TurnMarks>();
  readonly completed: TurnLatency[] = [];

  /** A commit opened a turn; the next speech queued answers it. */
  open(speechEndAt: number, commitAt: number): void {
    this.pending = { turn: ++this.count, speechEndAt: Math.round(speechEndAt), commitAt: Math.round(commitAt) };
  }

  /** The commit asked for no speech (nothing to measure). */
  closePending(): void {
    this.pending = undefined;
  }

  /** Speech `speechId` answers the open turn, if one is waiting. */
  attach(speechId: string, options: { speculative?: boolean } = {}): void {
    if (!this.pending) return;
    if (options.speculative) this.pending.speculative = true;
    this.bySpeech.set(speechId, this.pending);
    this.pending = undefined;
  }

  firstToken(speechId: string, atMs: number): void {
    const turn = this.bySpeech.get(speechId);
    if (turn) turn.llmFirstTokenAt ??= Math.round(atMs);
  }

  /** The reply only called a tool: whatever speech follows answers its turn. */
  handOn(speechId: string): void {
    const turn = this.bySpeech.get(speechId);
    if (!turn) return;
    this.bySpeech.delete(speechId);
    this.pending = turn;
  }

  forget(speechId: string): void {
    this.bySpeech.delete(speechId);
  }

  /** The speech is over: its turn, completed with its audio timings, or undefined. */
  finish(speechId: string, timings: ReplyAudioTimings): TurnLatency | undefined {
    const turn = this.bySpeech.get(speechId);
    this.bySpeech.delete(speechId);
    if (!turn) return undefined;
    if (timings.ttsFirstByteAt !== undefined) turn.ttsFirstByteAt = Math.round(timings.ttsFirstByteAt);
    if (timings.firstAudioSentAt !== undefined) turn.firstAudioSentAt = Math.round(timings.firstAudioSentAt);
    if (timings.firstAudioHeardAt !== undefined) turn.firstAudioHeardAt = Math.round(timings.firstAudioHeardAt);
    const latency = summarizeTurn(turn);
    this.completed.push(latency);
    return latency;
  }

  /** Turn numbering as of now, to restore when a commit is taken back. */
  get turnCount(): number {
    return this.count;
  }

  /** A commit was taken back: its turns (numbered after `count`) never happened. */
  rewindTo(count: number): void {
    this.count = count;
    this.pending = undefined;
    for (const [speechId, turn] of this.bySpeech) if (turn.turn > count) this.bySpeech.delete(speechId);
    for (let i = this.completed.length - 1; i >= 0; i--) {
      if ((this.completed[i]?.turn ?? 0) > count) this.completed.splice(i, 1);
    }
  }
}
