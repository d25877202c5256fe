import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { AppError, ErrorCodes } from '../../src/lib/errors.js';
import { withRetry } from '../../src/lib/retry.js';
import { sleep } from '../../src/lib/sleep.js';

/** Lets settled promises run their continuations (no timers involved). */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function track<T>(promise: Promise<T>) {
  const state: { settled: 'no' | 'resolved' | 'rejected'; reason?: unknown } = { settled: 'no' };
  promise.then(
    () => {
      state.settled = 'resolved';
    },
    (reason: unknown) => {
      state.settled = 'rejected';
      state.reason = reason;
    },
  );
  return state;
}

describe('sleep on a clock', () => {
  it('resolves only once the clock has advanced the full delay', async () => {
    const clock = new ManualClock();
    const state = track(sleep(clock, 300));
    clock.advance(299);
    await flushMicrotasks();
    expect(state.settled).toBe('no');
    clock.advance(1);
    await flushMicrotasks();
    expect(state.settled).toBe('resolved');
  });

  it('rejects with the abort reason and leaves no timer behind', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const state = track(sleep(clock, 300, controller.signal));
    controller.abort(new Error('stopped'));
    await flushMicrotasks();
    expect(state).toMatchObject({ settled: 'rejected', reason: new Error('stopped') });
    expect(clock.pendingCount()).toBe(0);
  });

  it('rejects at once for a signal already aborted, and resolves at once for 0 ms', async () => {
    const clock = new ManualClock();
    const aborted = track(sleep(clock, 300, AbortSignal.abort()));
    const zero = track(sleep(clock, 0));
    await flushMicrotasks();
    expect(aborted.settled).toBe('rejected');
    expect(zero.settled).toBe('resolved');
    expect(clock.pendingCount()).toBe(0);
  });
});

describe('withRetry on a clock', () => {
  const retryable = new AppError(ErrorCodes.STORE_FAILED, 'busy', { retryable: true });

  it('waits the base delay, then twice it, between attempts', async () => {
    const clock = new ManualClock();
    const attemptsAt: number[] = [];
    const result = track(
      withRetry(
        async (attempt) => {
          attemptsAt.push(clock.now());
          if (attempt < 3) throw retryable;
          return 'done';
        },
        { clock, attempts: 3, baseDelayMs: 100, isRetryable: () => true },
      ),
    );
    await flushMicrotasks();
    expect(attemptsAt).toEqual([0]);
    clock.advance(99);
    await flushMicrotasks();
    expect(attemptsAt).toEqual([0]);
    clock.advance(1);
    await flushMicrotasks();
    expect(attemptsAt).toEqual([0, 100]);
    clock.advance(199);
    await flushMicrotasks();
    expect(attemptsAt).toEqual([0, 100]);
    clock.advance(1);
    await flushMicrotasks();
    expect(attemptsAt).toEqual([0, 100, 300]);
    expect(result.settled).toBe('resolved');
  });

  it('gives up at once on an error that is not retryable', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const fatal = new AppError(ErrorCodes.STORE_FAILED, 'bad', { retryable: false });
    const result = track(
      withRetry(
        async () => {
          attempts++;
          throw fatal;
        },
        { clock, attempts: 3, baseDelayMs: 100, isRetryable: (err) => err instanceof AppError && err.retryable },
      ),
    );
    await flushMicrotasks();
    expect(result).toMatchObject({ settled: 'rejected', reason: fatal });
    expect(attempts).toBe(1);
    expect(clock.pendingCount()).toBe(0);
  });

  it('stops waiting and attempting when aborted during the wait', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let attempts = 0;
    const result = track(
      withRetry(
        async () => {
          attempts++;
          throw retryable;
        },
        { clock, attempts: 3, baseDelayMs: 100, isRetryable: () => true, signal: controller.signal },
      ),
    );
    await flushMicrotasks();
    controller.abort();
    clock.advance(1_000);
    await flushMicrotasks();
    expect(result.settled).toBe('rejected');
    expect(attempts).toBe(1);
  });
});
