/**
 * The metrics side of a provider with a fallback (the LLM's second endpoint, the second Aura
 * voice): one place that turns a fallback wrapper's events into counters and a breaker's state
 * changes into a log line and the circuit_breaker_state gauge, so both providers read alike.
 */
import { type BreakerState, CircuitBreaker, DEFAULT_BREAKER } from '../lib/circuit-breaker.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** What a fallback wrapper reports, for the metrics. */
export interface ProviderEvents {
  error(provider: string, code: string): void;
  timeout(provider: string): void;
  fallback(provider: string): void;
}

export function providerEvents(metrics: Metrics): ProviderEvents {
  return {
    error: (provider, code) => metrics.providerErrors.inc({ provider, code }),
    timeout: (provider) => metrics.providerTimeouts.inc({ provider }),
    fallback: (provider) => metrics.providerFallbacks.inc({ provider }),
  };
}

const GAUGE: Record<BreakerState, number> = { closed: 0, open: 1, half_open: 2 };

/** The breaker of `provider` (DEFAULT_BREAKER), its state logged and kept in the gauge from the start. */
export function meteredBreaker(provider: string, clock: Clock, logger: Logger, metrics?: Metrics): CircuitBreaker {
  metrics?.breakerState.set({ provider }, GAUGE.closed);
  return new CircuitBreaker(clock, DEFAULT_BREAKER, (state) => {
    logger.warn({ provider, state }, `${provider} circuit breaker changed`);
    metrics?.breakerState.set({ provider }, GAUGE[state]);
  });
}
