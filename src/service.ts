import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import { createCallFactory, type Providers } from './call/call-factory.js';
import { CallRegistry } from './call/call-registry.js';
import type { CallSummary } from './call/call-session.js';
import { GreetingCache } from './call/greeting-cache.js';
import { ResultsDeliverer } from './call/results-outbox.js';
import { createTwilioCalls, type TwilioHttpClient } from './call/twilio-calls.js';
import type { Config } from './config.js';
import { createRecruiterRouter } from './http/recruiter-api.js';
import { createServer, type RunningServer } from './http/server.js';
import { createTwilioCallbackRouter } from './http/twilio-callbacks.js';
import { createDefinitionRegistry, greetingOpening } from './interview/index.js';
import { type Clock, systemClock } from './lib/clock.js';
import { OpenAiLlm } from './llm/openai-llm.js';
import type { MediaTap } from './media/media-session.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { type CallStorage, openCallStorage } from './store/call-storage.js';
import { startCallSweeper } from './store/call-sweeper.js';
import { startRetentionPurge } from './store/retention.js';
import { DeepgramStt } from './stt/deepgram-stt.js';
import { DeepgramTts } from './tts/deepgram-tts.js';
import type { BargeInParams } from './turns/barge-in-policy.js';
import type { CommitParams, StageCommitParams } from './turns/commit-params.js';

export interface ServiceOptions {
  config: Readonly<Config>;
  clock?: Clock;
  logger?: Logger;
  /** Listen here instead of config.port (0: any free port, for tests and tools). */
  listenPort?: number;
  listenHost?: string;
  /** Twilio REST transport (tests record calls.create here instead of reaching Twilio). */
  twilioHttpClient?: TwilioHttpClient;
  commitParams?: Partial<CommitParams>;
  stageCommitParams?: StageCommitParams;
  bargeInParams?: Partial<BargeInParams>;
  /**
   * Recording: a tap for each stream, a wrapper for the providers of each call, and (optional)
   * the speech a call plays from the greeting cache, which the wrapped synthesizer never sees.
   */
  recording?: {
    createTap: () => MediaTap | undefined;
    wrapProviders: (providers: Providers, context: { callId: string; tap?: MediaTap }) => Providers;
    prerenderedSpeech?: (callId: string, text: string, audio: Buffer) => void;
  };
  onCallEnded?: (callId: string, summary: CallSummary) => void;
}

export interface Service {
  baseUrl: string;
  wsUrl: string;
  storage: CallStorage;
  metrics: Metrics;
  registry: CallRegistry;
  logger: Logger;
  server: RunningServer;
  /** Resolves once the greeting's opening is rendered ahead (or that failed, or there is no key). */
  greetingReady: Promise<void>;
  /** Stops taking calls, drains up to `drainTimeoutMs`, closes everything. */
  close(drainTimeoutMs?: number): Promise<void>;
}

/** The real providers, pointed at the configured endpoints (Deepgram, any OpenAI-compatible LLM). */
export function createProviders(config: Readonly<Config>, logger: Logger, clock: Clock): Providers {
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
    tts: new DeepgramTts({
      apiKey: deepgramKey,
      apiUrl: config.deepgram.apiUrl,
      model: config.deepgram.ttsModel,
      logger,
    }),
    llm: new OpenAiLlm({
      apiKey: config.openai.apiKey ?? 'unset',
      ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
      model: config.openai.model,
      logger,
      clock,
    }),
  };
}

/**
 * Everything the service is, wired together and listening: storage, providers, the call
 * factory, HTTP + WebSocket, the results deliverer, the retention purge and the call sweeper. main.ts, the
 * replay tool, the benchmark and end-to-end tests all start the service through this.
 */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const registry = new CallRegistry(config.maxCalls);
  const storage = await openCallStorage(config, clock, logger);
  const providers = createProviders(config, logger, clock);
  const definitions = createDefinitionRegistry();
  const greetings = new GreetingCache(providers.tts, config.deepgram.ttsModel, logger);
  const greetingReady = config.deepgram.apiKey
    ? greetings.warm(greetingOpening(definitions.get('default')))
    : Promise.resolve();

  const twilioCalls = createTwilioCalls({
    twilio: config.twilio,
    publicUrl: config.publicUrl,
    ...(options.twilioHttpClient ? { httpClient: options.twilioHttpClient } : {}),
  });
  const routers: Router[] = [
    createTwilioCallbackRouter({
      publicUrl: config.publicUrl,
      authToken: config.twilio.authToken,
      store: storage.calls,
      logger,
      twilioCalls,
    }),
    express
      .Router()
      .use('/api', createRecruiterRouter({ apiKey: config.apiKey, store: storage.calls, twilioCalls, logger })),
  ];

  const createCall = createCallFactory({
    clock,
    metrics,
    store: storage.calls,
    providers,
    definitions,
    greetings,
    defaultRole: config.defaultRole,
    machineOptions: { dtmfZeroEndsCall: config.dtmfZeroEndsCall },
    ...(options.commitParams ? { commitParams: options.commitParams } : {}),
    ...(options.stageCommitParams ? { stageCommitParams: options.stageCommitParams } : {}),
    ...(options.bargeInParams ? { bargeInParams: options.bargeInParams } : {}),
    ...(options.recording ? { wrapProviders: options.recording.wrapProviders } : {}),
    ...(options.recording?.prerenderedSpeech ? { onPrerenderedSpeech: options.recording.prerenderedSpeech } : {}),
    ...(options.onCallEnded ? { onCallEnded: options.onCallEnded } : {}),
  });
  const server = createServer({
    publicUrl: config.publicUrl,
    twilioAuthToken: config.twilio.authToken,
    logger,
    metrics,
    registry,
    intake: storage.calls,
    routers,
    clock,
    createCall,
    ...(options.recording ? { createTap: options.recording.createTap } : {}),
  });

  const deliverer =
    config.results.webhookUrl && config.results.webhookSecret
      ? new ResultsDeliverer({
          outbox: storage.outbox,
          clock,
          logger,
          webhookUrl: config.results.webhookUrl,
          secret: config.results.webhookSecret,
        })
      : undefined;
  deliverer?.start();
  const stopRetention = startRetentionPurge({
    store: storage.calls,
    clock,
    logger,
    retentionDays: config.retentionDays,
  });
  // Closes calls a dead process left without an outcome (first sweep at start-up).
  const stopSweeper = startCallSweeper({ db: storage.db, store: storage.calls, clock, logger });

  const port = options.listenPort ?? config.port;
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.server.listen(port, options.listenHost ?? '0.0.0.0', () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  const host = options.listenHost ?? '127.0.0.1';
  return {
    baseUrl: `http://${host}:${actual}`,
    wsUrl: `ws://${host}:${actual}/twilio/media`,
    storage,
    metrics,
    registry,
    logger,
    server,
    greetingReady,
    async close(drainTimeoutMs = config.drainTimeoutMs) {
      await server.shutdown(drainTimeoutMs);
      deliverer?.stop();
      stopRetention();
      await stopSweeper();
      await storage.close();
    },
  };
}
