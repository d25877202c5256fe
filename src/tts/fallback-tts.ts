/**
 * The Synthesizer port over the primary Aura voice and a second one (DEEPGRAM_TTS_FALLBACK_*),
 * behind a circuit breaker, as FallbackLlm does for the LLM: a synthesis the primary fails
 * before its first byte (after the adapter's own retry) is spoken by the second voice; after
 * repeated failures the breaker sends syntheses straight to it for a cool-down, so a broken
 * voice stops costing every sentence its retry. A failure after the first byte is not switched
 * over (the caller heard part of the line in the first voice); the call's reply recovery
 * retries the turn.
 */
import type { CircuitBreaker } from '../lib/circuit-breaker.js';
import { ErrorCodes } from '../lib/errors.js';
import { type FallbackStreamOptions, streamWithFallback, tracked } from '../lib/fallback-stream.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderEvents } from '../observability/provider-metrics.js';
import type { SynthesizeOptions, Synthesizer } from './synthesizer.js';

export interface FallbackTtsOptions {
  primary: Synthesizer;
  fallback: Synthesizer;
  breaker: CircuitBreaker;
  events?: ProviderEvents;
  logger?: Logger;
}

export class FallbackTts implements Synthesizer {
  /**
   * The second voice alone, for holding lines not rendered ahead: they play while a reply
   * cannot start, i.e. most likely while the primary is failing, so they skip it. Counted, but
   * not the breaker's business.
   */
  readonly spare: Synthesizer = {
    synthesize: (text, options = {}) =>
      tracked(this.stream, options.signal, () => this.o.fallback.synthesize(text, options), 'tts_fallback', false),
  };
  private readonly stream: FallbackStreamOptions;

  constructor(private readonly o: FallbackTtsOptions) {
    this.stream = {
      breaker: o.breaker,
      events: o.events,
      provider: 'tts',
      timeoutCode: ErrorCodes.TTS_TIMEOUT,
      onFallback: (err) =>
        o.logger?.warn({ err }, 'tts primary voice failed before its first byte; trying the fallback voice'),
    };
  }

  synthesize(text: string, options: SynthesizeOptions = {}): AsyncIterable<Buffer> {
    return streamWithFallback(
      this.stream,
      options.signal,
      () => this.o.primary.synthesize(text, options),
      () => this.o.fallback.synthesize(text, options),
    );
  }
}
