import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import type { Database } from '../../src/store/schema.js';

/**
 * The engines every store test runs on: PGlite in memory always, and the real PostgreSQL server
 * when DATABASE_URL is set (each opened database gets its own fresh schema, dropped on close,
 * so concurrent runs never see each other's rows).
 */
export interface TestDatabase {
  db: Kysely<Database>;
  close(): Promise<void>;
}

export interface Engine {
  name: string;
  open(): Promise<TestDatabase>;
}

export const databaseUrl = process.env.DATABASE_URL;

export function freshSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

const pglite: Engine = {
  name: 'pglite',
  async open() {
    const db = await openDatabase({});
    return { db, close: () => db.destroy() };
  },
};

function postgres(url: string): Engine {
  return {
    name: 'postgres',
    async open() {
      const schema = freshSchemaName();
      const db = await openDatabase({ databaseUrl: url, schema, poolSize: 5 });
      return {
        db,
        async close() {
          await db.destroy();
          await dropSchema(url, schema);
        },
      };
    },
  };
}

export const engines: Engine[] = databaseUrl ? [pglite, postgres(databaseUrl)] : [pglite];

/** Empties every table between tests that share one database. */
export async function truncateAll(db: Kysely<Database>): Promise<void> {
  await sql`truncate call_recordings, results_outbox, call_events, stage_timeline, transcript_lines, calls, interviews, interview_template_versions, interview_templates`.execute(
    db,
  );
}

export interface FreshStore {
  database: TestDatabase;
  clock: ManualClock;
  store: PostgresCallStore;
}

/**
 * Opens the engine's database once for the enclosing describe and gives every test an empty
 * store on a fresh manual clock. Read the fields inside tests and hooks (they change per test).
 */
export function useFreshStore(
  engine: Engine,
  options: { defaultRole?: string; recordingsDir?: () => Promise<string> } = {},
): FreshStore {
  const fresh = {} as FreshStore;
  beforeAll(async () => {
    fresh.database = await engine.open();
  });
  afterAll(async () => {
    await fresh.database.close();
  });
  beforeEach(async () => {
    await truncateAll(fresh.database.db);
    fresh.clock = new ManualClock();
    const recordingsDir = await options.recordingsDir?.();
    fresh.store = new PostgresCallStore({
      db: fresh.database.db,
      clock: fresh.clock,
      defaultRole: options.defaultRole ?? 'Engineer',
      ...(recordingsDir === undefined ? {} : { recordingsDir }),
    });
  });
  return fresh;
}
