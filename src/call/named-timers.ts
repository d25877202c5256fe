import type { Clock, Timer } from '../lib/clock.js';

/** Timers by name on the injected clock; starting a name replaces its previous timer. */
export class NamedTimers<Name extends string> {
  private readonly timers = new Map<Name, Timer>();

  constructor(private readonly clock: Clock) {}

  start(name: Name, afterMs: number, fire: () => void): void {
    this.cancel(name);
    this.timers.set(
      name,
      this.clock.setTimeout(() => {
        this.timers.delete(name);
        fire();
      }, afterMs),
    );
  }

  cancel(name: Name): void {
    this.timers.get(name)?.cancel();
    this.timers.delete(name);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }
}
