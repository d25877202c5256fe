/**
 * Wrong API keys at the console's sign-in, counted per client address: the form is a way to
 * guess the key that the API's rate limit does not see (it is not under /api), so after
 * `maxFailures` wrong keys within `windowMs` the address is refused, the right key included,
 * until the oldest of those failures leaves the window. Counts live in this process, on the
 * injected clock.
 */
import type { Clock } from '../lib/clock.js';

export interface SignInThrottleParams {
  /** Wrong keys an address may send within the window. Default 10. */
  maxFailures: number;
  /** How far back failures count, ms. Default 15 minutes. */
  windowMs: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: Readonly<SignInThrottleParams> = { maxFailures: 10, windowMs: 15 * 60_000 };

/** Past this many addresses, ones with no failure left in the window are dropped. */
const PRUNE_ABOVE = 1000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly params: SignInThrottleParams = DEFAULT_SIGN_IN_THROTTLE,
  ) {}

  /** Seconds until `address` may try again; 0 when it may now. */
  waitS(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.params.maxFailures) return 0;
    const freedAt = recent[recent.length - this.params.maxFailures]! + this.params.windowMs;
    return Math.max(1, Math.ceil((freedAt - this.clock.now()) / 1000));
  }

  failed(address: string): void {
    const recent = this.recent(address);
    recent.push(this.clock.now());
    this.failures.set(address, recent);
    if (this.failures.size > PRUNE_ABOVE) this.prune();
  }

  private recent(address: string): number[] {
    const since = this.clock.now() - this.params.windowMs;
    return (this.failures.get(address) ?? []).filter((at) => at > since);
  }

  private prune(): void {
    for (const address of [...this.failures.keys()]) {
      if (this.recent(address).length === 0) this.failures.delete(address);
    }
  }
}
