import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Router } from 'express';
import { createCallFactory, type Providers } from './call/call-factory.js';
import type { CallSummary } from './call/call-summary.js';
import type { Config } from './config.js';
import { createConsole } from './console/console-router.js';
import { consoleTemplates } from './console/console-templates.js';
import { createCallErasure } from './http/call-erasure.js';
import { CallRegistry } from './http/call-registry.js';
import { createRateLimits } from './http/rate-limit.js';
import { createRecordingRouter } from './http/recording-route.js';
import { createRecruiterRouter } from './http/recruiter-api.js';
import { createServer, type RunningServer } from './http/server.js';
import { createTemplatesRouter } from './http/templates-api.js';
import { createTwilioCallbackRouter } from './http/twilio-callbacks.js';
import { createDefinitionRegistry, greetingOpening, SHUTDOWN_GOODBYE } from './interview/index.js';
import { type Clock, systemClock } from './lib/clock.js';
import type { MediaTap } from './media/media-session.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { AudioRecordings } from './recording/audio-recordings.js';
import { TapTee } from './recording/tap-tee.js';
import { ResultsDeliverer } from './results/results-deliverer.js';
import { createProviders } from './service-providers.js';
import { type CallStorage, openCallStorage } from './store/call-storage.js';
import { startCallSweeper } from './store/call-sweeper.js';
import { startRetentionPurge } from './store/retention.js';
import { TemplateDefinitions } from './templates/template-definitions.js';
import { warmTemplateGreeting, warmTemplateGreetings } from './templates/template-greetings.js';
import { GreetingCache } from './tts/greeting-cache.js';
import { HOLDING_LINES } from './tts/holding-lines.js';
import type { BargeInParams } from './turns/barge-in-policy.js';
import type { CommitParams, StageCommitParams } from './turns/commit-params.js';
import { createTwilioCalls, type TwilioHttpClient } from './twilio/twilio-calls.js';

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
  /**
   * Storage already being opened for this config (main.ts starts it before loading the rest of
   * the service, so the embedded database starts while the modules load). The service owns it
   * from here and closes it. Default: opened here.
   */
  storage?: Promise<CallStorage>;
  /** Serves /metrics from here instead of this process's registry (cluster workers: the aggregate). */
  metricsText?: (registry: Metrics['registry']) => () => Promise<string>;
}

export interface Service {
  baseUrl: string;
  wsUrl: string;
  storage: CallStorage;
  metrics: Metrics;
  registry: CallRegistry;
  logger: Logger;
  server: RunningServer;
  /** Where each call's recordings live: `<recordingsDir>/<callId>/` (audio.wav, and RECORD_CALLS fixtures). */
  recordingsDir: string;
  /** Resolves once the greeting's opening is rendered ahead (or that failed, or there is no key). */
  greetingReady: Promise<void>;
  /**
   * Stops taking calls, drains up to `drainTimeoutMs` (then cuts the rest off as the service's
   * doing), waits for the calls' records and the results deliverer, then closes storage. A second
   * call returns the first one's promise.
   */
  close(drainTimeoutMs?: number): Promise<void>;
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
  const registry = new CallRegistry(config.maxCalls, clock, config.admissionTimeoutMs);
  const storage = await (options.storage ?? openCallStorage(config, clock, logger));
  const { spareTts, ...providers } = createProviders(config, logger, clock, metrics);
  const builtIn = createDefinitionRegistry();
  const definitions = new TemplateDefinitions({ builtIn, store: storage.templates, logger });
  const greetings = new GreetingCache(providers.tts, config.deepgram.ttsModel, logger);
  // RECORD_AUDIO: each call's audio in DATA_DIR/recordings/<callId>/, beside any RECORD_CALLS fixture.
  const recordingsDir = path.join(config.dataDir, 'recordings');
  const audioRecordings = config.recordAudio
    ? new AudioRecordings({ rootDir: recordingsDir, clock, logger, store: storage.recordings })
    : undefined;
  const taps = new TapTee();
  const fixtureRecording = options.recording;
  // Openings rendered ahead: the built-in one's, and every live template's (and on each change).
  const greetingReady = config.deepgram.apiKey
    ? Promise.all([
        greetings.warm(greetingOpening(builtIn.get('default'))),
        // Lines that must play when TTS fails mid-call: the holding lines and the error goodbye.
        ...HOLDING_LINES.map((line) => greetings.warm(line)),
        greetings.warm(builtIn.get('default').phrases.goodbye.error),
        greetings.warm(SHUTDOWN_GOODBYE),
        warmTemplateGreetings({
          store: storage.templates,
          greetings,
          logger,
          ...(config.defaultTemplateId === undefined ? {} : { defaultTemplateId: config.defaultTemplateId }),
        }).catch((err: unknown) => logger.warn({ err }, 'template greetings could not be rendered ahead')),
      ]).then(() => undefined)
    : Promise.resolve();

  const twilioCalls = createTwilioCalls({
    twilio: config.twilio,
    publicUrl: config.publicUrl,
    clock,
    ...(options.twilioHttpClient ? { httpClient: options.twilioHttpClient } : {}),
  });
  // The same WAV route behind the API's bearer key and behind the console's sign-in.
  const recordingRoutes = createRecordingRouter({
    findCallId: (id) => storage.recordings.findCallId(id),
    recordingsDir,
    logger,
  });
  const eraseCall = createCallErasure({ store: storage.calls, registry, logger });
  const recruiterConsole = createConsole({
    apiKey: config.apiKey,
    store: storage.calls,
    eraseCall,
    clock,
    logger,
    definitions,
    twilioCalls,
    recordingRoutes,
    templates: consoleTemplates(
      storage.templates,
      config.deepgram.apiKey ? (definition) => void warmTemplateGreeting(greetings, definition) : undefined,
    ),
    templateStore: storage.templates,
    acceptsResume: true,
  });
  const routers: Router[] = [
    createTwilioCallbackRouter({
      publicUrl: config.publicUrl,
      authToken: config.twilio.authToken,
      store: storage.calls,
      logger,
      twilioCalls,
    }),
    express.Router().use(
      '/api',
      createRecruiterRouter({
        apiKey: config.apiKey,
        rateLimits: createRateLimits(clock, { ...config.apiRateLimit, windowMs: 60_000 }),
        store: storage.calls,
        eraseCall,
        twilioCalls,
        logger,
        templates: storage.templates,
        routes: [
          recordingRoutes,
          createTemplatesRouter({
            store: storage.templates,
            logger,
            ...(config.deepgram.apiKey
              ? { onChanged: (definition) => void warmTemplateGreeting(greetings, definition) }
              : {}),
          }),
        ],
      }),
    ),
    recruiterConsole.router,
  ];

  const calls = createCallFactory({
    clock,
    metrics,
    store: storage.calls,
    providers,
    ...(spareTts ? { spareTts } : {}),
    definitions,
    greetings,
    defaultRole: config.defaultRole,
    machineOptions: { dtmfZeroEndsCall: config.dtmfZeroEndsCall },
    ...(options.commitParams ? { commitParams: options.commitParams } : {}),
    ...(options.stageCommitParams ? { stageCommitParams: options.stageCommitParams } : {}),
    ...(options.bargeInParams ? { bargeInParams: options.bargeInParams } : {}),
    ...(fixtureRecording
      ? {
          wrapProviders: (providers: Providers, context: { callId: string; tap?: MediaTap }) => {
            const tap = taps.primaryOf(context.tap);
            return fixtureRecording.wrapProviders(providers, { callId: context.callId, ...(tap ? { tap } : {}) });
          },
        }
      : {}),
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
    ...(options.metricsText ? { metricsText: options.metricsText(metrics.registry) } : {}),
    createCall: calls.createCall,
    ...(fixtureRecording || audioRecordings
      ? { createTap: () => taps.combine(fixtureRecording?.createTap(), audioRecordings?.createTap()) }
      : {}),
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
  let closing: Promise<void> | undefined;
  const close = async (drainTimeoutMs: number) => {
    // Open event streams would keep the HTTP server from closing.
    recruiterConsole.close();
    await server.shutdown(drainTimeoutMs);
    // Every call has ended by now; their last writes must land before storage closes.
    await calls.settled();
    await deliverer?.stop();
    stopRetention();
    await stopSweeper();
    // Recordings of the calls just ended finish writing (and storing their length) first.
    await audioRecordings?.whenIdle();
    await storage.close();
  };
  return {
    baseUrl: `http://${host}:${actual}`,
    wsUrl: `ws://${host}:${actual}/twilio/media`,
    storage,
    metrics,
    registry,
    logger,
    server,
    recordingsDir,
    greetingReady,
    close(drainTimeoutMs = config.drainTimeoutMs) {
      closing ??= close(drainTimeoutMs);
      return closing;
    },
  };
}
