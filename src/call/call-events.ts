/**
 * What happened in a call, in the past tense, for observers that only watch: turn latency (and
 * the record's latency entries), metrics and the bench summary. Observers never change the call;
 * the call never waits for them. Times named `…AtMs` are on the media clock (ms of stream time).
 */
import type { CallOutcome } from '../store/call-store.js';
import type { CommitDecision } from '../turns/commit-router.js';
import type { ReplyAudioTimings } from './reply-audio.js';

/** A speech queued by a transition, and whether it was a speculation adopted as it was. */
export interface QueuedSpeech {
  speechId: string;
  speculative: boolean;
}

/** Why work was thrown away: a speculation that did not fit the commit, or a commit taken back. */
export type WasteReason = 'speculation' | 'taken_back';

export type CallEvent =
  /** The commit router decided (speculate, invalidate, commit, resume), as it counts them. */
  | { type: 'commit_decided'; decision: CommitDecision }
  /**
   * A caller utterance was committed and the machine has answered it. `answeredBy`: the first
   * speech the commit queued (none: the turn asked for no speech and measures nothing).
   */
  | {
      type: 'utterance_committed';
      utteranceId: number;
      speechEndAtMs: number;
      commitAtMs: number;
      answeredBy: QueuedSpeech | undefined;
    }
  /** The caller went on before hearing the reply: the commit never happened. */
  | { type: 'commit_taken_back'; utteranceId: number; withdrawn: readonly string[] }
  /** LLM calls and TTS characters spent on replies the caller never heard. */
  | { type: 'work_wasted'; reason: WasteReason; llmCalls: number; ttsCharacters: number }
  /**
   * An LLM reply finished generating. `spoke`: it had text to say. `handedTo`: the first speech
   * its tool calls queued (a reply that only called a tool hands its turn on to that one).
   */
  | {
      type: 'reply_generated';
      speechId: string;
      firstTokenAtMs: number | undefined;
      spoke: boolean;
      handedTo: QueuedSpeech | undefined;
    }
  /** A speech is over (heard to its end, interrupted or cancelled), with its audio timings. */
  | { type: 'speech_ended'; speechId: string; heardText: string; interrupted: boolean; timings: ReplyAudioTimings }
  /** The caller talked over the agent and was let in; `stopMs` from their onset to the clear. */
  | { type: 'barged_in'; stopMs: number }
  | { type: 'backchannel_ignored' }
  | { type: 'call_ended'; outcome: CallOutcome };

export interface CallObserver {
  observe(event: CallEvent): void;
}
