import { type Html, html } from './html.js';

/** Words for the record's codes, as a recruiter reads them. Unknown codes show as they are. */
const STAGE_LABELS: Record<string, string> = {
  greeting: 'Greeting',
  self_intro: 'Self-introduction',
  past_experience: 'Past experience',
  closing: 'Closing',
  ended: 'Ended',
};

const OUTCOME_LABELS: Record<string, string> = {
  completed: 'Completed',
  candidate_ended: 'Candidate ended',
  no_response: 'No response',
  caller_hung_up: 'Hung up',
  voicemail: 'Voicemail',
  no_answer: 'No answer',
  busy: 'Busy',
  failed: 'Failed',
};

const END_REASON_LABELS: Record<string, string> = {
  completed: 'goal met',
  goal_met: 'goal met',
  timed_out: 'ran out of time',
  turn_limit: 'reached its turn limit',
  candidate_left: 'the candidate left',
  no_response: 'no response',
  call_limit: 'the call reached its time limit',
  hung_up: 'the caller hung up',
  caller_hung_up: 'the caller hung up',
  error: 'an error ended the call',
};

const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  initiated: 'Dialling',
  ringing: 'Ringing',
  'in-progress': 'Answered',
  completed: 'Ended',
  busy: 'Busy',
  'no-answer': 'No answer',
  failed: 'Failed',
  canceled: 'Cancelled',
};

function words(code: string): string {
  return code.replace(/[_-]+/g, ' ');
}

export function stageLabel(stage: string | null): string {
  return stage === null ? 'Not started' : (STAGE_LABELS[stage] ?? words(stage));
}

export function outcomeLabel(outcome: string | null): string {
  return outcome === null ? 'In progress' : (OUTCOME_LABELS[outcome] ?? words(outcome));
}

export function endReasonLabel(reason: string | null): string {
  return reason === null ? 'still running' : (END_REASON_LABELS[reason] ?? words(reason));
}

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? words(status);
}

/** `1:05`, `12:00`, `1:02:03` for a duration in ms (rounded down to the second). */
export function clockDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `842 ms` below ten seconds, else a clock duration. */
export function shortDuration(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : clockDuration(ms);
}

/** `2026-12-02 00:50 UTC`: the server's rendering; the page's script shows it in local time. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A `<time>` the page's script rewrites in the reader's own time zone. */
export function timeElement(iso: string): Html {
  return html`<time datetime="${iso}" data-local>${utcMinute(iso)}</time>`;
}

export function msBetween(fromIso: string, toIso: string): number {
  return Date.parse(toIso) - Date.parse(fromIso);
}
