import type { Clock, Timer } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import type { CallStore } from './call-store.js';

export interface RetentionOptions {
  store: Pick<CallStore, 'purgeOlderThan'>;
  clock: Clock;
  logger: Logger;
  /** RETENTION_DAYS: calls older than this are deleted; 0 keeps them for ever (no purge runs). */
  retentionDays: number;
  /** Time between purges, ms; default 21 600 000 (six hours). */
  intervalMs?: number;
}

/** Runs the retention purge now and then every `intervalMs`; returns a stop function. */
export function startRetentionPurge(options: RetentionOptions): () => void {
  if (options.retentionDays <= 0) return () => {};
  let timer: Timer | undefined;
  let stopped = false;
  const run = () => {
    options.store
      .purgeOlderThan(options.retentionDays)
      .then((purged) => {
        if (purged > 0) options.logger.info({ purged, retentionDays: options.retentionDays }, 'old calls purged');
      })
      .catch((err: unknown) => options.logger.error({ err }, 'retention purge failed'))
      .finally(() => {
        if (!stopped) timer = options.clock.setTimeout(run, options.intervalMs ?? 21_600_000);
      });
  };
  timer = options.clock.setTimeout(run, 0);
  return () => {
    stopped = true;
    timer?.cancel();
  };
}
