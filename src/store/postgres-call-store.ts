import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { eraseCallData, listCallPage, purgeCallsBefore } from './call-housekeeping.js';
import { type CallRecord, findCallRow, readCallRecord, toInterview } from './call-record.js';
import { isFinalStatus, outcomeForStatus, statusesBefore } from './call-status.js';
import type {
  BeginCallInput,
  CallOutcome,
  CallPage,
  CallStart,
  CallStatus,
  CallStore,
  FinishOptions,
  ListCallsQuery,
  NewOutboundInterview,
  OutboundInterviewCreated,
  StageEnd,
  StatusDetails,
  TranscriptLineInput,
} from './call-store.js';
import type { Database, InterviewRow } from './schema.js';

export interface PostgresCallStoreOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** Role of the interview an inbound call runs when its number matches no pending interview. */
  defaultRole: string;
  /** Per-call recordings live in `<recordingsDir>/<callId>`; erasure and purge remove them. */
  recordingsDir?: string;
  /** Queue a results-webhook delivery when a call finishes; default true. */
  resultsOutbox?: boolean;
}

/** Outcomes that mean the interview ran to its end: such an interview is no longer pending. */
const DONE_OUTCOMES: CallOutcome[] = ['completed', 'candidate_ended'];
const DEFAULT_DEFINITION = 'default';
/** Event written when the voice webhook first starts a call; a retried webhook finds it. */
const BEGUN_EVENT = 'call_begun';

type Tx = Kysely<Database>;

/** The CallStore on PostgreSQL (a server through `pg`, or embedded PGlite): same SQL for both. */
export class PostgresCallStore implements CallStore {
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;

  constructor(private readonly options: PostgresCallStoreOptions) {
    this.db = options.db;
    this.clock = options.clock;
  }

  async createOutboundInterview(input: NewOutboundInterview): Promise<OutboundInterviewCreated> {
    return this.db.transaction().execute(async (trx) => {
      const now = this.now();
      const inserted = await trx
        .insertInto('interviews')
        .values({
          id: randomUUID(),
          phone: input.to,
          role: input.role ?? this.options.defaultRole,
          job_description: input.jobDescription ?? null,
          candidate_name: input.candidateName ?? null,
          definition_id: input.definitionId ?? DEFAULT_DEFINITION,
          context: input.context === undefined ? null : JSON.stringify(input.context),
          idempotency_key: input.idempotencyKey ?? null,
          request_hash: input.requestHash ?? null,
          created_at: now,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning(['id', 'request_hash'])
        .executeTakeFirst();
      if (!inserted) {
        // Same key seen before (perhaps in a transaction that just committed): return that one.
        const first = await trx
          .selectFrom('interviews as i')
          .innerJoin('calls as c', 'c.interview_id', 'i.id')
          .select(['i.id as interviewId', 'c.id as callId', 'i.request_hash as requestHash'])
          .where('i.idempotency_key', '=', input.idempotencyKey ?? '')
          .orderBy('c.created_at')
          .orderBy('c.id')
          .executeTakeFirstOrThrow();
        return { created: false, ...first };
      }
      const callId = randomUUID();
      await trx
        .insertInto('calls')
        .values({
          id: callId,
          call_sid: null,
          interview_id: inserted.id,
          direction: 'outbound',
          status: 'queued',
          stage: null,
          outcome: null,
          outcome_reason: null,
          answered_by: null,
          from_number: input.from,
          to_number: input.to,
          created_at: now,
          updated_at: now,
          ended_at: null,
          erased_at: null,
        })
        .execute();
      return { created: true, interviewId: inserted.id, callId, requestHash: inserted.request_hash };
    });
  }

  async attachCallSid(callId: string, callSid: string, status: CallStatus): Promise<void> {
    await this.db
      .updateTable('calls')
      .set({ call_sid: callSid, updated_at: this.now() })
      .where('id', '=', callId)
      .where('call_sid', 'is', null)
      .execute();
    await this.recordStatus(callSid, status);
  }

  async beginCall(input: BeginCallInput): Promise<CallStart> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const existing = await this.startedCall(trx, input);
        if (existing) return existing;
        const interview = await this.interviewFor(trx, input);
        const now = this.now();
        const callId = randomUUID();
        const inserted = await trx
          .insertInto('calls')
          .values({
            id: callId,
            call_sid: input.callSid,
            interview_id: interview.id,
            direction: input.direction,
            status: 'in-progress',
            stage: null,
            outcome: null,
            outcome_reason: null,
            answered_by: null,
            from_number: input.from,
            to_number: input.to,
            created_at: now,
            updated_at: now,
            ended_at: null,
            erased_at: null,
          })
          .onConflict((oc) => oc.column('call_sid').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) {
          // A concurrent retry of the same webhook won: undo our interview, return theirs.
          throw new RetryBegin();
        }
        await this.insertEvent(trx, callId, BEGUN_EVENT, { direction: input.direction }, now);
        return {
          callId,
          callSid: input.callSid,
          direction: input.direction,
          resumed: false,
          interview: toInterview(interview),
        };
      })
      .catch(async (err: unknown) => {
        if (!(err instanceof RetryBegin)) throw err;
        return this.beginCall(input);
      });
  }

  async recordStatus(
    callSid: string,
    status: CallStatus,
    details: StatusDetails = {},
  ): Promise<{ callId: string; applied: boolean } | null> {
    return this.db.transaction().execute(async (trx) => {
      const call = await trx.selectFrom('calls').select('id').where('call_sid', '=', callSid).executeTakeFirst();
      if (!call) return null;
      const at = details.at ?? this.now();
      const applied = await this.advanceStatus(trx, call.id, status, at);
      await this.insertEvent(trx, call.id, 'status', { status, applied, ...details, at: at.toISOString() }, at);
      const outcome = outcomeForStatus(status);
      if (applied && outcome) await this.finishIn(trx, call.id, outcome, `twilio status ${status}`, at);
      return { callId: call.id, applied };
    });
  }

  async recordAnsweredBy(callSid: string, answeredBy: string): Promise<string | null> {
    const row = await this.db
      .updateTable('calls')
      .set({ answered_by: answeredBy, updated_at: this.now() })
      .where('call_sid', '=', callSid)
      .returning('id')
      .executeTakeFirst();
    if (row) await this.recordEvent(row.id, 'answered_by', { answeredBy });
    return row?.id ?? null;
  }

  async appendTranscriptLine(callId: string, line: TranscriptLineInput): Promise<void> {
    await this.db
      .insertInto('transcript_lines')
      .values({
        call_id: callId,
        role: line.role,
        text: line.text,
        stage: line.stage,
        at: line.at,
        interrupted: line.interrupted ?? false,
      })
      .execute();
  }

  async stageStarted(callId: string, name: string, at: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('stage_timeline').values({ call_id: callId, name, started_at: at }).execute();
      await trx.updateTable('calls').set({ stage: name, updated_at: this.now() }).where('id', '=', callId).execute();
    });
  }

  async stageEnded(callId: string, name: string, end: StageEnd): Promise<void> {
    const open = this.db
      .selectFrom('stage_timeline')
      .select('id')
      .where('call_id', '=', callId)
      .where('name', '=', name)
      .where('ended_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1);
    await this.db
      .updateTable('stage_timeline')
      .set({
        ended_at: end.at,
        end_reason: end.reason ?? null,
        notes: end.notes === undefined ? null : JSON.stringify(end.notes),
      })
      .where('id', '=', open)
      .execute();
  }

  async setStage(callId: string, stage: string): Promise<void> {
    await this.db.updateTable('calls').set({ stage, updated_at: this.now() }).where('id', '=', callId).execute();
  }

  async recordLatency(callId: string, turn: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('calls')
      .set({ latency: sql`latency || jsonb_build_array(cast(${JSON.stringify(turn)} as jsonb))` })
      .where('id', '=', callId)
      .execute();
  }

  async recordEvent(callId: string, type: string, data?: unknown, at?: Date): Promise<void> {
    await this.insertEvent(this.db, callId, type, data, at ?? this.now());
  }

  async finishCall(
    callId: string,
    outcome: CallOutcome,
    reason: string | null,
    options: FinishOptions = {},
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const at = options.at ?? this.now();
      if (options.status) await this.advanceStatus(trx, callId, options.status, at);
      return this.finishIn(trx, callId, outcome, reason, at);
    });
  }

  getRecord(idOrCallSid: string): Promise<CallRecord | null> {
    return readCallRecord(this.db, idOrCallSid);
  }

  listCalls(query: ListCallsQuery): Promise<CallPage> {
    return listCallPage(this.db, query);
  }

  eraseCall(idOrCallSid: string): Promise<boolean> {
    return eraseCallData(this.db, idOrCallSid, { at: this.now(), ...this.recordingsOption() });
  }

  purgeOlderThan(days: number): Promise<number> {
    if (days <= 0) return Promise.resolve(0);
    const cutoff = new Date(this.clock.wallNow() - days * 86_400_000);
    return purgeCallsBefore(this.db, cutoff, this.recordingsOption());
  }

  private recordingsOption(): { recordingsDir?: string } {
    return this.options.recordingsDir === undefined ? {} : { recordingsDir: this.options.recordingsDir };
  }

  private now(): Date {
    return new Date(this.clock.wallNow());
  }

  /** The call this CallSid already began, or the outbound call we placed for this interview. */
  private async startedCall(trx: Tx, input: BeginCallInput): Promise<CallStart | null> {
    let call = await findCallRow(trx, input.callSid);
    if (!call && input.interviewId !== undefined) {
      // Twilio can request the voice URL before our calls.create response stored the CallSid.
      const placed = await trx
        .updateTable('calls')
        .set({ call_sid: input.callSid, updated_at: this.now() })
        .where('interview_id', '=', input.interviewId)
        .where('direction', '=', 'outbound')
        .where('call_sid', 'is', null)
        .where('outcome', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (placed) call = await findCallRow(trx, placed.id);
    }
    if (!call) return null;
    const now = this.now();
    await this.advanceStatus(trx, call.id, 'in-progress', now);
    const begun = await trx
      .selectFrom('call_events')
      .select('id')
      .where('call_id', '=', call.id)
      .where('type', '=', BEGUN_EVENT)
      .executeTakeFirst();
    if (!begun) await this.insertEvent(trx, call.id, BEGUN_EVENT, { direction: call.direction }, now);
    const interview = await trx
      .selectFrom('interviews')
      .selectAll()
      .where('id', '=', call.interview_id)
      .executeTakeFirstOrThrow();
    return {
      callId: call.id,
      callSid: input.callSid,
      direction: call.direction,
      resumed: begun !== undefined,
      interview: toInterview(interview),
    };
  }

  private async interviewFor(trx: Tx, input: BeginCallInput): Promise<InterviewRow> {
    if (input.interviewId !== undefined) {
      const named = await trx
        .selectFrom('interviews')
        .selectAll()
        .where('id', '=', input.interviewId)
        .executeTakeFirst();
      if (named) return named;
    }
    const candidatePhone = input.direction === 'inbound' ? input.from : input.to;
    if (input.direction === 'inbound') {
      // A recruiter's interview for this number not yet done, e.g. the candidate calling back
      // after a voicemail.
      const pending = await trx
        .selectFrom('interviews as i')
        .selectAll('i')
        .where('i.phone', '=', candidatePhone)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('calls').select('id').whereRef('interview_id', '=', 'i.id').where('direction', '=', 'outbound'),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('calls')
                .select('id')
                .whereRef('interview_id', '=', 'i.id')
                .where('outcome', 'in', DONE_OUTCOMES),
            ),
          ),
        )
        .orderBy('i.created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (pending) return pending;
    }
    return trx
      .insertInto('interviews')
      .values({
        id: randomUUID(),
        phone: candidatePhone,
        role: this.options.defaultRole,
        job_description: null,
        candidate_name: null,
        definition_id: DEFAULT_DEFINITION,
        context: null,
        idempotency_key: null,
        request_hash: null,
        created_at: this.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Moves the status forward only (see call-status.ts); true when it changed. */
  private async advanceStatus(trx: Tx, callId: string, status: CallStatus, at: Date): Promise<boolean> {
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

  private async finishIn(
    trx: Tx,
    callId: string,
    outcome: CallOutcome,
    reason: string | null,
    at: Date,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('calls')
      .set({
        outcome,
        outcome_reason: reason,
        updated_at: at,
        ended_at: sql<Date>`coalesce(ended_at, ${at})`,
        stage: sql<string | null>`case when stage is null then null else 'ended' end`,
      })
      .where('id', '=', callId)
      .where('outcome', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    if (this.options.resultsOutbox ?? true) {
      const record = await readCallRecord(trx, callId);
      await trx
        .insertInto('results_outbox')
        .values({ call_id: callId, payload: JSON.stringify(record), next_attempt_at: at, created_at: at })
        .execute();
    }
    return true;
  }

  private async insertEvent(db: Tx, callId: string, type: string, data: unknown, at: Date): Promise<void> {
    await db
      .insertInto('call_events')
      .values({ call_id: callId, type, data: data === undefined ? null : JSON.stringify(data), at })
      .execute();
  }
}

/** Thrown inside beginCall's transaction to roll it back when a concurrent duplicate won. */
class RetryBegin extends Error {}
