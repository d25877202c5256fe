import type { ToolCall, ToolSpec } from '../llm/reply-stream.js';
import type { InterviewStage, StageName } from './definition.js';
import type { CallContext } from './greeting.js';

/**
 * The boundary between the interview machine and the call orchestrator.
 * Events (past tense) go in, each stamped with the orchestrator's clock (`atMs`); effects come
 * out, in the order the orchestrator must carry them out. The machine has no clock and no I/O.
 */

/** Timers the machine asks the orchestrator to run; a `start_timer` replaces one of the same name. */
export type TimerName =
  /** The current stage's time budget. */
  | 'stage'
  /** The whole-call limit. */
  | 'call'
  /** Caller silence after the agent finished speaking. */
  | 'silence'
  /** The current candidate turn's length cap (monologue). */
  | 'monologue'
  /** Safety net: hang up even if the goodbye's last mark never comes back. */
  | 'goodbye';

export type InterviewEvent =
  | { type: 'call_started'; atMs: number; context: CallContext }
  /**
   * The candidate began a turn (the STT heard words, not mere noise). Optional but recommended:
   * it stops silence prompts at once and arms the monologue cap.
   */
  | { type: 'candidate_speech_started'; atMs: number }
  /** The router committed a candidate utterance. `spokeForMs`: how long the turn lasted, if known. */
  | { type: 'candidate_utterance_committed'; atMs: number; text: string; spokeForMs?: number }
  /**
   * A `say` or `request_reply` is over: played to its last mark, interrupted, or (for a reply that
   * only called a tool) produced no speech. Report it for every speech id, exactly once.
   * `heardText`: what the caller heard (all of it when played to the end; '' when nothing played).
   * For the goodbye this is "the last mark came back".
   */
  | { type: 'agent_speech_finished'; atMs: number; speechId: string; heardText: string; interrupted: boolean }
  /** The LLM, answering `request_reply` `speechId`, called a tool (e.g. proposed `complete_stage`). */
  | {
      type: 'llm_tool_called';
      atMs: number;
      speechId: string;
      call: ToolCall;
      /** What the reply carrying the call will speak ('' for a tool-only reply). */
      spokenText?: string;
    }
  /**
   * The LLM, answering `speechId`, ended the conversation in its own words ("…Goodbye!"). Those
   * words were not spoken (only the machine's goodbye is); in `closing` it counts as a proposal to finish.
   */
  | { type: 'llm_said_goodbye'; atMs: number; speechId: string }
  /** A timer from `start_timer` ran out (and was not cancelled or replaced since). */
  | { type: 'timer_fired'; atMs: number; timer: TimerName }
  | { type: 'dtmf_received'; atMs: number; digit: string }
  | { type: 'caller_hung_up'; atMs: number }
  /**
   * The service is shutting down and cut the call off (its drain timeout ran out): the record
   * shows the service's reason and outcome, never the candidate's.
   */
  | { type: 'service_shut_down'; atMs: number }
  /** The call was erased while live (the recruiter API or the console): it ends at once, the erasure's doing. */
  | { type: 'call_erased'; atMs: number }
  /**
   * The service's drain timeout ran out with the call still up: the agent says a short goodbye
   * and ends the call as the service's doing (outcome `failed`, never the candidate's).
   */
  | { type: 'service_draining'; atMs: number }
  /** Something the call cannot recover from (LLM or TTS down after retries); the agent apologises and ends. */
  | { type: 'error_occurred'; atMs: number; reason: string };

/** Why a stage ended, for the record. */
export type StageEndReason =
  /** A vetted proposal (or, after every planned question was answered, a reply with nothing to say). */
  | 'goal_met'
  | 'timed_out'
  | 'turn_limit'
  | 'call_limit'
  | 'candidate_left'
  | 'no_response'
  | 'caller_hung_up'
  | 'server_shutdown'
  /** The call was erased while this stage was open. */
  | 'erased'
  | 'error';

/** How the interview ended; the subset of the contract's record `outcome` the machine decides. */
export type InterviewOutcome = 'completed' | 'candidate_ended' | 'no_response' | 'caller_hung_up' | 'failed';

/** What a fixed `say` is for; lets the orchestrator log it and pick cached audio for the opening. */
export type SayPurpose =
  | 'greeting_opening'
  | 'greeting'
  /** The next stage's first question after a forced move (with the bridge phrase) or an accepted proposal. */
  | 'bridge'
  | 'silence_prompt'
  | 'repeat'
  /** Said in place of an LLM reply that had nothing to say (empty, punctuation, only filtered words). */
  | 'fallback'
  | 'goodbye';

/** A proposal (or a model's own goodbye) the machine refused, kept in the stage's record. */
export interface RefusedProposal {
  /** A `complete_stage` call (or another tool), or the model's own goodbye. */
  kind: 'complete_stage' | 'farewell';
  /** The stage it named, if any. */
  named?: string;
  reason: string;
  /** Call time: ms since `call_started`. */
  atMs: number;
}

/** What the machine wants the next LLM reply to do; the system prompt spells it out for the LLM. */
export type ReplyDirective =
  /** Acknowledge briefly, then ask this planned question (marked asked once the reply is heard). */
  | { kind: 'ask_question'; questionId: string; questionText: string }
  /** Ask one short follow-up about the candidate's answer to this (already asked) question. */
  | { kind: 'follow_up'; questionId: string; questionText: string }
  /** The candidate asked something: answer briefly, then invite them back to the stage. */
  | { kind: 'answer_candidate' }
  /** The candidate talked past the turn-length cap: thank them, steer back, ask the next question if any. */
  | { kind: 'steer_back'; questionId?: string; questionText?: string }
  /** The planned questions are covered: close any gap toward the goal, or call `complete_stage`. */
  | { kind: 'wrap_up' };

export type InterviewEffect =
  /** For the record: the stage is entered (the contract's `stages[].startedAt`). */
  | { type: 'stage_started'; stage: StageName; atMs: number }
  /** For the record: the stage is over, why, and the LLM's notes with verified quotes (empty when forced). */
  | {
      type: 'stage_ended';
      stage: StageName;
      reason: StageEndReason;
      notes: string;
      evidence: string[];
      atMs: number;
      /** Proposals refused in this stage, with their reasons. */
      refused: RefusedProposal[];
      /** Candidate turns answered in the stage. */
      turns: number;
      /** Planned questions heard, and those never heard, as their texts. */
      questionsAsked: string[];
      questionsNotAsked: string[];
      /** Set when the stage ended without its first planned question heard: why. */
      firstQuestionNotAsked?: string;
    }
  /**
   * Speak fixed text, no LLM. Queue behind any speech already playing. `interruptible: false` means
   * barge-in must not clear it (the AI/recording disclosure, the goodbye).
   */
  | { type: 'say'; speechId: string; text: string; purpose: SayPurpose; interruptible: boolean; stage: StageName }
  /**
   * Generate and speak an LLM reply: `systemPrompt` + the conversation so far (what was heard) as
   * messages, with `tools`. Queue behind any speech already playing; always interruptible.
   */
  | {
      type: 'request_reply';
      speechId: string;
      systemPrompt: string;
      tools: ToolSpec[];
      directive: ReplyDirective;
      stage: StageName;
      /** The agent's last heard line: the reply must not say its sentences again verbatim. */
      previousLine: string | undefined;
    }
  /** Drop a queued or playing speech (the interview is ending); no `agent_speech_finished` is needed for it. */
  | { type: 'cancel_speech'; speechId: string }
  /** Append this `tool` message for the call to the LLM history (every tool call gets one). */
  | { type: 'answer_tool_call'; toolCallId: string; content: string }
  /** For logs and metrics: a `complete_stage` (or other tool call) the machine did not act on. */
  | { type: 'proposal_ignored'; stage: StageName; toolName: string; reason: string }
  | { type: 'start_timer'; timer: TimerName; afterMs: number }
  | { type: 'cancel_timer'; timer: TimerName }
  /** The candidate passed the turn-length cap; the next reply steers back (the orchestrator may commit sooner). */
  | { type: 'monologue_detected'; stage: StageName; atMs: number }
  /** For the record and logs: a keypad digit. */
  | { type: 'dtmf_logged'; digit: string; stage: InterviewStage; atMs: number }
  /** The interview is over: the record's `stage` becomes `ended` with this outcome. */
  | { type: 'end_call'; outcome: InterviewOutcome; reason: string; atMs: number }
  /** Close the media stream now (the goodbye has played), which ends the phone call. */
  | { type: 'hang_up' };

/** Options of one machine instance. */
export interface MachineOptions {
  /** Pressing 0 ends the call politely (Config.dtmfZeroEndsCall). Default false. */
  dtmfZeroEndsCall?: boolean;
  /**
   * Longest wait for the goodbye's last mark before hanging up anyway, ms. Default 15000. It is
   * also the time kept for the call-limit goodbye: that goodbye starts `min(goodbyeTimeoutMs,
   * maxCallMs / 4)` before `maxCallMs`, and no goodbye waits past `maxCallMs`.
   */
  goodbyeTimeoutMs?: number;
  /** An answer of fewer words earns a follow-up while the stage has follow-ups left, words. Default 8. */
  shortAnswerWords?: number;
}

export const DEFAULT_MACHINE_OPTIONS: Readonly<Required<MachineOptions>> = {
  dtmfZeroEndsCall: false,
  goodbyeTimeoutMs: 15_000,
  shortAnswerWords: 8,
};

export interface Transition<S> {
  state: S;
  effects: InterviewEffect[];
}
