import type { InterviewDefinition, InterviewStage, QuestionDefinition, StageDefinition } from './definition.js';
import {
  DEFAULT_MACHINE_OPTIONS,
  type InterviewOutcome,
  type MachineOptions,
  type RefusedProposal,
  type ReplyDirective,
  type SayPurpose,
  type TimerName,
} from './events.js';
import type { CallContext } from './greeting.js';

export type InterviewPhase = 'not_started' | 'interviewing' | 'saying_goodbye' | 'ended';

/** A speech the orchestrator has been asked for and has not yet reported finished. */
export interface PendingSpeech {
  speechId: string;
  purpose: SayPurpose | 'reply';
  /** Index of the stage it belongs to; a speech finishing after the stage changed marks nothing. */
  stageIndex: number;
  /** The planned question it asks, marked asked once heard. */
  question: QuestionDefinition | undefined;
  /** Set for replies, so one that only made a rejected tool call can be asked again. */
  directive: ReplyDirective | undefined;
  /** The LLM answered with a tool call the machine rejected. */
  toolRejected: boolean;
  /** Replies: whether the request offered the tool (a retry without it is the last LLM try). */
  toolsOffered: boolean;
}

/**
 * The whole interview state: plain data, never mutated by `transition` (it returns a new one).
 * Fields set to `undefined` mean "none" (kept required so copies stay simple).
 */
export interface InterviewState {
  readonly definition: InterviewDefinition;
  readonly options: Readonly<Required<MachineOptions>>;
  phase: InterviewPhase;
  context: CallContext | undefined;
  /** When `call_started` came, event clock ms (the call limit counts from it). */
  startedAtMs: number | undefined;
  stageIndex: number;
  /** Candidate turns answered in this stage (repeat requests excluded). */
  turnsInStage: number;
  followUpsUsed: number;
  /** Planned question ids asked (heard) in this stage. */
  askedQuestionIds: string[];
  /** The candidate's lines in this stage, to check the LLM's evidence quotes against. */
  candidateLines: string[];
  /** The last planned question heard in this stage (follow-ups refer to it). */
  currentQuestion: QuestionDefinition | undefined;
  /** Words to say again on "can you repeat that?". */
  lastQuestionText: string | undefined;
  pending: PendingSpeech[];
  nextSpeechNo: number;
  /** Proposals refused in this stage, for the stage's record. */
  refused: RefusedProposal[];
  /** The agent's last heard line, so nothing says it again verbatim right after. */
  lastAgentLine: string | undefined;
  /** Who spoke last (heard agent speech or a committed candidate turn). */
  lastSpeaker: 'agent' | 'candidate' | undefined;
  /** Armed timers and when they are due (event clock, ms); a fire before that is stale. */
  timers: Partial<Record<TimerName, number>>;
  /** When the current caller silence began (agent finished, nobody speaking), ms. */
  silenceSinceMs: number | undefined;
  silencePromptsGiven: number;
  candidateSpeaking: boolean;
  /** The current turn passed the stage's turn-length cap; the next reply steers back. */
  monologue: boolean;
  /** The stage budget ran out while someone was speaking; move on at the next turn boundary. */
  stageTimeUp: boolean;
  /** Set once the goodbye is decided: how the call will end, and the goodbye's speech id. */
  ending: { outcome: InterviewOutcome; reason: string; speechId: string | undefined } | undefined;
}

/** The state before `call_started`. */
export function initialState(definition: InterviewDefinition, options: MachineOptions = {}): InterviewState {
  return {
    definition,
    options: { ...DEFAULT_MACHINE_OPTIONS, ...options },
    phase: 'not_started',
    context: undefined,
    startedAtMs: undefined,
    stageIndex: 0,
    turnsInStage: 0,
    followUpsUsed: 0,
    askedQuestionIds: [],
    candidateLines: [],
    currentQuestion: undefined,
    lastQuestionText: undefined,
    pending: [],
    nextSpeechNo: 1,
    refused: [],
    lastAgentLine: undefined,
    lastSpeaker: undefined,
    timers: {},
    silenceSinceMs: undefined,
    silencePromptsGiven: 0,
    candidateSpeaking: false,
    monologue: false,
    stageTimeUp: false,
    ending: undefined,
  };
}

/** A copy deep enough that editing it never touches the original. */
export function copyState(state: InterviewState): InterviewState {
  return {
    ...state,
    askedQuestionIds: [...state.askedQuestionIds],
    candidateLines: [...state.candidateLines],
    pending: state.pending.map((p) => ({ ...p })),
    refused: [...state.refused],
    timers: { ...state.timers },
    ending: state.ending && { ...state.ending },
  };
}

export function stageAt(state: InterviewState): StageDefinition {
  const stage = state.definition.stages[state.stageIndex];
  if (!stage) throw new Error(`no stage at index ${state.stageIndex}`);
  return stage;
}

/** Where the interview is, as the record's `stage` field: `ended` once the call is over. */
export function currentStage(state: InterviewState): InterviewStage {
  return state.phase === 'ended' ? 'ended' : stageAt(state).name;
}

/** Planned questions of the current stage neither heard nor on their way. */
export function openQuestions(state: InterviewState): QuestionDefinition[] {
  const inFlight = new Set(
    state.pending.filter((p) => p.stageIndex === state.stageIndex && p.question).map((p) => p.question?.id),
  );
  return stageAt(state).questions.filter((q) => !state.askedQuestionIds.includes(q.id) && !inFlight.has(q.id));
}

/**
 * Whether the stage's planned questions are covered, the bar a proposal to finish must clear: every
 * planned question heard, and at least as many candidate answers as planned questions (one at
 * least). A model that proposes on every turn therefore still gets each question asked and answered.
 */
export function questionsCovered(state: InterviewState): boolean {
  const stage = stageAt(state);
  const allHeard = stage.questions.every((q) => state.askedQuestionIds.includes(q.id));
  return allHeard && state.turnsInStage >= Math.max(1, stage.questions.length);
}
