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
import { ErrorCodes, isAbortError, isAppError } from '../lib/errors.js';
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
    synthesize: (text, options = {}) => this.tracked(this.o.fallback, 'tts_fallback', text, options, false),
  };

  constructor(private readonly o: FallbackTtsOptions) {}

  async *synthesize(text: string, options: SynthesizeOptions = {}): AsyncIterable<Buffer> {
    const { primary, fallback, breaker } = this.o;
    if (!breaker.allow()) {
      this.o.events?.fallback('tts');
      yield* this.tracked(fallback, 'tts_fallback', text, options, false);
      return;
    }
    let started = false;
    try {
      for await (const chunk of this.tracked(primary, 'tts', text, options, true)) {
        started = true;
        yield chunk;
      }
      return;
    } catch (err) {
      if (started || options.signal?.aborted || isAbortError(err)) throw err;
      this.o.logger?.warn({ err }, 'tts primary voice failed before its first byte; trying the fallback voice');
    }
    this.o.events?.fallback('tts');
    yield* this.tracked(fallback, 'tts_fallback', text, options, false);
  }

  /** Streams from one voice, counting its errors and timeouts (and, for the primary, the breaker). */
  private async *tracked(
    voice: Synthesizer,
    name: string,
    text: string,
    options: SynthesizeOptions,
    breaks: boolean,
  ): AsyncIterable<Buffer> {
    let verdict = false;
    try {
      for await (const chunk of voice.synthesize(text, options)) yield chunk;
      // The adapter ends quietly on an abort: that is no success of the voice.
      if (breaks && !options.signal?.aborted) {
        this.o.breaker.recordSuccess();
        verdict = true;
      }
    } catch (err) {
      if (!options.signal?.aborted && !isAbortError(err)) {
        const code = isAppError(err) ? err.code : 'unknown';
        if (code === ErrorCodes.TTS_TIMEOUT) this.o.events?.timeout(name);
        this.o.events?.error(name, code);
        if (breaks) {
          this.o.breaker.recordFailure();
          verdict = true;
        }
      }
      throw err;
    } finally {
      // Aborted, or the reader stopped early: a half-open probe must not stay taken for ever.
      if (breaks && !verdict) this.o.breaker.release();
    }
  }
}
