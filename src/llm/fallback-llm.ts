/**
 * The LLM port over a primary endpoint and an optional fallback (OPENAI_FALLBACK_*), behind a
 * circuit breaker: a request the primary fails before its first token (after the adapter's own
 * retry) goes to the fallback; after repeated failures the breaker sends requests straight to
 * the fallback for a cool-down, so a broken endpoint stops costing every turn its timeouts. A
 * failure after the first token is not switched over (the caller may have heard part of it); the
 * call's reply recovery retries the turn.
 */
import type { CircuitBreaker } from '../lib/circuit-breaker.js';
import { ErrorCodes } from '../lib/errors.js';
import { type FallbackStreamOptions, streamWithFallback } from '../lib/fallback-stream.js';
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
  private readonly stream: FallbackStreamOptions;

  constructor(private readonly o: FallbackLlmOptions) {
    this.stream = {
      breaker: o.breaker,
      events: o.events,
      provider: 'llm',
      timeoutCode: ErrorCodes.LLM_TIMEOUT,
      onFallback: (err) => o.logger?.warn({ err }, 'llm primary failed before its first token; trying the fallback'),
    };
  }

  prepare(): void {
    this.o.primary.prepare?.();
    this.o.fallback?.prepare?.();
  }

  streamReply(request: ReplyRequest): AsyncIterable<ReplyDelta> {
    const { primary, fallback } = this.o;
    return streamWithFallback(
      this.stream,
      request.signal,
      () => primary.streamReply(request),
      fallback ? () => fallback.streamReply(request) : undefined,
    );
  }
}
