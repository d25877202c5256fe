import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { AppError, ErrorCodes } from '../lib/errors.js';

/**
 * Schema migrations, in code so the build carries them. Kysely's Migrator holds a Postgres
 * advisory lock while it runs, so several instances starting together apply each one once.
 * Never edit a released migration: add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_call_records': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('interviews')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('job_description', 'text')
        .addColumn('candidate_name', 'text')
        .addColumn('definition_id', 'text', (c) => c.notNull())
        .addColumn('context', 'jsonb')
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        .addColumn('request_hash', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('interviews_phone_idx').on('interviews').columns(['phone', 'created_at']).execute();

      await db.schema
        .createTable('calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('call_sid', 'text', (c) => c.unique())
        .addColumn('interview_id', 'text', (c) => c.notNull().references('interviews.id'))
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('stage', 'text')
        .addColumn('outcome', 'text')
        .addColumn('outcome_reason', 'text')
        .addColumn('answered_by', 'text')
        .addColumn('from_number', 'text')
        .addColumn('to_number', 'text')
        .addColumn('latency', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ended_at', 'timestamptz')
        .addColumn('erased_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('calls_created_idx').on('calls').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('calls_status_created_idx').on('calls').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('calls_interview_idx').on('calls').column('interview_id').execute();

      await db.schema
        .createTable('transcript_lines')
        .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('stage', 'text')
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('interrupted', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      await db.schema.createIndex('transcript_call_idx').on('transcript_lines').columns(['call_id', 'id']).execute();

      await db.schema
        .createTable('stage_timeline')
        .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('started_at', 'timestamptz', (c) => c.notNull())
        .addColumn('ended_at', 'timestamptz')
        .addColumn('end_reason', 'text')
        .addColumn('notes', 'jsonb')
        .execute();
      await db.schema.createIndex('stage_timeline_call_idx').on('stage_timeline').columns(['call_id', 'id']).execute();

      await db.schema
        .createTable('call_events')
        .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'jsonb')
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('call_events_call_idx').on('call_events').columns(['call_id', 'id']).execute();

      await db.schema
        .createTable('results_outbox')
        .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id').onDelete('cascade'))
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
        .addColumn('delivered_at', 'timestamptz')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('results_outbox_due_idx')
        .on('results_outbox')
        .column('next_attempt_at')
        .where(sql.ref('delivered_at'), 'is', null)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'results_outbox',
        'call_events',
        'stage_timeline',
        'transcript_lines',
        'calls',
        'interviews',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
  '0002_call_recordings': {
    async up(db: Kysely<unknown>) {
      // One row per recorded call: where its audio's offset 0 is on the wall clock (the media
      // stream's start), so transcript lines (stamped in wall time) find their place in it.
      await db.schema
        .createTable('call_recordings')
        .addColumn('call_id', 'text', (c) => c.primaryKey().references('calls.id').onDelete('cascade'))
        .addColumn('started_at', 'timestamptz', (c) => c.notNull())
        .addColumn('duration_ms', 'integer')
        .addColumn('completed_at', 'timestamptz')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('call_recordings').ifExists().execute();
    },
  },
  '0003_interview_templates': {
    async up(db: Kysely<unknown>) {
      // A template is never deleted, only hidden (deleted_at): calls keep pointing at the version they ran.
      await db.schema
        .createTable('interview_templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('deleted_at', 'timestamptz')
        .execute();
      await db.schema
        .createTable('interview_template_versions')
        .addColumn('template_id', 'text', (c) => c.notNull().references('interview_templates.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('interview_template_versions_pk', ['template_id', 'version'])
        .execute();
      // definition_id names the template; template_version the version the call runs (null: built in).
      await db.schema.alterTable('interviews').addColumn('template_version', 'integer').execute();
      await db.schema.alterTable('interviews').addColumn('resume', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('interviews').dropColumn('resume').execute();
      await db.schema.alterTable('interviews').dropColumn('template_version').execute();
      await db.schema.dropTable('interview_template_versions').ifExists().execute();
      await db.schema.dropTable('interview_templates').ifExists().execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema up to date (or, with `upTo`, to that migration: tests check an older
 * database upgrades). `schema` keeps the migration table (and, through the connection's
 * search_path, the tables) in one Postgres schema; tests use it to isolate runs.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { schema?: string; upTo?: string } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } =
    options.upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(options.upTo);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AppError(ErrorCodes.STORE_FAILED, `database migration ${failed} failed`, { cause: error });
  }
}
