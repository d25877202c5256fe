import { type Kysely, sql } from 'kysely';
import { readCallRecord } from './call-record.js';
import { isFinalStatus, statusesBefore } from './call-status.js';
import type { CallOutcome, CallStatus } from './call-store.js';
import { notErased } from './erasure-guard.js';
import type { Database } from './schema.js';

/** The guarded updates of a call's life, each run inside the caller's transaction. */
type Tx = Kysely<Database>;

/** Moves the status forward only (see call-status.ts); true when it changed. */
export async function advanceStatus(trx: Tx, callId: string, status: CallStatus, at: Date): Promise<boolean> {
  const replaceable = statusesBefore(status);
  if (replaceable.length === 0) return false; // 'queued' is where every call starts
  const result = await trx
    .updateTable('calls')
    .set({
      status,
      updated_at: at,
      ...(isFinalStatus(status) ? { ended_at: sql<Date>`coalesce(ended_at, ${at})` } : {}),
    })
    .where('id', '=', callId)
    .where('status', 'in', replaceable)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Sets the outcome unless one is set (first wins), ends the interview stage, and, when
 * `resultsOutbox`, queues the record as it now stands for the results webhook, in the same
 * transaction so an outcome is never stored without its delivery.
 */
export async function finishCallIn(
  trx: Tx,
  callId: string,
  outcome: { outcome: CallOutcome; reason: string | null; at: Date },
  options: { resultsOutbox: boolean },
): Promise<boolean> {
  const { at } = outcome;
  const result = await trx
    .updateTable('calls')
    .set({
      outcome: outcome.outcome,
      outcome_reason: outcome.reason,
      updated_at: at,
      ended_at: sql<Date>`coalesce(ended_at, ${at})`,
      stage: sql<string | null>`case when stage is null then null else 'ended' end`,
    })
    .where('id', '=', callId)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  // An erased call's results are never delivered (a live call's last write may land after erasure).
  if (options.resultsOutbox && (await notErased(trx, callId))) {
    const record = await readCallRecord(trx, callId);
    await trx
      .insertInto('results_outbox')
      .values({ call_id: callId, payload: JSON.stringify(record), next_attempt_at: at, created_at: at })
      .execute();
  }
  return true;
}

export async function insertEvent(db: Tx, callId: string, type: string, data: unknown, at: Date): Promise<void> {
  await db
    .insertInto('call_events')
    .values({ call_id: callId, type, data: data === undefined ? null : JSON.stringify(data), at })
    .execute();
}
