import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/**
 * Runs `write` in a transaction only while the call is not erased. The call's row is share-locked
 * first and erasure takes it for update, so a write and an erasure never interleave: a write that
 * was queued before the erasure but lands after it (a live call's writer) is dropped.
 */
export async function unlessErased(db: Db, callId: string, write: (trx: Db) => Promise<unknown>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const live = await notErased(trx, callId);
    if (!live) return false;
    await write(trx);
    return true;
  });
}

/** True when the call exists and is not erased; share-locks its row for the rest of `trx`. */
export async function notErased(trx: Db, callId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('calls')
    .select('id')
    .where('id', '=', callId)
    .where('erased_at', 'is', null)
    .forShare()
    .executeTakeFirst();
  return row !== undefined;
}
