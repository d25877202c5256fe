import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * Row types of the call database. Timestamps are `timestamptz` (read back as Date by both pg and
 * PGlite); JSON columns are `jsonb`, written as JSON text so both drivers serialise them alike.
 */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

export interface InterviewsTable {
  id: string;
  /** The candidate's number (E.164); personal data, nulled by erasure. */
  phone: string | null;
  role: string;
  job_description: string | null;
  candidate_name: string | null;
  /** The interview template (or built-in definition) id the call runs. */
  definition_id: string;
  /** The template version the call runs; null for a built-in definition. */
  template_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** The candidate's résumé as plain text; personal data, nulled by erasure. */
  resume: ColumnType<string | null, string | null | undefined, string | null>;
  context: NullableJson;
  /** Recruiter's Idempotency-Key; unique so a retried POST finds the first interview. */
  idempotency_key: string | null;
  /** SHA-256 of the request body that used the key, to refuse a key reused for other data. */
  request_hash: string | null;
  created_at: Timestamp;
}

export interface CallsTable {
  id: string;
  call_sid: string | null;
  interview_id: string;
  direction: 'inbound' | 'outbound';
  status: string;
  stage: string | null;
  outcome: string | null;
  outcome_reason: string | null;
  answered_by: string | null;
  from_number: string | null;
  to_number: string | null;
  latency: ColumnType<unknown, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  ended_at: NullableTimestamp;
  erased_at: NullableTimestamp;
}

export interface TranscriptLinesTable {
  id: Generated<number>;
  call_id: string;
  role: 'agent' | 'candidate';
  text: string;
  stage: string | null;
  at: Timestamp;
  interrupted: boolean;
}

export interface StageTimelineTable {
  id: Generated<number>;
  call_id: string;
  name: string;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  end_reason: string | null;
  notes: NullableJson;
}

export interface CallEventsTable {
  id: Generated<number>;
  call_id: string;
  type: string;
  data: NullableJson;
  at: Timestamp;
}

export interface ResultsOutboxTable {
  id: Generated<number>;
  call_id: string;
  payload: Json;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  delivered_at: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
}

export interface CallRecordingsTable {
  call_id: string;
  /** Wall-clock instant of the recording's offset 0 (the media stream's start). */
  started_at: Timestamp;
  /** Length of the finished recording, ms; null while recording (or when the process died first). */
  duration_ms: number | null;
  completed_at: NullableTimestamp;
}

export interface InterviewTemplatesTable {
  id: string;
  latest_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set by DELETE: hidden from new calls; its versions stay for the calls that ran them. */
  deleted_at: NullableTimestamp;
}

export interface InterviewTemplateVersionsTable {
  template_id: string;
  version: number;
  /** The validated interview definition, complete (defaults filled in). */
  definition: Json;
  created_at: Timestamp;
}

export interface Database {
  interviews: InterviewsTable;
  calls: CallsTable;
  transcript_lines: TranscriptLinesTable;
  stage_timeline: StageTimelineTable;
  call_events: CallEventsTable;
  results_outbox: ResultsOutboxTable;
  call_recordings: CallRecordingsTable;
  interview_templates: InterviewTemplatesTable;
  interview_template_versions: InterviewTemplateVersionsTable;
}

export type InterviewRow = Selectable<InterviewsTable>;
export type CallRow = Selectable<CallsTable>;
export type NewCall = Insertable<CallsTable>;
export type OutboxRow = Selectable<ResultsOutboxTable>;

/** A calls row as first stored: everything that happens later (stage, outcome, …) still unset. */
export function newCallRow(fields: {
  id: string;
  callSid: string | null;
  interviewId: string;
  direction: CallRow['direction'];
  status: CallRow['status'];
  from: string;
  to: string;
  now: Date;
}): NewCall {
  return {
    id: fields.id,
    call_sid: fields.callSid,
    interview_id: fields.interviewId,
    direction: fields.direction,
    status: fields.status,
    stage: null,
    outcome: null,
    outcome_reason: null,
    answered_by: null,
    from_number: fields.from,
    to_number: fields.to,
    created_at: fields.now,
    updated_at: fields.now,
    ended_at: null,
    erased_at: null,
  };
}
