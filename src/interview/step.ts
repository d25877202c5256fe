import type { QuestionDefinition, StageName } from './definition.js';
import type {
  InterviewEffect,
  InterviewOutcome,
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
    this.emit({
      type: 'request_reply',
      speechId,
      systemPrompt,
      tools: toolsOffered ? [...interviewTools] : [],
      directive,
      stage: stage.name,
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
    const stage = stageAt(s);
    this.emit({ type: 'stage_started', stage: stage.name, atMs: this.atMs });
    this.startTimer('stage', stage.timeBudgetMs);
  }

  private endStage(reason: StageEndReason, notes = '', evidence: string[] = []): void {
    this.cancelTimer('stage');
    this.emit({ type: 'stage_ended', stage: this.stageName, reason, notes, evidence, atMs: this.atMs });
  }

  /**
   * Moves to the next stage (or, after closing, to the goodbye). A stage the LLM completed opens
   * with an LLM reply; a forced move opens with the fixed bridge and the next first question verbatim.
   */
  advance(reason: StageEndReason, record: { notes: string; evidence: string[] } = { notes: '', evidence: [] }): void {
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
    } else if (reason === 'completed') {
      this.requestReply({ kind: 'ask_question', questionId: first.id, questionText: first.text });
    } else {
      this.say(`${this.s.definition.phrases.bridge} ${first.text}`, 'bridge', { question: first });
    }
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
    this.startTimer('goodbye', s.options.goodbyeTimeoutMs);
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
