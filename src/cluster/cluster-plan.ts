/**
 * How many worker processes to run and how many calls each takes (pure). One Node process
 * cannot use more than one core; WORKERS processes share the port through node:cluster.
 *
 * The embedded database (PGlite) is one process's files and memory: it runs one process, the
 * service as it was. WORKERS > 1 needs DATABASE_URL, which every worker shares as several
 * machines do. Each worker takes up to its share of MAX_CALLS (rounded up). A call's webhook and
 * its stream may reach different workers, so the share is checked on the worker that answers
 * the webhook: as across machines, the limit holds on average, not to the call.
 */
export interface ClusterPlan {
  workers: number;
  maxCallsPerWorker: number;
  /** Why fewer workers run than asked for, to log at start. */
  reduced?: string;
}

export function planCluster(config: { workers: number; maxCalls: number; databaseUrl?: string }): ClusterPlan {
  if (config.databaseUrl === undefined) {
    return {
      workers: 1,
      maxCallsPerWorker: config.maxCalls,
      ...(config.workers > 1
        ? { reduced: 'embedded database: one process owns it; set DATABASE_URL to run WORKERS > 1' }
        : {}),
    };
  }
  const workers = Math.max(1, Math.min(config.workers, config.maxCalls));
  return {
    workers,
    maxCallsPerWorker: Math.ceil(config.maxCalls / workers),
    ...(workers < config.workers ? { reduced: 'fewer calls than workers: one worker a call at most' } : {}),
  };
}
