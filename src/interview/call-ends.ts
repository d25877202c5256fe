import type { InterviewEvent } from './events.js';
import type { Step } from './step.js';

/**
 * The ways a call ends that are not the interview's own doing: the caller hangs up, the service
 * shuts down, or something fails that the call cannot recover from.
 */

type EventOf<T extends InterviewEvent['type']> = Extract<InterviewEvent, { type: T }>;

export function onHangUp(step: Step): void {
  cutOff(step, 'caller_hung_up', 'caller_hung_up', 'caller hung up');
}

/** Like a hang-up, but the service's doing: outcome `failed`, the open stage ends `server_shutdown`. */
export function onServiceShutDown(step: Step): void {
  cutOff(step, 'server_shutdown', 'failed', SERVICE_SHUT_DOWN_REASON);
}

/** Erased while live: outcome `failed` with the erasure as its reason, the open stage ends `erased`. */
export function onCallErased(step: Step): void {
  cutOff(step, 'erased', 'failed', CALL_ERASED_REASON);
}

/** The call is cut off (by the caller or the service): the open stage ends, then the call. */
function cutOff(
  step: Step,
  stageEnd: Parameters<Step['endStage']>[0],
  outcome: Parameters<Step['finishCall']>[0],
  reason: string,
): void {
  const s = step.s;
  if (s.phase === 'ended') return;
  if (s.phase === 'saying_goodbye' && s.ending) {
    // The outcome was decided before the goodbye; being cut off during it changes nothing.
    step.finishCall(s.ending.outcome, s.ending.reason, false);
    return;
  }
  if (s.phase === 'interviewing') {
    step.cancelAllTimers();
    step.endStage(stageEnd);
  }
  step.finishCall(outcome, reason, false);
}

/**
 * The drain timeout ran out: a short goodbye, then the call ends as the service's doing. A call
 * already saying goodbye keeps its own ending; one not started yet just ends.
 */
export function onServiceDraining(step: Step): void {
  const s = step.s;
  if (s.phase === 'interviewing') {
    step.closeInterview('server_shutdown', 'failed', SERVICE_SHUT_DOWN_REASON, SHUTDOWN_GOODBYE);
  } else if (s.phase === 'not_started') {
    step.finishCall('failed', SERVICE_SHUT_DOWN_REASON, true);
  }
}

/** What the agent says when the service shuts down mid-call (pre-rendered, like the error goodbye). */
export const SHUTDOWN_GOODBYE = "I'm sorry, I have to end our call here. The hiring team will be in touch. Goodbye!";

/** The record's outcome reason when the service cut a call off, for a recruiter to read. */
export const SERVICE_SHUT_DOWN_REASON = 'service shut down';

/** The record's outcome reason when the call was erased while it was live. */
export const CALL_ERASED_REASON = 'erased while the call was live';

export function onError(step: Step, event: EventOf<'error_occurred'>): void {
  const s = step.s;
  if (s.phase === 'interviewing') {
    step.closeInterview('error', 'failed', event.reason, s.definition.phrases.goodbye.error);
  } else if (s.phase === 'saying_goodbye' && s.ending) {
    // The goodbye itself cannot be played: end now with the outcome already decided.
    step.finishCall(s.ending.outcome, s.ending.reason, true);
  } else if (s.phase === 'not_started') {
    step.finishCall('failed', event.reason, true);
  }
}
