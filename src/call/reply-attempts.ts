/**
 * The generation attempts of one reply (a retry is a new attempt) and their chunks: an attempt
 * breaks when one of its chunks cannot be synthesised or its LLM request fails, and then its
 * chunks not yet played are skipped, so only a whole attempt's text ever counts as heard.
 */
import type { AsyncQueue } from '../lib/async-queue.js';

export interface AttemptJob {
  text: string;
  audio: AsyncQueue<Buffer>;
  /** The attempt it belongs to. */
  attempt: number;
  /** Resolves true when its synthesis delivered all its audio, false when it failed. */
  synthesized: Promise<boolean>;
}

export class ReplyAttempts {
  current = 0;
  private readonly broken = new Set<number>();
  private readonly jobs = new Map<number, AttemptJob[]>();
  private listener: (attempt: number) => void = () => {};

  add(job: AttemptJob): void {
    const list = this.jobs.get(job.attempt) ?? [];
    list.push(job);
    this.jobs.set(job.attempt, list);
  }

  isBroken(attempt: number): boolean {
    return this.broken.has(attempt);
  }

  onBroken(listener: (attempt: number) => void): void {
    this.listener = listener;
  }

  /** Breaks an attempt (once); `notify`: tell the listener (a chunk failed, not the LLM). */
  break(attempt: number, notify: boolean): void {
    if (this.broken.has(attempt)) return;
    this.broken.add(attempt);
    // Its chunks still synthesising must not hold up the retry's audio behind them.
    for (const job of this.jobs.get(attempt) ?? []) job.audio.close();
    if (notify) this.listener(attempt);
  }

  /** Resolves once every chunk of `attempt` said so far has synthesised: true if all did. */
  async synthesized(attempt: number): Promise<boolean> {
    const results = await Promise.all((this.jobs.get(attempt) ?? []).map((j) => j.synthesized));
    return results.every(Boolean) && !this.broken.has(attempt);
  }
}
