import type { Clock, Timer } from '../lib/clock.js';

interface Armed {
  timer: Timer;
  dueAt: number;
  fire: () => void;
}

/** Which timers were armed and when they were due; restored when a commit is taken back. */
export type TimersSnapshot<Name extends string> = ReadonlyMap<Name, { dueAt: number; fire: () => void }>;

/** Timers by name on the injected clock; starting a name replaces its previous timer. */
export class NamedTimers<Name extends string> {
  private readonly timers = new Map<Name, Armed>();

  constructor(private readonly clock: Clock) {}

  start(name: Name, afterMs: number, fire: () => void): void {
    this.cancel(name);
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(name);
      fire();
    }, afterMs);
    this.timers.set(name, { timer, dueAt: this.clock.now() + afterMs, fire });
  }

  cancel(name: Name): void {
    this.timers.get(name)?.timer.cancel();
    this.timers.delete(name);
  }

  cancelAll(): void {
    for (const armed of this.timers.values()) armed.timer.cancel();
    this.timers.clear();
  }

  snapshot(): TimersSnapshot<Name> {
    return new Map([...this.timers].map(([name, a]) => [name, { dueAt: a.dueAt, fire: a.fire }]));
  }

  /** Re-arms exactly the timers of the snapshot, each for what was left of it. */
  restore(snapshot: TimersSnapshot<Name>): void {
    this.cancelAll();
    for (const [name, { dueAt, fire }] of snapshot) this.start(name, Math.max(0, dueAt - this.clock.now()), fire);
  }
}
