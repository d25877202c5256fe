import type { Clock } from '../lib/clock.js';
import { isAppError } from '../lib/errors.js';
import { withRetry } from '../lib/retry.js';
import type { Logger } from '../observability/logger.js';
import type { CallOutcome, CallStore, StageEnd, TranscriptLineInput } from './call-store.js';

export interface CallWriterOptions {
  store: CallStore;
  callId: string;
  clock: Clock;
  logger: Logger;
  /** Pending writes past which back-pressure is logged (once per episode); default 50. */
  backPressureDepth?: number;
  /** Attempts per write before it is logged and dropped; default 3. */
  attempts?: number;
  /** Delay before the second attempt of a failed write, ms, doubling; default 200. */
  retryDelayMs?: number;
}

interface PendingWrite {
  kind: string;
  run: () => Promise<unknown>;
}

/**
 * Write-as-you-go for one call. The orchestrator calls these methods on the audio path: each
 * returns at once, and the writes are stored in call order in the background, one at a time, so
 * a crash leaves everything up to the last stored write. A slow database grows the queue; past
 * `backPressureDepth` that is logged, never waited on.
 */
export class CallWriter {
  private readonly queue: PendingWrite[] = [];
  private draining = false;
  private overloaded = false;
  private idleWaiters: Array<() => void> = [];
  private readonly threshold: number;

  constructor(private readonly options: CallWriterOptions) {
    this.threshold = options.backPressureDepth ?? 50;
  }

  get callId(): string {
    return this.options.callId;
  }

  /** Writes queued and not yet stored. */
  get depth(): number {
    return this.queue.length + (this.draining ? 1 : 0);
  }

  transcriptLine(line: TranscriptLineInput): void {
    this.enqueue('transcript_line', () => this.options.store.appendTranscriptLine(this.callId, line));
  }

  stageStarted(name: string, at: Date): void {
    this.enqueue('stage_started', () => this.options.store.stageStarted(this.callId, name, at));
  }

  stageEnded(name: string, end: StageEnd): void {
    this.enqueue('stage_ended', () => this.options.store.stageEnded(this.callId, name, end));
  }

  setStage(stage: string): void {
    this.enqueue('stage', () => this.options.store.setStage(this.callId, stage));
  }

  latency(turn: Record<string, unknown>): void {
    this.enqueue('latency', () => this.options.store.recordLatency(this.callId, turn));
  }

  event(type: string, data?: unknown, at?: Date): void {
    this.enqueue('event', () => this.options.store.recordEvent(this.callId, type, data, at));
  }

  /** Queued after every earlier write, so the results webhook sees the whole transcript. */
  finish(outcome: CallOutcome, reason: string | null, at?: Date): void {
    this.enqueue('finish', () => this.options.store.finishCall(this.callId, outcome, reason, at ? { at } : {}));
  }

  /** Resolves once every write queued so far has been stored (or given up on). */
  flush(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(kind: string, run: () => Promise<unknown>): void {
    this.queue.push({ kind, run });
    if (!this.overloaded && this.depth > this.threshold) {
      this.overloaded = true;
      this.options.logger.warn({ callId: this.callId, depth: this.depth }, 'call writer back-pressure');
    }
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    for (let write = this.queue.shift(); write; write = this.queue.shift()) {
      await this.store(write);
      if (this.overloaded && this.depth <= this.threshold / 2) {
        this.overloaded = false;
        this.options.logger.info({ callId: this.callId, depth: this.depth }, 'call writer caught up');
      }
    }
    this.draining = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async store(write: PendingWrite): Promise<void> {
    const { clock } = this.options;
    try {
      await withRetry(() => write.run(), {
        attempts: this.options.attempts ?? 3,
        baseDelayMs: this.options.retryDelayMs ?? 200,
        isRetryable: (err) => !isAppError(err) || err.retryable,
        clock,
      });
    } catch (err) {
      this.options.logger.error({ callId: this.callId, kind: write.kind, err }, 'call write dropped');
    }
  }
}
