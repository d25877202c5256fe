import type { CallOutcome, CallStatus } from './call-store.js';

/**
 * Status callbacks may reach us out of order (they carry a SequenceNumber for that reason;
 * docs/twilio-voice.md). A status only ever moves a call forward along this rank, so a late
 * `ringing` never reopens a call that `completed`. All final statuses share the top rank: the
 * first wins.
 */
const RANK: Record<CallStatus, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  failed: 4,
  canceled: 4,
};

export function isFinalStatus(status: CallStatus): boolean {
  return RANK[status] === 4;
}

/** The statuses a call may be in for `next` to replace them. */
export function statusesBefore(next: CallStatus): CallStatus[] {
  return (Object.keys(RANK) as CallStatus[]).filter((s) => RANK[s] < RANK[next]);
}

/**
 * The outcome a final status implies when no interview ran. `completed` implies none: the
 * orchestrator, which knows how the interview ended, records it. `canceled` only happens
 * before the callee answers, hence no_answer.
 */
export function outcomeForStatus(status: CallStatus): CallOutcome | null {
  switch (status) {
    case 'no-answer':
    case 'canceled':
      return 'no_answer';
    case 'busy':
      return 'busy';
    case 'failed':
      return 'failed';
    default:
      return null;
  }
}
