import type { Kysely } from 'kysely';
import { notErased } from './erasure-guard.js';
import type { Database } from './schema.js';

/**
 * What the store keeps about a call's audio recording (the audio itself is a file under
 * `DATA_DIR/recordings/<callId>/`): where its offset 0 is on the wall clock, and its length once
 * finished. Erasure and retention delete the row with the call.
 */
export interface RecordingStore {
  /** The call's recording began (a second stream for the same call starts it again). */
  recordingStarted(callId: string, startedAt: Date): Promise<void>;
  /** The recording is complete: `durationMs` long, finished at `at`. */
  recordingFinished(callId: string, durationMs: number, at: Date): Promise<void>;
  /** The service's call id for an id or a CallSid; null when no such call. */
  findCallId(idOrCallSid: string): Promise<string | null>;
}

export class PostgresRecordingStore implements RecordingStore {
  constructor(private readonly db: Kysely<Database>) {}

  async recordingStarted(callId: string, startedAt: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Only for a call that exists and is not erased: an erased call's recording stays gone.
      if (!(await notErased(trx, callId))) return;
      await trx
        .insertInto('call_recordings')
        .values({ call_id: callId, started_at: startedAt, duration_ms: null, completed_at: null })
        .onConflict((oc) =>
          oc.column('call_id').doUpdateSet({ started_at: startedAt, duration_ms: null, completed_at: null }),
        )
        .execute();
    });
  }

  async recordingFinished(callId: string, durationMs: number, at: Date): Promise<void> {
    await this.db
      .updateTable('call_recordings')
      .set({ duration_ms: Math.round(durationMs), completed_at: at })
      .where('call_id', '=', callId)
      .execute();
  }

  async findCallId(idOrCallSid: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('calls')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', idOrCallSid), eb('call_sid', '=', idOrCallSid)]))
      .executeTakeFirst();
    return row?.id ?? null;
  }
}
