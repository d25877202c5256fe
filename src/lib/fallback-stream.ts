/**
 * One provider stream with a fallback behind a circuit breaker, shared by the LLM and TTS ports:
 * a stream the primary fails before its first item (after the adapter's own retry) is taken
 * from the fallback; while the breaker is open, streams go straight to the fallback. A failure
 * after the first item is not switched over (the caller may have heard part of it). An aborted
 * stream, or one whose reader stopped early (barge-in), gives the breaker no verdict.
 */
import type { ProviderEvents } from '../observability/provider-metrics.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { isAbortError, isAppError } from './errors.js';

export interface FallbackStreamOptions {
  breaker: CircuitBreaker;
  events?: ProviderEvents | undefined;
  /** Metric name of the provider (`llm`, `tts`); the fallback is counted as `<provider>_fallback`. */
  provider: string;
  /** The error code that counts as a timeout. */
  timeoutCode: string;
  /** Told when the primary failed before its first item and the fallback is tried. */
  onFallback?: (err: unknown) => void;
}

type Open<T> = () => AsyncIterable<T>;

export async function* streamWithFallback<T>(
  o: FallbackStreamOptions,
  signal: AbortSignal | undefined,
  primary: Open<T>,
  fallback: Open<T> | undefined,
): AsyncIterable<T> {
  const fallbackName = `${o.provider}_fallback`;
  if (!fallback) {
    yield* tracked(o, signal, primary, o.provider, true);
    return;
  }
  if (!o.breaker.allow()) {
    o.events?.fallback(o.provider);
    yield* tracked(o, signal, fallback, fallbackName, false);
    return;
  }
  let started = false;
  try {
    for await (const item of tracked(o, signal, primary, o.provider, true)) {
      started = true;
      yield item;
    }
    return;
  } catch (err) {
    if (started || signal?.aborted || isAbortError(err)) throw err;
    o.onFallback?.(err);
  }
  o.events?.fallback(o.provider);
  yield* tracked(o, signal, fallback, fallbackName, false);
}

/** Streams from one endpoint, counting its errors and timeouts (and, for the primary, the breaker). */
export async function* tracked<T>(
  o: FallbackStreamOptions,
  signal: AbortSignal | undefined,
  open: Open<T>,
  name: string,
  breaks: boolean,
): AsyncIterable<T> {
  let verdict = false;
  try {
    for await (const item of open()) yield item;
    // Some adapters end quietly on an abort: that is no success of the provider.
    if (breaks && !signal?.aborted) {
      o.breaker.recordSuccess();
      verdict = true;
    }
  } catch (err) {
    if (!signal?.aborted && !isAbortError(err)) {
      const code = isAppError(err) ? err.code : 'unknown';
      if (code === o.timeoutCode) o.events?.timeout(name);
      o.events?.error(name, code);
      if (breaks) {
        o.breaker.recordFailure();
        verdict = true;
      }
    }
    throw err;
  } finally {
    // No verdict: a half-open probe must not stay taken for ever.
    if (breaks && !verdict) o.breaker.release();
  }
}
