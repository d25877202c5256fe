/**
 * Everything that can happen to a call, as one typed union: the only way anything reaches
 * CallSession. The media stream, the STT stream, the commit router, the barge-in policy, the
 * interview's timers and the agent's speech all post these into the call's mailbox.
 */
import type { TimerName } from '../interview/index.js';
import type { MarkId } from '../media/audio-sink.js';
import type { StreamEndReason } from '../media/media-session.js';
import type { SttEvent } from '../stt/stt-stream.js';
import type { BargeInDecision } from '../turns/barge-in-policy.js';
import type { CommitDecision } from '../turns/commit-router.js';
import type { SpeechReport } from './agent-speech.js';

/**
 * Why the stream ended: the caller hung up (Twilio's `stop`, or the socket closed under us), we
 * hung up (the interview ended), or the service shut down and cut the call off (drain timeout).
 */
export type CallEndReason = 'caller_hung_up' | 'agent_hung_up' | 'server_shutdown' | 'erased';

export type CallInput =
  /** The stream started: the interview begins (the greeting plays). */
  | { type: 'call_started' }
  /** `atMs`: the frame's media timestamp. */
  | { type: 'media'; mulaw: Buffer; atMs: number }
  | { type: 'dtmf'; digit: string }
  | { type: 'mark_played'; mark: MarkId }
  | { type: 'stt_event'; event: SttEvent }
  /** The STT connection dropped after `sentUntilS` of audio; its results for that audio come late. */
  | { type: 'stt_gap'; sentUntilS: number }
  /** The STT stream failed for good (after its reconnect attempts). */
  | { type: 'stt_failed'; error: Error }
  /**
   * The commit router decided. `afterInterrupt`: a commit that talked over the agent, posted
   * again once the speech it interrupted has reported what was heard.
   */
  | { type: 'commit_decided'; decision: CommitDecision; afterInterrupt?: boolean }
  | { type: 'barge_in_decided'; decision: BargeInDecision }
  | { type: 'timer_fired'; timer: TimerName }
  /** The service's drain timeout ran out: a short goodbye, then the call ends. */
  | { type: 'service_draining' }
  | SpeechReport
  | { type: 'stream_ended'; reason: CallEndReason };

/** The call's reading of how the media stream ended. */
export function callEndReason(reason: StreamEndReason): CallEndReason {
  switch (reason) {
    case 'stop':
    case 'socket-closed':
      return 'caller_hung_up';
    case 'agent-hung-up':
      return 'agent_hung_up';
    case 'server-shutdown':
      return 'server_shutdown';
    case 'erased':
      return 'erased';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}
