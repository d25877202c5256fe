import type { Kysely } from 'kysely';
import type { CallDirection, CallOutcome, CallStatus, Interview, TranscriptRole } from './call-types.js';
import { type LineOffsets, lineOffsets, type RecordingInfo, recordingInfo } from './recording-record.js';
import type { CallRow, Database, InterviewRow } from './schema.js';

/** The contract's call record (docs/contract.md, the call record), plus what a recruiter can use. */
export interface CallRecord {
  id: string;
  callSid: string | null;
  direction: CallDirection;
  status: CallStatus;
  /** The interview stage; null before the greeting starts, `ended` once over. */
  stage: string | null;
  outcome: CallOutcome | null;
  outcomeReason: string | null;
  answeredBy: string | null;
  from: string | null;
  to: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  erasedAt: string | null;
  interview: InterviewDetail;
  stages: StageRecord[];
  transcript: TranscriptLine[];
  /** Per-turn latency spans as the orchestrator recorded them. */
  latency: unknown[];
  /** The call's audio (RECORD_AUDIO), or null when it was not recorded or has been erased. */
  recording: RecordingInfo | null;
}

/** The interview as the full record shows it: with the résumé the recruiter gave (null once erased). */
export interface InterviewDetail extends Interview {
  resume: string | null;
}

export interface StageRecord {
  name: string;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  notes: unknown;
}

export interface TranscriptLine extends LineOffsets {
  role: TranscriptRole;
  text: string;
  stage: string | null;
  /** When the line ended: an agent line's audio finished playing (or was cut), a candidate turn was committed. */
  at: string;
  interrupted: boolean;
}

/** A row of GET /api/calls: the record without transcript, stages, latency, recording and résumé. */
export type CallListItem = Omit<CallRecord, 'stages' | 'transcript' | 'latency' | 'recording' | 'interview'> & {
  interview: Interview;
};

type Db = Kysely<Database>;

export async function findCallRow(db: Db, idOrCallSid: string): Promise<CallRow | undefined> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrCallSid), eb('call_sid', '=', idOrCallSid)]))
    .executeTakeFirst();
}

/** Reads a full record; pass a transaction to snapshot it inside one. */
export async function readCallRecord(db: Db, idOrCallSid: string): Promise<CallRecord | null> {
  const call = await findCallRow(db, idOrCallSid);
  if (!call) return null;
  const [interview, stages, transcript, recordingRow] = await Promise.all([
    db.selectFrom('interviews').selectAll().where('id', '=', call.interview_id).executeTakeFirstOrThrow(),
    db.selectFrom('stage_timeline').selectAll().where('call_id', '=', call.id).orderBy('id').execute(),
    db.selectFrom('transcript_lines').selectAll().where('call_id', '=', call.id).orderBy('id').execute(),
    db.selectFrom('call_recordings').selectAll().where('call_id', '=', call.id).executeTakeFirst(),
  ]);
  const recording = recordingInfo(call.id, recordingRow);
  const offsets = lineOffsets(
    recording,
    transcript.map((t) => t.at),
  );
  const summary = toListItem(call, interview);
  return {
    ...summary,
    interview: { ...summary.interview, resume: interview.resume },
    stages: stages.map((s) => ({
      name: s.name,
      startedAt: s.started_at.toISOString(),
      endedAt: isoOrNull(s.ended_at),
      endReason: s.end_reason,
      notes: s.notes ?? null,
    })),
    transcript: transcript.map((t, i) => ({
      role: t.role,
      text: t.text,
      stage: t.stage,
      at: t.at.toISOString(),
      interrupted: t.interrupted,
      ...(offsets[i] ?? { offsetMs: null, endOffsetMs: null }),
    })),
    latency: Array.isArray(call.latency) ? call.latency : [],
    recording,
  };
}

/** The interview columns a list row shows (not the résumé, which only the full record carries). */
export type InterviewSummaryRow = Omit<InterviewRow, 'resume'>;

export function toListItem(call: CallRow, interview: InterviewSummaryRow): CallListItem {
  return {
    id: call.id,
    callSid: call.call_sid,
    direction: call.direction,
    status: call.status as CallStatus,
    stage: call.stage,
    outcome: call.outcome as CallOutcome | null,
    outcomeReason: call.outcome_reason,
    answeredBy: call.answered_by,
    from: call.from_number,
    to: call.to_number,
    createdAt: call.created_at.toISOString(),
    updatedAt: call.updated_at.toISOString(),
    endedAt: isoOrNull(call.ended_at),
    erasedAt: isoOrNull(call.erased_at),
    interview: toInterview(interview),
  };
}

export function toInterview(row: InterviewSummaryRow): Interview {
  return {
    id: row.id,
    phone: row.phone,
    role: row.role,
    jobDescription: row.job_description,
    candidateName: row.candidate_name,
    definitionId: row.definition_id,
    templateVersion: row.template_version,
    context: (row.context as Record<string, string> | null) ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
