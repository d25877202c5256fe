import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
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
        ['call_events', 'calls', 'interviews', 'results_outbox', 'stage_timeline', 'transcript_lines'].sort(),
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
      expect(applied.rows.map((r) => r.name)).toEqual(['0001_call_records']);
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
