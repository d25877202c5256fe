/**
 * Drives a whole call over real sockets on a ManualClock, as fast as the machine allows and
 * the same way every run. The clock moves one media frame (20 ms) at a time; after each step the
 * driver lets the event loop run until nothing observable has happened for `quietTurns` turns
 * (an ActivityProbe count), so every message the step caused (frames, STT events, LLM deltas,
 * TTS audio, marks) has been handled before time moves on. On loopback one hop takes about one
 * turn; a quiet window of several turns covers the few steps no counter sees (a request being
 * written, a socket connecting).
 */
import type { ManualClock } from '../../src/lib/clock.js';

export interface ClockDriverOptions {
  clock: ManualClock;
  /** A count that grows whenever something observable happens (ActivityProbe.count). */
  activity: () => number;
  /** Clock step, ms. Default 20 (one Twilio media frame). */
  stepMs?: number;
  /** Event-loop turns without activity that count as settled. Default 8. */
  quietTurns?: number;
  /** Most turns one settle may take (a chatty loop never goes quiet). Default 20000. */
  maxTurns?: number;
}

export class ClockDriver {
  readonly clock: ManualClock;
  private readonly activity: () => number;
  private readonly stepMs: number;
  private readonly quietTurns: number;
  private readonly maxTurns: number;

  constructor(options: ClockDriverOptions) {
    this.clock = options.clock;
    this.activity = options.activity;
    this.stepMs = options.stepMs ?? 20;
    this.quietTurns = options.quietTurns ?? 8;
    this.maxTurns = options.maxTurns ?? 20_000;
  }

  /** Runs the event loop (not the clock) until nothing has happened for `quietTurns` turns. */
  async settle(): Promise<void> {
    let last = this.activity();
    let quiet = 0;
    for (let turn = 0; quiet < this.quietTurns && turn < this.maxTurns; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = this.activity();
      if (now === last) quiet++;
      else {
        last = now;
        quiet = 0;
      }
    }
  }

  /** One clock step, then settle. */
  async step(): Promise<void> {
    this.clock.advance(this.stepMs);
    await this.settle();
  }

  /** Steps for `ms` of clock time. */
  async runFor(ms: number): Promise<void> {
    const until = this.clock.now() + ms;
    while (this.clock.now() < until) await this.step();
  }

  /**
   * Steps until `done()` holds (checked after every step) or `maxMs` of clock time passed;
   * returns whether it held. `everyStep` runs after each step (e.g. to show progress).
   */
  async runUntil(
    done: () => boolean,
    options: { maxMs: number; everyStep?: () => Promise<void> | void },
  ): Promise<boolean> {
    const deadline = this.clock.now() + options.maxMs;
    await this.settle();
    while (!done()) {
      if (this.clock.now() >= deadline) return false;
      await this.step();
      await options.everyStep?.();
    }
    return true;
  }
}
