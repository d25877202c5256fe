import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findCallRow, toInterview } from './call-record.js';
import type { BeginCallInput, CallOutcome, CallStart } from './call-store.js';
import { advanceStatus, insertEvent } from './call-transitions.js';
import { type Database, type InterviewRow, newCallRow } from './schema.js';

/** How the voice webhook finds or creates the call and its interview (CallStore.beginCall). */
type Tx = Kysely<Database>;

/** Outcomes that mean the interview ran to its end: such an interview is no longer pending. */
const DONE_OUTCOMES: CallOutcome[] = ['completed', 'candidate_ended'];
export const DEFAULT_DEFINITION = 'default';
/** Event written when the voice webhook first starts a call; a retried webhook finds it. */
const BEGUN_EVENT = 'call_begun';

export interface BeginContext {
  now: Date;
  defaultRole: string;
  /** The template a new default interview runs (its latest version); absent or deleted: the built-in default. */
  defaultTemplateId?: string;
}

/** Thrown to roll back a beginCall whose CallSid a concurrent duplicate webhook stored first. */
export class CallSidTaken extends Error {}

export async function beginCallIn(trx: Tx, input: BeginCallInput, context: BeginContext): Promise<CallStart> {
  const { now } = context;
  const existing = await startedCall(trx, input, now);
  if (existing) return existing;
  const interview = await interviewFor(trx, input, context);
  const callId = randomUUID();
  const inserted = await trx
    .insertInto('calls')
    .values(
      newCallRow({
        id: callId,
        callSid: input.callSid,
        interviewId: interview.id,
        direction: input.direction,
        status: 'in-progress',
        from: input.from,
        to: input.to,
        now,
      }),
    )
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new CallSidTaken();
  await insertEvent(trx, callId, BEGUN_EVENT, { direction: input.direction }, now);
  return {
    callId,
    callSid: input.callSid,
    direction: input.direction,
    resumed: false,
    interview: toInterview(interview),
  };
}

/** The call this CallSid already began, or the outbound call we placed for this interview. */
async function startedCall(trx: Tx, input: BeginCallInput, now: Date): Promise<CallStart | null> {
  let call = await findCallRow(trx, input.callSid);
  if (!call && input.interviewId !== undefined) {
    // Twilio can request the voice URL before our calls.create answer stored the CallSid.
    const placed = await trx
      .updateTable('calls')
      .set({ call_sid: input.callSid, updated_at: now })
      .where('interview_id', '=', input.interviewId)
      .where('direction', '=', 'outbound')
      .where('call_sid', 'is', null)
      .where('outcome', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (placed) call = await findCallRow(trx, placed.id);
  }
  if (!call) return null;
  await advanceStatus(trx, call.id, 'in-progress', now);
  const begun = await trx
    .selectFrom('call_events')
    .select('id')
    .where('call_id', '=', call.id)
    .where('type', '=', BEGUN_EVENT)
    .executeTakeFirst();
  if (!begun) await insertEvent(trx, call.id, BEGUN_EVENT, { direction: call.direction }, now);
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

/**
 * The interview the URL names; for an inbound call, the newest recruiter interview for this
 * number not yet done (the candidate calling back after a voicemail); else a new default one.
 */
async function interviewFor(trx: Tx, input: BeginCallInput, context: BeginContext): Promise<InterviewRow> {
  if (input.interviewId !== undefined) {
    const named = await trx.selectFrom('interviews').selectAll().where('id', '=', input.interviewId).executeTakeFirst();
    if (named) return named;
  }
  const candidatePhone = input.direction === 'inbound' ? input.from : input.to;
  if (input.direction === 'inbound') {
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
  const template =
    context.defaultTemplateId === undefined
      ? undefined
      : await trx
          .selectFrom('interview_templates')
          .select(['id', 'latest_version'])
          .where('id', '=', context.defaultTemplateId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
  return trx
    .insertInto('interviews')
    .values({
      id: randomUUID(),
      phone: candidatePhone,
      role: context.defaultRole,
      job_description: null,
      candidate_name: null,
      definition_id: template?.id ?? DEFAULT_DEFINITION,
      template_version: template?.latest_version ?? null,
      context: null,
      idempotency_key: null,
      request_hash: null,
      created_at: context.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
