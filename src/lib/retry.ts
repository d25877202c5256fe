import type { Clock } from './clock.js';
import { isAbortError } from './errors.js';
import { sleep } from './sleep.js';

export interface RetryOptions {
  /** Waits between attempts run on this clock (a ManualClock in tests). */
  clock: Clock;
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt, ms; doubles each time. */
  baseDelayMs: number;
  /** Whether an error may be retried. */
  isRetryable: (err: unknown) => boolean;
  /** Aborting ends the wait and stops further attempts; the abort error is rethrown. */
  signal?: AbortSignal | undefined;
}

/** The one retry/back-off wrapper: adapters say what is retryable, this says how often and when. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      lastError = err;
      if (isAbortError(err) || options.signal?.aborted) throw err;
      if (attempt === options.attempts || !options.isRetryable(err)) throw err;
      await sleep(options.clock, options.baseDelayMs * 2 ** (attempt - 1), options.signal);
    }
  }
  throw lastError;
}
