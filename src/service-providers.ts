/**
 * The real providers, pointed at the configured endpoints (Deepgram, any OpenAI-compatible
 * LLM), each with its fallback behind a circuit breaker when one is configured.
 */
import type { Providers } from './call/call-factory.js';
import type { Config } from './config.js';
import type { Clock } from './lib/clock.js';
import { FallbackLlm } from './llm/fallback-llm.js';
import { OpenAiLlm } from './llm/openai-llm.js';
import type { LlmProvider } from './llm/reply-stream.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { meteredBreaker, providerEvents } from './observability/provider-metrics.js';
import { DeepgramStt } from './stt/deepgram-stt.js';
import { DeepgramTts } from './tts/deepgram-tts.js';
import { FallbackTts } from './tts/fallback-tts.js';
import type { Synthesizer } from './tts/synthesizer.js';

/** The call's providers, and the second voice alone (holding lines) when one is configured. */
export type ServiceProviders = Providers & { spareTts?: Synthesizer };

export function createProviders(
  config: Readonly<Config>,
  logger: Logger,
  clock: Clock,
  metrics?: Metrics,
): ServiceProviders {
  // Without keys the service still starts (webhooks, API, health); calls then fail to connect.
  const deepgramKey = config.deepgram.apiKey ?? 'unset';
  return {
    stt: new DeepgramStt({
      apiKey: deepgramKey,
      apiUrl: config.deepgram.apiUrl,
      model: config.deepgram.sttModel,
      logger,
      clock,
    }),
    ...createTts(config, deepgramKey, logger, clock, metrics),
    llm: createLlm(config, logger, clock, metrics),
  };
}

/** The configured voice, and the second voice behind a circuit breaker when one is set. */
function createTts(
  config: Readonly<Config>,
  apiKey: string,
  logger: Logger,
  clock: Clock,
  metrics?: Metrics,
): { tts: Synthesizer; spareTts?: Synthesizer } {
  const voice = (apiUrl: string, model: string) => new DeepgramTts({ apiKey, apiUrl, model, logger, clock });
  const primary = voice(config.deepgram.apiUrl, config.deepgram.ttsModel);
  const second = config.deepgram.ttsFallback;
  if (!second) return { tts: primary };
  const tts = new FallbackTts({
    primary,
    fallback: voice(second.apiUrl, second.model),
    breaker: meteredBreaker('tts', clock, logger, metrics),
    logger,
    ...(metrics ? { events: providerEvents(metrics) } : {}),
  });
  return { tts, spareTts: tts.spare };
}

/** The configured LLM: the primary endpoint, and the fallback behind a circuit breaker when one is set. */
function createLlm(config: Readonly<Config>, logger: Logger, clock: Clock, metrics?: Metrics): LlmProvider {
  const primary = new OpenAiLlm({
    apiKey: config.openai.apiKey ?? 'unset',
    ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
    model: config.openai.model,
    logger,
    clock,
  });
  const spare = config.openai.fallback;
  if (!spare) return primary;
  const fallback = new OpenAiLlm({
    apiKey: spare.apiKey ?? 'unset',
    baseUrl: spare.baseUrl,
    model: spare.model,
    logger,
    clock,
  });
  return new FallbackLlm({
    primary,
    fallback,
    breaker: meteredBreaker('llm', clock, logger, metrics),
    logger,
    ...(metrics ? { events: providerEvents(metrics) } : {}),
  });
}
