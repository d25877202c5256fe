/**
 * Counts the calls this process is carrying, refuses new ones at MAX_CALLS or while draining,
 * and lets shutdown wait for the ones in progress.
 */
export class CallRegistry {
  private readonly active = new Map<string, { hangUp: () => void }>();
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly maxCalls: number) {}

  /** Why a new call would be refused now, or undefined if it can be taken. */
  refusal(): 'draining' | 'at-capacity' | undefined {
    if (this.draining) return 'draining';
    if (this.active.size >= this.maxCalls) return 'at-capacity';
    return undefined;
  }

  add(id: string, call: { hangUp: () => void }): void {
    this.active.set(id, call);
  }

  remove(id: string): void {
    this.active.delete(id);
    if (this.active.size === 0) {
      for (const wake of this.idleWaiters) wake();
      this.idleWaiters = [];
    }
  }

  get size(): number {
    return this.active.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  startDraining(): void {
    this.draining = true;
  }

  /** Resolves when no call is left. */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends every call still up (drain timeout reached). */
  hangUpAll(): void {
    for (const call of this.active.values()) call.hangUp();
  }
}
