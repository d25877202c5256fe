/**
 * The LLM port over a primary endpoint and an optional fallback (OPENAI_FALLBACK_*), behind a
 * circuit breaker: a request the primary fails before its first token (after the adapter's own
 * retry) goes to the fallback; after repeated failures the breaker sends requests straight to
 * the fallback for a cool-down, so a broken endpoint stops costing every turn its timeouts. A
 * failure after the first token is not switched over (the caller may have heard part of it); the
 * call's reply recovery retries the turn.
 */
import type { CircuitBreaker } from '../lib/circuit-breaker.js';
import { ErrorCodes, isAbortError, isAppError } from '../lib/errors.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderEvents } from '../observability/provider-metrics.js';
import type { LlmProvider, ReplyDelta, ReplyRequest } from './reply-stream.js';

export interface FallbackLlmOptions {
  primary: LlmProvider;
  fallback?: LlmProvider;
  breaker: CircuitBreaker;
  events?: ProviderEvents;
  logger?: Logger;
}

export class FallbackLlm implements LlmProvider {
  constructor(private readonly o: FallbackLlmOptions) {}

  prepare(): void {
    this.o.primary.prepare?.();
    this.o.fallback?.prepare?.();
  }

  async *streamReply(request: ReplyRequest): AsyncIterable<ReplyDelta> {
    const { primary, fallback, breaker } = this.o;
    if (!fallback) {
      yield* this.tracked(primary, 'llm', request);
      return;
    }
    if (!breaker.allow()) {
      this.o.events?.fallback('llm');
      yield* this.tracked(fallback, 'llm_fallback', request, false);
      return;
    }
    let started = false;
    try {
      for await (const delta of this.tracked(primary, 'llm', request)) {
        started = true;
        yield delta;
      }
      return;
    } catch (err) {
      if (started || request.signal?.aborted || isAbortError(err)) throw err;
      this.o.logger?.warn({ err }, 'llm primary failed before its first token; trying the fallback');
    }
    this.o.events?.fallback('llm');
    yield* this.tracked(fallback, 'llm_fallback', request, false);
  }

  /** Streams from one endpoint, counting its errors and timeouts (and, for the primary, the breaker). */
  private async *tracked(
    provider: LlmProvider,
    name: string,
    request: ReplyRequest,
    breaks = true,
  ): AsyncIterable<ReplyDelta> {
    let verdict = false;
    try {
      for await (const delta of provider.streamReply(request)) yield delta;
      if (breaks) this.o.breaker.recordSuccess();
      verdict = true;
    } catch (err) {
      if (!request.signal?.aborted && !isAbortError(err)) {
        const code = isAppError(err) ? err.code : 'unknown';
        if (code === ErrorCodes.LLM_TIMEOUT) this.o.events?.timeout(name);
        this.o.events?.error(name, code);
        if (breaks) this.o.breaker.recordFailure();
        verdict = true;
      }
      throw err;
    } finally {
      // Aborted, or the reader stopped early (barge-in): no verdict, so a half-open breaker
      // lets the next request probe instead of waiting on this one for ever.
      if (breaks && !verdict) this.o.breaker.release();
    }
  }
}
