import type { Clock } from './clock.js';

/**
 * Waits `ms` on `clock` (a ManualClock in tests, so a wait ends only when the test advances
 * time). Rejects with the signal's reason when it aborts first; `ms <= 0` resolves at once,
 * without a timer.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
