/**
 * Rate limiting for the recruiter API: a fixed window per client address (before auth, so a
 * flood of bad keys is cut off too) and per API key (after it). Over the limit: 429 with
 * `Retry-After` (seconds until the window ends) and the API's JSON error. Counts live in this
 * process, on the injected clock.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../lib/clock.js';

export interface RateLimitParams {
  /** Requests a window allowed per address (API_RATE_LIMIT_PER_ADDRESS); 0 turns it off. */
  perAddress: number;
  /** Requests a window allowed per API key (API_RATE_LIMIT_PER_KEY); 0 turns it off. */
  perKey: number;
  /** Window length, ms. */
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimitParams> = { perAddress: 120, perKey: 600, windowMs: 60_000 };

/** Fixed-window counters by key; old windows are dropped as they pass. */
class WindowCounter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  /** Counts one request for `key`; returns the seconds to wait when it is over `limit`, else 0. */
  hit(key: string, limit: number): number {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now - ((now - this.windowStart) % this.windowMs);
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count <= limit) return 0;
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
  }
}

function refuse(res: Response, retryAfterS: number, field: string): void {
  res
    .status(429)
    .set('Retry-After', String(retryAfterS))
    .json({ error: { code: 'rate_limited', message: 'too many requests; retry later', field } });
}

/** The two limiters: `byAddress` goes before authentication, `byKey` after it. */
export function createRateLimits(clock: Clock, params: RateLimitParams = DEFAULT_RATE_LIMIT) {
  const addresses = new WindowCounter(clock, params.windowMs);
  const keys = new WindowCounter(clock, params.windowMs);
  const byAddress: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (params.perAddress <= 0) return next();
    const wait = addresses.hit(req.socket.remoteAddress ?? 'unknown', params.perAddress);
    if (wait > 0) return refuse(res, wait, 'address');
    next();
  };
  const byKey: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (params.perKey <= 0) return next();
    const wait = keys.hit(req.header('authorization') ?? '', params.perKey);
    if (wait > 0) return refuse(res, wait, 'Authorization');
    next();
  };
  return { byAddress, byKey };
}
