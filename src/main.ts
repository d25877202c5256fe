/**
 * Composition root: read the configuration, start the service, handle signals. Nothing else.
 *
 * The database is opened first and the rest of the service loaded while it opens: loading
 * the modules (the SDKs are thousands of files) and starting embedded PGlite each take 1–3 s
 * on a busy 2-core machine, and PGlite's WebAssembly compiles off the main thread.
 */
import cluster from 'node:cluster';
import path from 'node:path';
import { planCluster } from './cluster/cluster-plan.js';
import { type Config, loadConfig } from './config.js';
import { systemClock } from './lib/clock.js';
import { isAppError } from './lib/errors.js';
import { createLogger } from './observability/logger.js';
import type { Service } from './service.js';
import { openCallStorage } from './store/call-storage.js';

function readConfig(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (err) {
    if (isAppError(err, 'CONFIG_INVALID')) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const plan = planCluster(config);
  if (plan.reduced) logger.info({ asked: config.workers, workers: plan.workers }, plan.reduced);
  if (cluster.isPrimary && plan.workers > 1) {
    const { runPrimary } = await import('./cluster/primary.js');
    return runPrimary(plan, logger);
  }
  const storage = openCallStorage(config, systemClock, logger);
  // Settled here too, so a failure while the modules load is reported once, by startService.
  storage.catch(() => undefined);
  const [{ startService }, { createCallRecording }, { clusterMetricsText }] = await Promise.all([
    import('./service.js'),
    import('./recording/service-recording.js'),
    import('./cluster/cluster-metrics.js'),
  ]);
  const missing = [
    ['TWILIO_AUTH_TOKEN', config.twilio.authToken],
    ['DEEPGRAM_API_KEY', config.deepgram.apiKey],
    ['OPENAI_API_KEY', config.openai.apiKey],
  ]
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  // RECORD_CALLS: each call becomes a replayable fixture in DATA_DIR/recordings/<callId>.
  const recording = config.recordCalls
    ? createCallRecording({
        rootDir: path.join(config.dataDir, 'recordings'),
        clock: systemClock,
        ttsModel: config.deepgram.ttsModel,
        secrets: [config.twilio.authToken, config.deepgram.apiKey, config.openai.apiKey, config.apiKey].filter(
          (secret): secret is string => secret !== undefined,
        ),
      })
    : undefined;
  const service: Service = await startService({
    config,
    logger,
    storage,
    ...(cluster.isWorker ? { metricsText: clusterMetricsText } : {}),
    ...(recording
      ? {
          recording,
          onCallEnded: (callId: string) => {
            service.storage.calls
              .getRecord(callId)
              .then((record) => recording.finish(callId, record ?? undefined))
              .then(
                (dir) => logger.info({ callId, dir }, 'call recorded'),
                (err: unknown) => logger.warn({ err, callId }, 'call recording could not be written'),
              );
          },
        }
      : {}),
  });
  logger.info(
    {
      port: config.port,
      voiceWebhook: `${config.publicUrl}/twilio/voice`,
      statusCallback: `${config.publicUrl}/twilio/status`,
      database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir}/pg)`,
      maxCalls: config.maxCalls,
    },
    'listening: point your Twilio number’s voice webhook (HTTP POST) at voiceWebhook',
  );
  if (missing.length > 0) {
    logger.warn({ missing }, 'not set: real calls need these (webhooks are refused without TWILIO_AUTH_TOKEN)');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, calls: service.registry.size }, 'shutting down: no new calls');
    service.close(config.drainTimeoutMs).then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
