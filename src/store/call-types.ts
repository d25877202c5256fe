/** The call's vocabulary (directions, Twilio statuses, outcomes) shared by the store port and the record. */
export type CallDirection = 'inbound' | 'outbound';
export type TranscriptRole = 'agent' | 'candidate';

/** Twilio's CallStatus values (docs/twilio-voice.md, status callbacks). */
export const TWILIO_CALL_STATUSES = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;
export type CallStatus = (typeof TWILIO_CALL_STATUSES)[number];

export const CALL_OUTCOMES = [
  'completed',
  'candidate_ended',
  'no_response',
  'caller_hung_up',
  'voicemail',
  'no_answer',
  'busy',
  'failed',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface Interview {
  id: string;
  /** The candidate's number, E.164; null once erased. */
  phone: string | null;
  role: string;
  jobDescription: string | null;
  candidateName: string | null;
  /** The interview template (or built-in definition, e.g. `default`) the call runs. */
  definitionId: string;
  /** The template's version the call runs; null for a built-in definition. */
  templateVersion: number | null;
  context: Record<string, string> | null;
  createdAt: string;
}
