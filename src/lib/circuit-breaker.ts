/**
 * A circuit breaker for one provider: after `failureThreshold` failures within `windowMs` it
 * opens, and for `coolDownMs` callers go straight to the fallback instead of waiting for the
 * failing provider's errors and timeouts each turn; then one request tries the provider again
 * (half-open): a success closes the breaker, a failure opens it for another cool-down.
 */
import type { Clock } from './clock.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerParams {
  /** Failures within the window that open the breaker. */
  failureThreshold: number;
  /** How far back failures count, ms. */
  windowMs: number;
  /** How long the breaker stays open before the provider is tried again, ms. */
  coolDownMs: number;
}

/** Three failures in 30 s: a provider failing one request in three for a minute opens it; 30 s cool-down. */
export const DEFAULT_BREAKER: Readonly<CircuitBreakerParams> = {
  failureThreshold: 3,
  windowMs: 30_000,
  coolDownMs: 30_000,
};

export class CircuitBreaker {
  private failures: number[] = [];
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly clock: Clock,
    private readonly params: CircuitBreakerParams = DEFAULT_BREAKER,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now() - this.openedAt >= this.params.coolDownMs ? 'half_open' : 'open';
  }

  /** Whether this request may go to the provider (one probe at a time while half-open). */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    this.onChange('half_open');
    return true;
  }

  /**
   * A request let through ended with no verdict (aborted, or its reader stopped early): it says
   * nothing about the provider, so a half-open breaker lets the next request probe instead.
   */
  release(): void {
    this.probing = false;
  }

  recordSuccess(): void {
    const wasOpen = this.openedAt !== undefined;
    this.failures = [];
    this.openedAt = undefined;
    this.probing = false;
    if (wasOpen) this.onChange('closed');
  }

  recordFailure(): void {
    const now = this.clock.now();
    if (this.openedAt !== undefined) {
      // The half-open probe failed: another cool-down.
      this.openedAt = now;
      this.probing = false;
      this.onChange('open');
      return;
    }
    this.failures = this.failures.filter((at) => now - at < this.params.windowMs);
    this.failures.push(now);
    if (this.failures.length >= this.params.failureThreshold) {
      this.openedAt = now;
      this.onChange('open');
    }
  }
}
