import type { Kysely } from 'kysely';
import type { Clock, Timer } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import { isFinalStatus, outcomeForStatus } from './call-status.js';
import { type CallOutcome, type CallStatus, type CallStore, TWILIO_CALL_STATUSES } from './call-store.js';
import type { Database } from './schema.js';

/**
 * Closes calls whose process died, so every call ends with an outcome and a results delivery:
 * - a final Twilio status but no outcome: the orchestrator that would have recorded how the
 *   interview ended is gone. Outcome `failed`: the interview was cut short by the service, not
 *   by the candidate (when our process dies its media stream drops, and with nothing after
 *   `<Connect>` Twilio ends the call, then reports `completed`). `caller_hung_up` would blame the
 *   candidate for our failure; `failed` tells the recruiter to call again, and the transcript up
 *   to the crash stays in the record.
 * - an outbound call still `queued` without a CallSid: the process placing it died between
 *   storing it and Twilio's answer to calls.create (an Idempotency-Key retry never dials again).
 *   Outcome and status `failed`, as when calls.create fails (the API then answers 502 on replay).
 *   Twilio may still have dialled; if the candidate answers, the voice webhook attaches the
 *   CallSid within seconds, long before the 10 min grace, so such a call is never swept.
 *
 * Safe with several instances sweeping at once: finishCall sets an outcome only where none is
 * set, in one transaction with the results delivery, so a call is closed and queued once.
 */
export const ABANDONED_REASON = 'ended without the interviewer: the process carrying the call stopped';
export const UNPLACED_REASON = 'placement unconfirmed: the process placing the call stopped before Twilio answered';

const FINAL_STATUSES = TWILIO_CALL_STATUSES.filter(isFinalStatus);
/** Calls closed per query; a sweep repeats while batches come back full. */
const SWEEP_BATCH = 100;

export interface CallSweepOptions {
  db: Kysely<Database>;
  store: Pick<CallStore, 'finishCall'>;
  clock: Clock;
  /**
   * A call with a final status is left this long after its last update before it is closed, ms;
   * default 120 000. A live orchestrator closes its call within seconds of the stream ending.
   */
  finishedGraceMs?: number;
  /** A queued outbound call without a CallSid is left this long after it was stored, ms; default 600 000. */
  placementGraceMs?: number;
}

export interface CallSweepResult {
  /** Calls with a final status closed here. */
  abandoned: number;
  /** Outbound calls never handed to Twilio, closed as failed. */
  unplaced: number;
}

/** One pass over both kinds of abandoned call. */
export async function sweepAbandonedCalls(options: CallSweepOptions): Promise<CallSweepResult> {
  const { db, store, clock } = options;
  const now = clock.wallNow();
  const finishedBefore = new Date(now - (options.finishedGraceMs ?? 120_000));
  const placedBefore = new Date(now - (options.placementGraceMs ?? 600_000));
  const result: CallSweepResult = { abandoned: 0, unplaced: 0 };

  for (;;) {
    const rows = await db
      .selectFrom('calls')
      .select(['id', 'status'])
      .where('outcome', 'is', null)
      .where('status', 'in', FINAL_STATUSES)
      .where('updated_at', '<', finishedBefore)
      .orderBy('updated_at')
      .limit(SWEEP_BATCH)
      .execute();
    for (const row of rows) {
      // Only `completed` leaves a call without an outcome in practice (the other final statuses
      // imply theirs in the same transaction); keep theirs should one ever get here.
      const implied = outcomeForStatus(row.status as CallStatus);
      const outcome: CallOutcome = implied ?? 'failed';
      const reason = implied ? `twilio status ${row.status}` : ABANDONED_REASON;
      if (await store.finishCall(row.id, outcome, reason)) result.abandoned++;
    }
    if (rows.length < SWEEP_BATCH) break;
  }

  for (;;) {
    const rows = await db
      .selectFrom('calls')
      .select('id')
      .where('outcome', 'is', null)
      .where('direction', '=', 'outbound')
      .where('status', '=', 'queued')
      .where('call_sid', 'is', null)
      .where('created_at', '<', placedBefore)
      .orderBy('created_at')
      .limit(SWEEP_BATCH)
      .execute();
    for (const row of rows) {
      if (await store.finishCall(row.id, 'failed', UNPLACED_REASON, { status: 'failed' })) result.unplaced++;
    }
    if (rows.length < SWEEP_BATCH) break;
  }
  return result;
}

export interface CallSweeperOptions extends CallSweepOptions {
  logger: Logger;
  /** Time between sweeps, ms; default 60 000. The first sweep runs at once (start-up). */
  intervalMs?: number;
}

/**
 * Sweeps now and then every `intervalMs`. Returns a stop function that resolves once a sweep in
 * flight has ended, so the database can be closed after it.
 */
export function startCallSweeper(options: CallSweeperOptions): () => Promise<void> {
  let timer: Timer | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const run = () => {
    inFlight = sweepAbandonedCalls(options)
      .then((swept) => {
        if (swept.abandoned + swept.unplaced > 0) options.logger.warn(swept, 'abandoned calls closed');
      })
      .catch((err: unknown) => options.logger.error({ err }, 'call sweep failed'))
      .finally(() => {
        if (!stopped) timer = options.clock.setTimeout(run, options.intervalMs ?? 60_000);
      });
  };
  timer = options.clock.setTimeout(run, 0);
  return () => {
    stopped = true;
    timer?.cancel();
    return inFlight;
  };
}
