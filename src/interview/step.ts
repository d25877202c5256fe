import type { QuestionDefinition, StageName } from './definition.js';
import type {
  InterviewEffect,
  InterviewOutcome,
  RefusedProposal,
  ReplyDirective,
  SayPurpose,
  StageEndReason,
  TimerName,
} from './events.js';
import { verifiedEvidence } from './evidence.js';
import { buildSystemPrompt } from './prompts.js';
import { type InterviewState, openQuestions, type PendingSpeech, stageAt } from './state.js';
import { interviewTools } from './tools.js';

/**
 * One transition in progress: a private copy of the state, the effects so far and the event's time.
 * The building blocks (speak, timers, stage changes, goodbye) live here so the event handlers in
 * machine.ts read as the rules they implement.
 */
export class Step {
  readonly effects: InterviewEffect[] = [];

  constructor(
    readonly s: InterviewState,
    readonly atMs: number,
  ) {}

  get stageName(): StageName {
    return stageAt(this.s).name;
  }

  emit(effect: InterviewEffect): void {
    this.effects.push(effect);
  }

  startTimer(timer: TimerName, afterMs: number): void {
    const delay = Math.max(0, afterMs);
    this.s.timers[timer] = this.atMs + delay;
    this.emit({ type: 'start_timer', timer, afterMs: delay });
  }

  cancelTimer(timer: TimerName): void {
    if (this.s.timers[timer] === undefined) return;
    delete this.s.timers[timer];
    this.emit({ type: 'cancel_timer', timer });
  }

  cancelAllTimers(): void {
    for (const timer of Object.keys(this.s.timers) as TimerName[]) this.cancelTimer(timer);
  }

  private newSpeech(
    purpose: PendingSpeech['purpose'],
    question: QuestionDefinition | undefined,
    directive?: ReplyDirective,
  ): string {
    const speechId = `s${this.s.nextSpeechNo++}`;
    this.s.pending.push({
      speechId,
      purpose,
      stageIndex: this.s.stageIndex,
      question,
      directive,
      toolRejected: false,
      toolsOffered: false,
    });
    return speechId;
  }

  say(text: string, purpose: SayPurpose, options: { interruptible?: boolean; question?: QuestionDefinition } = {}) {
    // New speech ends a silence streak (it restarts when the speech is over); prompts belong to one.
    if (purpose !== 'silence_prompt') this.stopSilence();
    const speechId = this.newSpeech(purpose, options.question);
    const interruptible = options.interruptible ?? true;
    this.emit({ type: 'say', speechId, text, purpose, interruptible, stage: this.stageName });
    return speechId;
  }

  /** Asks the LLM for the next words, under the current stage's prompt. */
  requestReply(directive: ReplyDirective, options: { toolsOffered?: boolean } = {}): void {
    const stage = stageAt(this.s);
    const toolsOffered = options.toolsOffered ?? true;
    this.stopSilence();
    const question =
      directive.kind === 'ask_question' || (directive.kind === 'steer_back' && directive.questionId)
        ? stage.questions.find((q) => q.id === directive.questionId)
        : undefined;
    // Computed before the new speech is pending, so the question it asks still shows as open.
    const systemPrompt = buildSystemPrompt({
      definition: this.s.definition,
      stage,
      context: this.s.context ?? { role: 'open' },
      openQuestions: openQuestions(this.s),
      followUpsLeft: Math.max(0, stage.maxFollowUps - this.s.followUpsUsed),
      directive,
      toolsOffered,
    });
    const speechId = this.newSpeech('reply', question, directive);
    const pending = this.s.pending.at(-1);
    if (pending) pending.toolsOffered = toolsOffered;
    this.emit({
      type: 'request_reply',
      speechId,
      systemPrompt,
      tools: toolsOffered ? [...interviewTools] : [],
      directive,
      stage: stage.name,
      previousLine: this.s.lastAgentLine,
    });
  }

  /** Resets per-stage bookkeeping and enters the stage at `index`. */
  enterStage(index: number): void {
    const s = this.s;
    s.stageIndex = index;
    s.turnsInStage = 0;
    s.followUpsUsed = 0;
    s.askedQuestionIds = [];
    s.candidateLines = [];
    s.currentQuestion = undefined;
    s.monologue = false;
    s.stageTimeUp = false;
    s.refused = [];
    const stage = stageAt(s);
    this.emit({ type: 'stage_started', stage: stage.name, atMs: this.atMs });
    this.startTimer('stage', stage.timeBudgetMs);
  }

  endStage(reason: StageEndReason, notes = '', evidence: string[] = []): void {
    this.cancelTimer('stage');
    const { questions } = stageAt(this.s);
    const asked = (q: QuestionDefinition) => this.s.askedQuestionIds.includes(q.id);
    const first = questions[0];
    const unasked = first && !asked(first) ? unaskedReason(reason) : undefined;
    this.emit({
      type: 'stage_ended',
      stage: this.stageName,
      reason,
      notes,
      evidence,
      atMs: this.atMs,
      refused: [...this.s.refused],
      turns: this.s.turnsInStage,
      questionsAsked: questions.filter(asked).map((q) => q.text),
      questionsNotAsked: questions.filter((q) => !asked(q)).map((q) => q.text),
      ...(unasked ? { firstQuestionNotAsked: unasked } : {}),
    });
  }

  /** Keeps a refused proposal for the stage's record. */
  refuse(kind: RefusedProposal['kind'], named: string | undefined, reason: string): void {
    const atMs = this.atMs - (this.s.startedAtMs ?? 0);
    this.s.refused.push({ kind, ...(named ? { named } : {}), reason, atMs });
  }

  /**
   * Moves to the next stage (or, after closing, to the goodbye). The next stage opens with its
   * first question: verbatim after a forced move (behind the bridge phrase) or after a proposal
   * whose reply already spoke its acknowledgement (`spoke`), so no second LLM round trip; an LLM
   * reply (acknowledge, then ask) after a proposal that came alone.
   */
  advance(
    reason: StageEndReason,
    record: { notes: string; evidence: string[] } = { notes: '', evidence: [] },
    options: { spoke?: boolean } = {},
  ): void {
    const evidence = verifiedEvidence(record.evidence, this.s.candidateLines);
    this.endStage(reason, record.notes, evidence);
    const next = this.s.stageIndex + 1;
    if (next >= this.s.definition.stages.length) {
      this.beginGoodbye(
        'completed',
        `interview finished (closing ${reason})`,
        this.s.definition.phrases.goodbye.completed,
      );
      return;
    }
    this.enterStage(next);
    const first = stageAt(this.s).questions[0];
    if (!first) {
      this.requestReply({ kind: 'wrap_up' });
    } else if (reason === 'goal_met' && options.spoke) {
      this.say(first.text, 'bridge', { question: first });
    } else if (reason === 'goal_met') {
      this.requestReply({ kind: 'ask_question', questionId: first.id, questionText: first.text });
    } else {
      this.say(`${this.bridgePhrase()} ${first.text}`.trim(), 'bridge', { question: first });
    }
  }

  /** The bridge phrase; right after the agent's own line its leading thanks would be a second one. */
  private bridgePhrase(): string {
    const bridge = this.s.definition.phrases.bridge;
    if (this.s.lastSpeaker !== 'agent') return bridge;
    return bridge.replace(/^\s*(thank you|thanks)\b[^.!?]*[.!?]\s*/i, '');
  }

  /** Ends the current stage early for `stageReason` and says the goodbye that ends the call. */
  closeInterview(stageReason: StageEndReason, outcome: InterviewOutcome, reason: string, goodbye: string): void {
    this.endStage(stageReason);
    this.beginGoodbye(outcome, reason, goodbye);
  }

  private beginGoodbye(outcome: InterviewOutcome, reason: string, text: string): void {
    const s = this.s;
    this.cancelAllTimers();
    for (const speech of s.pending) this.emit({ type: 'cancel_speech', speechId: speech.speechId });
    s.pending = [];
    s.phase = 'saying_goodbye';
    s.silenceSinceMs = undefined;
    s.candidateSpeaking = false;
    const speechId = this.say(text, 'goodbye', { interruptible: false });
    s.ending = { outcome, reason, speechId };
    // The call limit is hard: no goodbye keeps the line open past it.
    const untilLimitMs = s.definition.maxCallMs - (this.atMs - (s.startedAtMs ?? 0));
    this.startTimer('goodbye', Math.min(s.options.goodbyeTimeoutMs, untilLimitMs));
  }

  /** The goodbye played (or the caller is gone): record the outcome, and close the stream if asked. */
  finishCall(outcome: InterviewOutcome, reason: string, hangUp: boolean): void {
    this.cancelAllTimers();
    this.s.pending = [];
    this.s.phase = 'ended';
    this.s.ending = { outcome, reason, speechId: this.s.ending?.speechId };
    this.emit({ type: 'end_call', outcome, reason, atMs: this.atMs });
    if (hangUp) this.emit({ type: 'hang_up' });
  }

  /** Starts a caller-silence streak now, with the first prompt after the definition's delay. */
  startSilence(): void {
    this.s.silenceSinceMs = this.atMs;
    this.s.silencePromptsGiven = 0;
    this.startTimer('silence', this.s.definition.silence.promptAfterMs);
  }

  stopSilence(): void {
    this.s.silenceSinceMs = undefined;
    this.s.silencePromptsGiven = 0;
    this.cancelTimer('silence');
  }
}

/** Why a stage ended before its first planned question was heard, for the record. */
function unaskedReason(reason: StageEndReason): string {
  switch (reason) {
    case 'timed_out':
      return 'the stage ran out of time before its first question was heard';
    case 'turn_limit':
      return 'the stage reached its turn limit before its first question was heard';
    case 'call_limit':
      return 'the call reached its time limit';
    case 'candidate_left':
      return 'the candidate left';
    case 'no_response':
      return 'the candidate stopped answering';
    case 'caller_hung_up':
      return 'the caller hung up';
    case 'server_shutdown':
      return 'the service shut down';
    case 'erased':
      return 'the call was erased';
    case 'error':
      return 'a technical problem ended the call';
    case 'goal_met':
      return 'the stage goal was met without it';
  }
}
