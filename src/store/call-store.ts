import type { CallListItem, CallRecord } from './call-record.js';

/**
 * The call store port: everything the HTTP edge, the Twilio callbacks and the call orchestrator
 * persist about a call. One implementation (PostgresCallStore) runs on PGlite and on a real server.
 * Timestamps in are Dates; timestamps out (records) are ISO-8601 strings.
 */
export {
  CALL_OUTCOMES,
  type CallDirection,
  type CallOutcome,
  type CallStatus,
  type Interview,
  type TranscriptRole,
  TWILIO_CALL_STATUSES,
} from './call-types.js';

import type { CallDirection, CallOutcome, CallStatus, Interview, TranscriptRole } from './call-types.js';

export interface NewOutboundInterview {
  /** The candidate's number, E.164. */
  to: string;
  /** Our caller ID, E.164 (TWILIO_PHONE_NUMBER). */
  from: string;
  /** Defaults to the store's default role. */
  role?: string;
  jobDescription?: string;
  candidateName?: string;
  context?: Record<string, string>;
  /** Interview definition (template id) to run; default 'default'. */
  definitionId?: string;
  /** The template version to run; null or absent for a built-in definition. */
  templateVersion?: number | null;
  /** The candidate's résumé, plain text. */
  resume?: string;
  /** The recruiter's Idempotency-Key: a second create with the same key returns the first. */
  idempotencyKey?: string;
  /** Fingerprint of the request body, kept with the key to detect a key reused for other data. */
  requestHash?: string;
}

export interface OutboundInterviewCreated {
  /** False when the idempotency key already existed: nothing new was stored, do not dial. */
  created: boolean;
  interviewId: string;
  callId: string;
  /** The request hash stored with the key (the first request's). */
  requestHash: string | null;
}

export interface BeginCallInput {
  callSid: string;
  direction: CallDirection;
  from: string;
  to: string;
  /** From the voice webhook URL of an outbound call. */
  interviewId?: string;
}

export interface CallStart {
  callId: string;
  callSid: string;
  direction: CallDirection;
  /** True when this CallSid had already begun (Twilio retried the voice webhook). */
  resumed: boolean;
  interview: Interview;
}

/** Extra fields of a Twilio status callback, stored with the status event. */
export interface StatusDetails {
  at?: Date;
  sequenceNumber?: number;
  callDuration?: number;
  sipResponseCode?: string;
}

export interface TranscriptLineInput {
  role: TranscriptRole;
  text: string;
  stage: string | null;
  at: Date;
  /** True when the caller barged in: `text` is only what was heard. Default false. */
  interrupted?: boolean;
}

export interface StageEnd {
  at: Date;
  reason?: string;
  /** Evidence and notes gathered in the stage; any JSON. */
  notes?: unknown;
}

export interface FinishOptions {
  at?: Date;
  /** Also set this Twilio status (e.g. 'failed' when the call could not be placed). */
  status?: CallStatus;
}

export interface ListCallsQuery {
  /** 1–100, default 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  status?: CallStatus;
  /** Only calls with this outcome; `null` means calls still without one (in progress). */
  outcome?: CallOutcome | null;
  /** Only calls whose candidate name contains this text, ignoring case. */
  nameContains?: string;
  /** Only calls changed at or after this time (any status, stage or outcome change). */
  changedSince?: Date;
}

export interface CallPage {
  calls: CallListItem[];
  nextCursor: string | null;
}

export interface CallStore {
  createOutboundInterview(input: NewOutboundInterview): Promise<OutboundInterviewCreated>;
  /** Stores the CallSid Twilio gave an outbound call we placed. */
  attachCallSid(callId: string, callSid: string, status: CallStatus): Promise<void>;
  /** Idempotent on callSid. Inbound: a pending interview for `from`, else a default one. */
  beginCall(input: BeginCallInput): Promise<CallStart>;
  /** Applies a status unless the call is already further along; null when the CallSid is unknown. */
  recordStatus(
    callSid: string,
    status: CallStatus,
    details?: StatusDetails,
  ): Promise<{ callId: string; applied: boolean } | null>;
  recordAnsweredBy(callSid: string, answeredBy: string): Promise<string | null>;
  appendTranscriptLine(callId: string, line: TranscriptLineInput): Promise<void>;
  stageStarted(callId: string, name: string, at: Date): Promise<void>;
  stageEnded(callId: string, name: string, end: StageEnd): Promise<void>;
  setStage(callId: string, stage: string): Promise<void>;
  recordLatency(callId: string, turn: Record<string, unknown>): Promise<void>;
  recordEvent(callId: string, type: string, data?: unknown, at?: Date): Promise<void>;
  /** First outcome wins; returns false when the call already had one. Queues the results webhook. */
  finishCall(callId: string, outcome: CallOutcome, reason: string | null, options?: FinishOptions): Promise<boolean>;
  getRecord(idOrCallSid: string): Promise<CallRecord | null>;
  listCalls(query: ListCallsQuery): Promise<CallPage>;
  /** Removes transcript, notes, events, numbers, name and recordings; keeps the bare outcome. */
  eraseCall(idOrCallSid: string): Promise<boolean>;
  /** Deletes calls created more than `days` ago, with everything about them; returns how many. */
  purgeOlderThan(days: number): Promise<number>;
}

/** A queued results delivery, claimed by one deliverer at a time. */
export interface OutboxItem {
  id: number;
  callId: string;
  /** The exact JSON body to POST. */
  body: string;
  attempts: number;
}

export interface ResultsOutboxStore {
  /** Claims the oldest due delivery and hides it from other deliverers for `leaseMs`. */
  claimDueDelivery(leaseMs: number): Promise<OutboxItem | null>;
  markDelivered(id: number): Promise<void>;
  markFailed(id: number, error: string, nextAttemptAt: Date): Promise<void>;
}

export type { CallListItem, CallRecord };
