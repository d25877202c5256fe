/**
 * Time as a dependency. Domain code never calls Date.now() or setTimeout directly, so
 * every timer-driven decision (pacing, commit, stage budgets) runs on a ManualClock in tests.
 * All durations are milliseconds.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic-ish scale; only differences are meaningful. */
  now(): number;
  /** Wall-clock epoch milliseconds, for timestamps that leave the process (ISO strings). */
  wallNow(): number;
  setTimeout(fn: () => void, delayMs: number): Timer;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout(fn, delayMs) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to; timers fire in due order during advance(). */
export class ManualClock implements Clock {
  private current: number;
  private readonly wallOffset: number;
  private seq = 0;
  private queue: Scheduled[] = [];

  constructor(startMs = 0, wallStartMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
    this.wallOffset = wallStartMs - startMs;
  }

  now(): number {
    return this.current;
  }

  wallNow(): number {
    return this.current + this.wallOffset;
  }

  setTimeout(fn: () => void, delayMs: number): Timer {
    const entry: Scheduled = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.queue.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they schedule). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  /** Timers still waiting to fire. */
  pendingCount(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }

  private nextDue(limit: number): Scheduled | undefined {
    this.queue = this.queue.filter((t) => !t.cancelled);
    let best: Scheduled | undefined;
    for (const t of this.queue) {
      if (t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    if (best) this.queue.splice(this.queue.indexOf(best), 1);
    return best;
  }
}
