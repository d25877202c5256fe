import { isAbortError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt, ms; doubles each time. */
  baseDelayMs: number;
  /** Whether an error may be retried. */
  isRetryable: (err: unknown) => boolean;
  signal?: AbortSignal | undefined;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The one retry/back-off wrapper: adapters say what is retryable, this says how often and when. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? abortableSleep;
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      lastError = err;
      if (isAbortError(err) || options.signal?.aborted) throw err;
      if (attempt === options.attempts || !options.isRetryable(err)) throw err;
      await sleep(options.baseDelayMs * 2 ** (attempt - 1), options.signal);
    }
  }
  throw lastError;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
