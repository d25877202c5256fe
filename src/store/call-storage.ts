import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import { openDatabase } from './database.js';
import { PostgresCallStore } from './postgres-call-store.js';
import { PostgresResultsOutbox } from './postgres-results-outbox.js';
import type { Database } from './schema.js';

export interface CallStorage {
  db: Kysely<Database>;
  calls: PostgresCallStore;
  outbox: PostgresResultsOutbox;
  close(): Promise<void>;
}

/**
 * The composition root's one call: opens (and migrates) the database the config names, and the
 * stores on it. Recordings are expected under `${DATA_DIR}/recordings/<callId>`.
 */
export async function openCallStorage(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'defaultRole' | 'results'>,
  clock: Clock,
  logger: Logger,
): Promise<CallStorage> {
  const db = await openDatabase(
    config.databaseUrl === undefined ? { dataDir: config.dataDir } : { databaseUrl: config.databaseUrl, logger },
  );
  const calls = new PostgresCallStore({
    db,
    clock,
    defaultRole: config.defaultRole,
    recordingsDir: path.join(config.dataDir, 'recordings'),
    resultsOutbox: config.results.webhookUrl !== undefined,
  });
  return { db, calls, outbox: new PostgresResultsOutbox(db, clock), close: () => db.destroy() };
}
