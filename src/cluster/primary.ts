/**
 * The primary process when WORKERS > 1: forks the workers (each runs the whole service on the
 * shared port with its share of MAX_CALLS), serves their aggregated metrics, forks a worker
 * again when one dies, and on SIGTERM/SIGINT passes the signal to every worker, which drains
 * its own calls (DRAIN_TIMEOUT_MS) and exits; the primary exits when they all have.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../observability/logger.js';
import { serveClusterMetrics } from './cluster-metrics.js';
import type { ClusterPlan } from './cluster-plan.js';

/** Set in a worker's environment: its share of MAX_CALLS is already in MAX_CALLS. */
export const WORKER_ENV = 'PHONE_SCREEN_WORKER';
/** Pause before a dead worker is replaced, ms. */
const RESPAWN_DELAY_MS = 1000;

export function runPrimary(plan: ClusterPlan, logger: Logger): void {
  serveClusterMetrics();
  let stopping = false;
  const fork = (): Worker =>
    cluster.fork({ [WORKER_ENV]: '1', MAX_CALLS: String(plan.maxCallsPerWorker), WORKERS: '1' });
  for (let i = 0; i < plan.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('all workers stopped');
        process.exit(0);
      }
      return;
    }
    // Its calls are lost (the sweeper closes their records); the others go on.
    logger.error({ worker: worker.id, code, signal }, 'worker died: starting another');
    // A second's pause, so a worker that cannot start (database down) is not forked in a hot loop.
    setTimeout(() => {
      if (!stopping) fork();
    }, RESPAWN_DELAY_MS);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: plan.workers }, 'shutting down: workers drain their calls');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info(
    { workers: plan.workers, maxCallsPerWorker: plan.maxCallsPerWorker },
    'primary: one service worker per core on one port',
  );
}
