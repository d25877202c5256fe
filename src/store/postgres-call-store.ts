import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { beginCallIn, CallSidTaken, DEFAULT_DEFINITION } from './call-begin.js';
import { eraseCallData, listCallPage, purgeCallsBefore } from './call-housekeeping.js';
import { type CallRecord, readCallRecord } from './call-record.js';
import { outcomeForStatus } from './call-status.js';
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
import { advanceStatus, finishCallIn, insertEvent } from './call-transitions.js';
import { notErased, unlessErased } from './erasure-guard.js';
import { type Database, newCallRow } from './schema.js';

export interface PostgresCallStoreOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** Role of the interview an inbound call runs when its number matches no pending interview. */
  defaultRole: string;
  /**
   * DEFAULT_TEMPLATE_ID: the template (latest version) an inbound call runs when its number matches
   * no pending interview; unset, unknown or deleted: the built-in default.
   */
  defaultTemplateId?: string;
  /** Per-call recordings live in `<recordingsDir>/<callId>`; erasure and purge remove them. */
  recordingsDir?: string;
  /** Queue a results-webhook delivery when a call finishes; default true. */
  resultsOutbox?: boolean;
}

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
          template_version: input.templateVersion ?? null,
          resume: input.resume ?? null,
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
        .values(
          newCallRow({
            id: callId,
            callSid: null,
            interviewId: inserted.id,
            direction: 'outbound',
            status: 'queued',
            from: input.from,
            to: input.to,
            now,
          }),
        )
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
    try {
      return await this.db.transaction().execute((trx) =>
        beginCallIn(trx, input, {
          now: this.now(),
          defaultRole: this.options.defaultRole,
          ...(this.options.defaultTemplateId === undefined
            ? {}
            : { defaultTemplateId: this.options.defaultTemplateId }),
        }),
      );
    } catch (err) {
      // A concurrent retry of the same webhook won the CallSid: ours rolled back, resume theirs.
      if (err instanceof CallSidTaken) return this.beginCall(input);
      throw err;
    }
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
      const applied = await advanceStatus(trx, call.id, status, at);
      await insertEvent(trx, call.id, 'status', { status, applied, ...details, at: at.toISOString() }, at);
      const outcome = outcomeForStatus(status);
      if (applied && outcome) {
        await finishCallIn(trx, call.id, { outcome, reason: `twilio status ${status}`, at }, this.finishOptions());
      }
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
    await unlessErased(this.db, callId, (trx) =>
      trx
        .insertInto('transcript_lines')
        .values({
          call_id: callId,
          role: line.role,
          text: line.text,
          stage: line.stage,
          at: line.at,
          interrupted: line.interrupted ?? false,
        })
        .execute(),
    );
  }

  async stageStarted(callId: string, name: string, at: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('stage_timeline').values({ call_id: callId, name, started_at: at }).execute();
      await trx.updateTable('calls').set({ stage: name, updated_at: this.now() }).where('id', '=', callId).execute();
    });
  }

  async stageEnded(callId: string, name: string, end: StageEnd): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const open = trx
        .selectFrom('stage_timeline')
        .select('id')
        .where('call_id', '=', callId)
        .where('name', '=', name)
        .where('ended_at', 'is', null)
        .orderBy('id', 'desc')
        .limit(1);
      // The stage's times are the bare call and stay; its notes are the candidate's and do not.
      const keepNotes = end.notes !== undefined && (await notErased(trx, callId));
      await trx
        .updateTable('stage_timeline')
        .set({ ended_at: end.at, end_reason: end.reason ?? null, notes: keepNotes ? JSON.stringify(end.notes) : null })
        .where('id', '=', open)
        .execute();
    });
  }

  async setStage(callId: string, stage: string): Promise<void> {
    await this.db.updateTable('calls').set({ stage, updated_at: this.now() }).where('id', '=', callId).execute();
  }

  async recordLatency(callId: string, turn: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('calls')
      .set({ latency: sql`latency || jsonb_build_array(cast(${JSON.stringify(turn)} as jsonb))` })
      .where('id', '=', callId)
      .where('erased_at', 'is', null)
      .execute();
  }

  async recordEvent(callId: string, type: string, data?: unknown, at?: Date): Promise<void> {
    await unlessErased(this.db, callId, (trx) => insertEvent(trx, callId, type, data, at ?? this.now()));
  }

  async finishCall(
    callId: string,
    outcome: CallOutcome,
    reason: string | null,
    options: FinishOptions = {},
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const at = options.at ?? this.now();
      if (options.status) await advanceStatus(trx, callId, options.status, at);
      return finishCallIn(trx, callId, { outcome, reason, at }, this.finishOptions());
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

  private finishOptions(): { resultsOutbox: boolean } {
    return { resultsOutbox: this.options.resultsOutbox ?? true };
  }

  private now(): Date {
    return new Date(this.clock.wallNow());
  }
}
