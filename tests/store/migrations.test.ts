import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { PGlitePool } from '../../src/store/pglite-pool.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import type { Database } from '../../src/store/schema.js';
import { databaseUrl, dropSchema, freshSchemaName } from './databases.js';

describe('migrations', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(databaseUrl ?? '', schema);
  });

  it('create every table on PGlite', async () => {
    const db = await openDatabase({});
    try {
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => t.name).sort()).toEqual(
        [
          'call_events',
          'call_recordings',
          'calls',
          'interview_template_versions',
          'interview_templates',
          'interviews',
          'results_outbox',
          'stage_timeline',
          'transcript_lines',
        ].sort(),
      );
    } finally {
      await db.destroy();
    }
  });

  it.runIf(databaseUrl)('run once when several instances start together on PostgreSQL', async () => {
    const url = databaseUrl ?? '';
    const schema = freshSchemaName();
    schemas.push(schema);
    const instances = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url, schema, poolSize: 2 })));
    try {
      const applied = await sql<{ name: string }>`select name from ${sql.table(`${schema}.kysely_migration`)}`.execute(
        instances[0]!,
      );
      expect(applied.rows.map((r) => r.name)).toEqual([
        '0001_call_records',
        '0002_call_recordings',
        '0003_interview_templates',
      ]);
      const tables = await instances[1]!.introspection.getTables();
      expect(tables.filter((t) => t.schema === schema).map((t) => t.name)).toContain('calls');
      // A fourth start later finds nothing to do.
      const late = await openDatabase({ databaseUrl: url, schema });
      await late.destroy();
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
    }
  });
});

describe('upgrading a database made by the first release', () => {
  it('keeps its calls, which then run the built-in interview with no résumé and no recording', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(await PGlite.create()) }) });
    try {
      await migrateToLatest(db as Kysely<unknown>, { upTo: '0001_call_records' });
      const at = new Date('2026-05-01T10:00:00Z');
      await sql`insert into interviews (id, phone, role, definition_id, created_at) values ('i1', '+15550001', 'Engineer', 'default', ${at})`.execute(
        db,
      );
      await sql`insert into calls (id, interview_id, direction, status, created_at, updated_at) values ('c1', 'i1', 'inbound', 'completed', ${at}, ${at})`.execute(
        db,
      );
      await migrateToLatest(db as Kysely<unknown>);
      const store = new PostgresCallStore({ db, clock: new ManualClock(), defaultRole: 'Engineer' });
      const record = await store.getRecord('c1');
      expect(record?.interview).toMatchObject({ definitionId: 'default', templateVersion: null, resume: null });
      expect(record?.recording).toBeNull();
    } finally {
      await db.destroy();
    }
  });
});
