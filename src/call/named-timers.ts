/**
 * The interview machine's timers for one call, by name, on the injected clock. A firing is
 * handed to `onFire` (the call posts it into its mailbox). The machine's own state says which
 * timers are armed and when they are due, so taking a commit back re-arms from that state
 * (`rearm`) instead of keeping a second copy here.
 */
import type { Clock, Timer } from '../lib/clock.js';

export class NamedTimers<Name extends string> {
  private readonly timers = new Map<Name, Timer>();

  constructor(
    private readonly clock: Clock,
    private readonly onFire: (name: Name) => void,
  ) {}

  /** Starting a name replaces its previous timer. */
  start(name: Name, afterMs: number): void {
    this.cancel(name);
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(name);
      this.onFire(name);
    }, afterMs);
    this.timers.set(name, timer);
  }

  cancel(name: Name): void {
    this.timers.get(name)?.cancel();
    this.timers.delete(name);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  /** Arms exactly these timers, each for what is left until it is due (clock ms; past due fires now). */
  rearm(dueAt: Readonly<Partial<Record<Name, number>>>): void {
    this.cancelAll();
    const now = this.clock.now();
    for (const [name, due] of Object.entries(dueAt) as [Name, number | undefined][]) {
      if (due !== undefined) this.start(name, Math.max(0, due - now));
    }
  }

  /** Names armed now (for tests and logs). */
  get armed(): Name[] {
    return [...this.timers.keys()];
  }
}
