import fs from 'node:fs/promises';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { findCallRow, toListItem } from './call-record.js';
import type { CallPage, ListCallsQuery } from './call-store.js';
import type { Database } from './schema.js';

/** Listing, erasure and retention: the reads and deletes that are not on a live call's path. */
type Db = Kysely<Database>;

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
/** Calls deleted per statement by the retention purge, so one purge never holds a huge lock. */
const PURGE_BATCH = 200;

export async function listCallPage(db: Db, query: ListCallsQuery): Promise<CallPage> {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  let select = db
    .selectFrom('calls as c')
    .innerJoin('interviews as i', 'i.id', 'c.interview_id')
    .selectAll('c')
    .select([
      'i.phone',
      'i.role',
      'i.job_description',
      'i.candidate_name',
      'i.definition_id',
      'i.template_version',
      'i.context',
      'i.idempotency_key',
      'i.request_hash',
      'i.created_at as interview_created_at',
    ])
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1);
  if (query.status !== undefined) select = select.where('c.status', '=', query.status);
  if (query.outcome === null) select = select.where('c.outcome', 'is', null);
  else if (query.outcome !== undefined) select = select.where('c.outcome', '=', query.outcome);
  if (query.nameContains !== undefined && query.nameContains !== '') {
    const pattern = `%${escapeLike(query.nameContains)}%`;
    select = select.where(sql<boolean>`i.candidate_name ilike ${pattern} escape '\\'`);
  }
  if (query.changedSince !== undefined) select = select.where('c.updated_at', '>=', query.changedSince);
  if (after) {
    select = select.where((eb) => eb(eb.refTuple('c.created_at', 'c.id'), '<', eb.tuple(after.createdAt, after.id)));
  }
  const rows = await select.execute();
  const page = rows.slice(0, limit);
  const calls = page.map((row) =>
    toListItem(row, {
      id: row.interview_id,
      phone: row.phone,
      role: row.role,
      job_description: row.job_description,
      candidate_name: row.candidate_name,
      definition_id: row.definition_id,
      template_version: row.template_version,
      context: row.context,
      idempotency_key: row.idempotency_key,
      request_hash: row.request_hash,
      created_at: row.interview_created_at,
    }),
  );
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null;
  return { calls, nextCursor };
}

/** The text as a LIKE pattern that matches it literally (`%`, `_` and backslash escaped). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Opaque page cursor: the (created_at, id) of the last call on the page. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** Throws RangeError for a cursor this service did not make. */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new RangeError('invalid cursor');
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new RangeError('invalid cursor');
  }
  const createdAt = new Date(parsed[0]);
  if (Number.isNaN(createdAt.getTime())) throw new RangeError('invalid cursor');
  return { createdAt, id: parsed[1] };
}

/**
 * A candidate's erasure request: transcript, stage notes, events, queued results (they embed
 * the transcript), the recording, phone numbers, name, résumé and context go; the bare call (status, outcome, stage
 * times) stays so the recruiter can see a call happened and was erased.
 */
export async function eraseCallData(
  db: Db,
  idOrCallSid: string,
  options: { at: Date; recordingsDir?: string },
): Promise<boolean> {
  const callId = await db.transaction().execute(async (trx) => {
    const call = await findCallRow(trx, idOrCallSid);
    if (!call) return null;
    // Taken first: a live call's write (erasure-guard.ts) waits for this and then finds the call erased.
    await trx.selectFrom('calls').select('id').where('id', '=', call.id).forUpdate().execute();
    await trx.deleteFrom('transcript_lines').where('call_id', '=', call.id).execute();
    await trx.deleteFrom('call_events').where('call_id', '=', call.id).execute();
    await trx.deleteFrom('results_outbox').where('call_id', '=', call.id).execute();
    await trx.deleteFrom('call_recordings').where('call_id', '=', call.id).execute();
    await trx.updateTable('stage_timeline').set({ notes: null }).where('call_id', '=', call.id).execute();
    await trx
      .updateTable('calls')
      .set({ from_number: null, to_number: null, latency: '[]', erased_at: options.at, updated_at: options.at })
      .where('id', '=', call.id)
      .execute();
    await trx
      .updateTable('interviews')
      .set({ phone: null, candidate_name: null, context: null, resume: null })
      .where('id', '=', call.interview_id)
      .execute();
    return call.id;
  });
  if (callId === null) return false;
  await removeRecordings(options.recordingsDir, [callId]);
  return true;
}

/** Deletes calls created before `cutoff` (children cascade) and interviews left without calls. */
export async function purgeCallsBefore(db: Db, cutoff: Date, options: { recordingsDir?: string }): Promise<number> {
  let purged = 0;
  for (;;) {
    const deleted = await db
      .deleteFrom('calls')
      .where('id', 'in', db.selectFrom('calls').select('id').where('created_at', '<', cutoff).limit(PURGE_BATCH))
      .returning('id')
      .execute();
    if (deleted.length === 0) break;
    purged += deleted.length;
    await removeRecordings(
      options.recordingsDir,
      deleted.map((d) => d.id),
    );
  }
  await db
    .deleteFrom('interviews')
    .where('created_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('calls').select(sql.lit(1).as('one')).whereRef('calls.interview_id', '=', 'interviews.id')),
      ),
    )
    .execute();
  return purged;
}

/** Removes `<dir>/<callId>` and `<dir>/<callId>.*` (a recorder may keep a folder or files). */
async function removeRecordings(dir: string | undefined, callIds: string[]): Promise<void> {
  if (dir === undefined || callIds.length === 0) return;
  const ids = new Set(callIds);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return; // no recordings folder: nothing recorded
  }
  const doomed = names.filter((name) => ids.has(name) || ids.has(name.split('.')[0] ?? ''));
  await Promise.all(doomed.map((name) => fs.rm(path.join(dir, name), { recursive: true, force: true })));
}
