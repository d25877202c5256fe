import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { AppError, ErrorCodes } from '../lib/errors.js';
import type { Logger } from '../observability/logger.js';
import { migrateToLatest } from './migrations.js';
import { PGlitePool } from './pglite-pool.js';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** A PostgreSQL URL; when set the service uses that server through a `pg` Pool. */
  databaseUrl?: string;
  /** Embedded PGlite keeps its files in `${dataDir}/pg`; absent means PGlite in memory (tests). */
  dataDir?: string;
  /** Postgres schema to use and create (real server only); default the server's search_path. */
  schema?: string;
  /** Size of the `pg` Pool, connections; default 10. */
  poolSize?: number;
  /** Where a dropped idle `pg` connection is reported (pg's Pool would otherwise crash the process). */
  logger?: Logger;
}

/**
 * Opens the call database and migrates it to the latest schema. The same Kysely queries run
 * on both engines: a real server when `databaseUrl` is set, else embedded PGlite.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: await createPool(options) }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, options.schema === undefined ? {} : { schema: options.schema });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

async function createPool(options: DatabaseOptions): Promise<PGlitePool | pg.Pool> {
  if (options.databaseUrl !== undefined) {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new AppError(ErrorCodes.STORE_FAILED, `schema name "${schema}" must be a plain lower-case identifier`);
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    // An idle client losing its server (restart, failover) emits 'error' on the pool; the pool
    // replaces it on the next checkout, so report it rather than let it end the process.
    pool.on('error', (err) => options.logger?.error({ err }, 'idle database connection lost'));
    return pool;
  }
  if (options.dataDir === undefined) return new PGlitePool(await PGlite.create());
  const dir = path.join(options.dataDir, 'pg');
  await fs.mkdir(dir, { recursive: true });
  return new PGlitePool(await PGlite.create(dir));
}
