import type { InterviewDefinition } from './definition.js';
import type { InterviewEvent, MachineOptions, ReplyDirective, Transition } from './events.js';
import { greetingOpening, greetingPersonal } from './greeting.js';
import { describeLeaveReason, detectIntent, lastQuestionIn, wordCount } from './intents.js';
import { copyState, currentStage, type InterviewState, initialState, openQuestions, stageAt } from './state.js';
import { Step } from './step.js';
import { COMPLETE_STAGE_TOOL, parseCompleteStageArgs } from './tools.js';

/**
 * The interview state machine: `transition(state, event) → { state, effects }`, pure and clock-free.
 * It owns where the interview is. The LLM only writes words and may *propose* finishing the current
 * stage; stage and outcome change only through the rules below, never because of what anyone says
 * (except the few fixed intents: repeat, leave).
 */

export { currentStage, type InterviewState, initialState };

/** Shorthand: a fresh machine for `definition`. */
export function createInterview(definition: InterviewDefinition, options: MachineOptions = {}): InterviewState {
  return initialState(definition, options);
}

export function transition(state: InterviewState, event: InterviewEvent): Transition<InterviewState> {
  const step = new Step(copyState(state), event.atMs);
  switch (event.type) {
    case 'call_started':
      onCallStarted(step, event);
      break;
    case 'candidate_speech_started':
      onSpeechStarted(step);
      break;
    case 'candidate_utterance_committed':
      onUtterance(step, event);
      break;
    case 'agent_speech_finished':
      onSpeechFinished(step, event);
      break;
    case 'llm_tool_called':
      onToolCalled(step, event);
      break;
    case 'timer_fired':
      onTimerFired(step, event);
      break;
    case 'dtmf_received':
      onDtmf(step, event);
      break;
    case 'caller_hung_up':
      onHangUp(step);
      break;
    case 'error_occurred':
      onError(step, event);
      break;
  }
  return { state: step.s, effects: step.effects };
}

type EventOf<T extends InterviewEvent['type']> = Extract<InterviewEvent, { type: T }>;

function onCallStarted(step: Step, event: EventOf<'call_started'>): void {
  const s = step.s;
  if (s.phase !== 'not_started') return;
  s.phase = 'interviewing';
  s.context = event.context;
  step.startTimer('call', s.definition.maxCallMs);
  step.enterStage(0);
  // The disclosure must be heard whole, so barge-in does not cut the opening.
  step.say(greetingOpening(s.definition), 'greeting_opening', { interruptible: false });
  step.say(greetingPersonal(s.definition, event.context), 'greeting');
}

function onSpeechStarted(step: Step): void {
  const s = step.s;
  if (s.phase !== 'interviewing' || s.candidateSpeaking) return;
  s.candidateSpeaking = true;
  step.stopSilence();
  step.startTimer('monologue', stageAt(s).maxTurnLengthMs);
}

function onUtterance(step: Step, event: EventOf<'candidate_utterance_committed'>): void {
  const s = step.s;
  if (s.phase !== 'interviewing') return;
  s.candidateSpeaking = false;
  step.cancelTimer('monologue');
  step.stopSilence();
  const text = event.text.trim();
  if (text === '') return;
  const stage = stageAt(s);
  if (event.spokeForMs !== undefined && event.spokeForMs >= stage.maxTurnLengthMs) s.monologue = true;

  const intent = detectIntent(text);
  if (intent.kind === 'leave') {
    // Leaving during the closing still means every stage was covered.
    const outcome = stage.name === 'closing' ? 'completed' : 'candidate_ended';
    s.candidateLines.push(text);
    step.closeInterview(
      'candidate_ended',
      outcome,
      describeLeaveReason(intent.reason),
      s.definition.phrases.goodbye.candidateEnded,
    );
    return;
  }
  if (intent.kind === 'repeat' && s.lastQuestionText) {
    step.say(`${s.definition.phrases.repeatPrefix} ${s.lastQuestionText}`, 'repeat');
    return;
  }

  s.candidateLines.push(text);
  s.turnsInStage += 1;
  if (s.stageTimeUp) return step.advance('timed_out');
  if (s.turnsInStage >= stage.maxTurns) return step.advance('turn_limit');
  step.requestReply(chooseDirective(s, text));
  s.monologue = false;
}

/** What the next reply should do, from the stage's progress (never from the candidate's instructions). */
function chooseDirective(s: InterviewState, answer: string): ReplyDirective {
  const next = openQuestions(s)[0];
  if (s.monologue) {
    return next ? { kind: 'steer_back', questionId: next.id, questionText: next.text } : { kind: 'steer_back' };
  }
  if (answer.endsWith('?')) return { kind: 'answer_candidate' };
  const current = s.currentQuestion;
  if (current && s.followUpsUsed < stageAt(s).maxFollowUps && wordCount(answer) < s.options.shortAnswerWords) {
    s.followUpsUsed += 1;
    return { kind: 'follow_up', questionId: current.id, questionText: current.text };
  }
  if (next) return { kind: 'ask_question', questionId: next.id, questionText: next.text };
  return { kind: 'wrap_up' };
}

function onSpeechFinished(step: Step, event: EventOf<'agent_speech_finished'>): void {
  const s = step.s;
  const speech = s.pending.find((p) => p.speechId === event.speechId);
  if (!speech) return;
  s.pending = s.pending.filter((p) => p !== speech);
  if (s.phase === 'saying_goodbye' && s.ending?.speechId === speech.speechId) {
    step.finishCall(s.ending.outcome, s.ending.reason, true);
    return;
  }
  if (s.phase !== 'interviewing') return;

  const heard = event.heardText.trim();
  if (speech.stageIndex === s.stageIndex && heard !== '') {
    if (speech.question && !s.askedQuestionIds.includes(speech.question.id)) {
      s.askedQuestionIds.push(speech.question.id);
      s.currentQuestion = speech.question;
    }
    if (speech.purpose !== 'silence_prompt' && speech.purpose !== 'repeat' && speech.purpose !== 'greeting_opening') {
      const asked = event.interrupted ? undefined : lastQuestionIn(heard);
      s.lastQuestionText = asked ?? speech.question?.text ?? s.lastQuestionText;
    }
  }
  // A reply that was only a rejected tool call said nothing: ask again, this time without tools.
  if (speech.toolRejected && heard === '' && speech.directive && speech.stageIndex === s.stageIndex) {
    step.requestReply(speech.directive, { toolsOffered: false });
    return;
  }
  // Silence prompts continue the streak they belong to; any other speech starts a new one.
  if (s.pending.length === 0 && !s.candidateSpeaking && speech.purpose !== 'silence_prompt') step.startSilence();
}

function onToolCalled(step: Step, event: EventOf<'llm_tool_called'>): void {
  const s = step.s;
  const { call } = event;
  const reply = s.pending.find((p) => p.speechId === event.speechId);
  const ignore = (reason: string) => {
    if (reply) reply.toolRejected = true;
    step.emit({
      type: 'answer_tool_call',
      toolCallId: call.id,
      content: `Not accepted: ${reason}. Continue the current stage.`,
    });
    if (s.phase !== 'ended')
      step.emit({ type: 'proposal_ignored', stage: stageAt(s).name, toolName: call.name, reason });
  };
  if (s.phase !== 'interviewing') return ignore('the interview is ending');
  if (call.name !== COMPLETE_STAGE_TOOL) return ignore(`unknown tool "${call.name}"`);
  const parsed = parseCompleteStageArgs(call.arguments);
  if (!parsed.ok) return ignore(`invalid arguments (${parsed.error})`);
  const stage = stageAt(s);
  if (parsed.args.stage !== stage.name) {
    return ignore(`it names stage "${parsed.args.stage}" but the current stage is "${stage.name}"`);
  }
  if (s.turnsInStage === 0) return ignore('the candidate has not answered anything in this stage yet');
  if (reply && reply.stageIndex !== s.stageIndex) return ignore('it comes from a reply of an earlier stage');

  const next = s.definition.stages[s.stageIndex + 1]?.name;
  // The reply that proposed it may be saying its brief acknowledgement: the goodbye that ends
  // the last stage must not cut that off, so it is no longer pending speech to cancel.
  if (!next && reply) s.pending = s.pending.filter((p) => p !== reply);
  step.emit({
    type: 'answer_tool_call',
    toolCallId: call.id,
    content: next ? `Accepted. The interview is now in stage "${next}".` : 'Accepted. The interview is ending.',
  });
  step.advance('completed', { notes: parsed.args.notes, evidence: parsed.args.evidence });
}

function onTimerFired(step: Step, event: EventOf<'timer_fired'>): void {
  const s = step.s;
  const due = s.timers[event.timer];
  // Cancelled, replaced or early: a stale fire the orchestrator could not stop in time.
  if (due === undefined || event.atMs < due) return;
  delete s.timers[event.timer];
  if (event.timer === 'goodbye') {
    if (s.phase === 'saying_goodbye' && s.ending) step.finishCall(s.ending.outcome, s.ending.reason, true);
    return;
  }
  if (s.phase !== 'interviewing') return;
  const phrases = s.definition.phrases;
  switch (event.timer) {
    case 'call':
      step.closeInterview('call_limit', 'completed', 'whole-call time limit reached', phrases.goodbye.callLimit);
      return;
    case 'stage':
      // Never bridge over someone speaking: move on at the next turn boundary instead.
      if (s.candidateSpeaking || s.pending.length > 0) s.stageTimeUp = true;
      else step.advance('timed_out');
      return;
    case 'monologue':
      s.monologue = true;
      step.emit({ type: 'monologue_detected', stage: stageAt(s).name, atMs: event.atMs });
      // If no commit follows (the "speech" was noise), the silence ladder resumes from here.
      s.candidateSpeaking = false;
      step.startSilence();
      return;
    case 'silence':
      onSilence(step, event.atMs);
      return;
  }
}

function onSilence(step: Step, atMs: number): void {
  const s = step.s;
  if (s.silenceSinceMs === undefined) return;
  if (s.stageTimeUp) return step.advance('timed_out');
  const silentForMs = atMs - s.silenceSinceMs;
  const { silence, phrases } = s.definition;
  if (s.silencePromptsGiven === 0) {
    s.silencePromptsGiven = 1;
    step.say(phrases.takeYourTime, 'silence_prompt');
    step.startTimer('silence', silence.secondPromptAfterMs - silentForMs);
  } else if (s.silencePromptsGiven === 1) {
    s.silencePromptsGiven = 2;
    step.say(phrases.stillThere, 'silence_prompt');
    step.startTimer('silence', silence.hangUpAfterMs - silentForMs);
  } else {
    step.closeInterview('no_response', 'no_response', `no answer for ${silentForMs} ms`, phrases.goodbye.noResponse);
  }
}

function onDtmf(step: Step, event: EventOf<'dtmf_received'>): void {
  const s = step.s;
  step.emit({ type: 'dtmf_logged', digit: event.digit, stage: currentStage(s), atMs: event.atMs });
  if (event.digit === '0' && s.options.dtmfZeroEndsCall && s.phase === 'interviewing') {
    step.closeInterview(
      'candidate_ended',
      'candidate_ended',
      'candidate pressed 0',
      s.definition.phrases.goodbye.candidateEnded,
    );
  }
}

function onHangUp(step: Step): void {
  const s = step.s;
  if (s.phase === 'ended') return;
  if (s.phase === 'saying_goodbye' && s.ending) {
    // The outcome was decided before the goodbye; hanging up during it changes nothing.
    step.finishCall(s.ending.outcome, s.ending.reason, false);
    return;
  }
  if (s.phase === 'interviewing') {
    step.cancelAllTimers();
    step.emit({
      type: 'stage_ended',
      stage: stageAt(s).name,
      reason: 'caller_hung_up',
      notes: '',
      evidence: [],
      atMs: step.atMs,
    });
  }
  step.finishCall('caller_hung_up', 'caller hung up', false);
}

function onError(step: Step, event: EventOf<'error_occurred'>): void {
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
