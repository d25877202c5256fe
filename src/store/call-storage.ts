import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import { openDatabase } from './database.js';
import { PostgresCallStore } from './postgres-call-store.js';
import { PostgresResultsOutbox } from './postgres-results-outbox.js';
import { PostgresRecordingStore } from './recording-store.js';
import type { Database } from './schema.js';
import { PostgresTemplateStore } from './template-store.js';

export interface CallStorage {
  db: Kysely<Database>;
  calls: PostgresCallStore;
  outbox: PostgresResultsOutbox;
  /** Where each call's audio recording starts and how long it is (the audio is a file). */
  recordings: PostgresRecordingStore;
  /** Interview templates and their versions. */
  templates: PostgresTemplateStore;
  close(): Promise<void>;
}

/**
 * The composition root's one call: opens (and migrates) the database the config names, and the
 * stores on it. Recordings are expected under `${DATA_DIR}/recordings/<callId>`.
 */
export async function openCallStorage(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'defaultRole' | 'results' | 'defaultTemplateId'>,
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
    ...(config.defaultTemplateId === undefined ? {} : { defaultTemplateId: config.defaultTemplateId }),
    recordingsDir: path.join(config.dataDir, 'recordings'),
    resultsOutbox: config.results.webhookUrl !== undefined,
  });
  return {
    db,
    calls,
    outbox: new PostgresResultsOutbox(db, clock),
    recordings: new PostgresRecordingStore(db),
    templates: new PostgresTemplateStore(db, clock),
    close: () => db.destroy(),
  };
}
