import { onCallErased, onError, onHangUp, onServiceDraining, onServiceShutDown } from './call-ends.js';
import type { InterviewDefinition } from './definition.js';
import type { InterviewEvent, MachineOptions, ReplyDirective, Transition } from './events.js';
import { fallbackLine, pickDifferent } from './fallback-lines.js';
import { greetingOpening, greetingPersonal } from './greeting.js';
import { describeLeaveReason, detectIntent, lastQuestionIn, wordCount } from './intents.js';
import { onGoodbyeSaid, onToolCalled } from './proposals.js';
import {
  copyState,
  currentStage,
  type InterviewState,
  initialState,
  openQuestions,
  questionsCovered,
  stageAt,
} from './state.js';
import { Step } from './step.js';

/**
 * The interview state machine: `transition(state, event) → { state, effects }`, pure and clock-free.
 * It owns where the interview is. The LLM only writes words and may *propose* finishing the current
 * stage; stage and outcome change only through the rules below, never because of what anyone says
 * (except the few fixed intents: repeat, leave).
 */

export { CALL_ERASED_REASON, SERVICE_SHUT_DOWN_REASON, SHUTDOWN_GOODBYE } from './call-ends.js';
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
    case 'llm_said_goodbye':
      onGoodbyeSaid(step, event);
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
    case 'service_shut_down':
      onServiceShutDown(step);
      break;
    case 'service_draining':
      onServiceDraining(step);
      break;
    case 'call_erased':
      onCallErased(step);
      break;
    case 'error_occurred':
      onError(step, event);
      break;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
  return { state: step.s, effects: step.effects };
}

type EventOf<T extends InterviewEvent['type']> = Extract<InterviewEvent, { type: T }>;

function onCallStarted(step: Step, event: EventOf<'call_started'>): void {
  const s = step.s;
  if (s.phase !== 'not_started') return;
  s.phase = 'interviewing';
  s.context = event.context;
  s.startedAtMs = event.atMs;
  // The limit is hard: its goodbye starts early enough to be over by maxCallMs.
  const { maxCallMs } = s.definition;
  step.startTimer('call', maxCallMs - Math.min(s.options.goodbyeTimeoutMs, maxCallMs / 4));
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
  s.lastSpeaker = 'candidate';
  const stage = stageAt(s);
  if (event.spokeForMs !== undefined && event.spokeForMs >= stage.maxTurnLengthMs) s.monologue = true;

  const intent = detectIntent(text);
  if (intent.kind === 'leave') {
    // Leaving during the closing still means every stage was covered.
    const outcome = stage.name === 'closing' ? 'completed' : 'candidate_ended';
    s.candidateLines.push(text);
    step.closeInterview(
      'candidate_left',
      outcome,
      describeLeaveReason(intent.reason),
      s.definition.phrases.goodbye.candidateEnded,
    );
    return;
  }
  if (intent.kind === 'repeat' && s.lastQuestionText) {
    const again = s.lastQuestionText;
    step.say(pickDifferent([`${s.definition.phrases.repeatPrefix} ${again}`, again], s.lastAgentLine), 'repeat');
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
  const heard = event.heardText.trim();
  if (heard !== '') {
    s.lastAgentLine = heard;
    s.lastSpeaker = 'agent';
  }
  if (s.phase === 'saying_goodbye' && s.ending?.speechId === speech.speechId) {
    step.finishCall(s.ending.outcome, s.ending.reason, true);
    return;
  }
  if (s.phase !== 'interviewing') return;

  // A reply meant to ask a planned question that asked nothing (the model only acknowledged):
  // the machine asks it, verbatim, so no question is marked asked unheard.
  const askedNothing = speech.purpose === 'reply' && !event.interrupted && !asksSomething(heard);
  if (askedNothing && heard !== '' && speech.question && speech.stageIndex === s.stageIndex) {
    return void step.say(speech.question.text, 'fallback', { question: speech.question });
  }
  if (speech.stageIndex === s.stageIndex && heard !== '') {
    // Cut off, the question may not have been heard: it stays open (and is asked again).
    if (speech.question && !event.interrupted && !s.askedQuestionIds.includes(speech.question.id)) {
      s.askedQuestionIds.push(speech.question.id);
      s.currentQuestion = speech.question;
    }
    if (speech.purpose !== 'silence_prompt' && speech.purpose !== 'repeat' && speech.purpose !== 'greeting_opening') {
      const asked = event.interrupted ? undefined : lastQuestionIn(heard);
      s.lastQuestionText = asked ?? speech.question?.text ?? s.lastQuestionText;
    }
  }
  // A reply of this stage that said nothing (tool only, empty, punctuation, filtered words): the
  // agent must not fall silent. A rejected tool-only reply gets one more try without tools;
  // otherwise the machine says its own line.
  const silentReply = speech.purpose === 'reply' && heard === '' && !event.interrupted;
  if (silentReply && speech.directive && speech.stageIndex === s.stageIndex) {
    if (speech.toolRejected && speech.toolsOffered) return step.requestReply(speech.directive, { toolsOffered: false });
    return speakInstead(step, speech.directive);
  }
  // The budget ran out while this was being said: the sentence is over, move on now.
  if (s.stageTimeUp && s.pending.length === 0 && !s.candidateSpeaking) return step.advance('timed_out');
  // Silence prompts continue the streak they belong to; any other speech starts a new one.
  if (s.pending.length === 0 && !s.candidateSpeaking && speech.purpose !== 'silence_prompt') step.startSilence();
}

/** A question mark, or a spoken request ("Tell me about…", "Walk me through…"). */
function asksSomething(text: string): boolean {
  return lastQuestionIn(text) !== undefined || /\b(tell me|describe|walk me|talk me|share|explain)\b/i.test(text);
}

/** The machine's own line for a reply that had nothing to say (see fallback-lines.ts). */
function speakInstead(step: Step, directive: ReplyDirective): void {
  const s = step.s;
  if (directive.kind === 'wrap_up' && questionsCovered(s)) {
    const notes = 'Every planned question was answered; the model had nothing more to ask.';
    return step.advance('goal_met', { notes, evidence: [] });
  }
  const questionId = 'questionId' in directive ? directive.questionId : undefined;
  const question = stageAt(s).questions.find((q) => q.id === questionId);
  step.say(fallbackLine(directive, s.lastAgentLine), 'fallback', question ? { question } : {});
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
    step.closeInterview(
      'no_response',
      'no_response',
      `no answer for ${Math.round(silentForMs)} ms`,
      phrases.goodbye.noResponse,
    );
  }
}

function onDtmf(step: Step, event: EventOf<'dtmf_received'>): void {
  const s = step.s;
  step.emit({ type: 'dtmf_logged', digit: event.digit, stage: currentStage(s), atMs: event.atMs });
  if (event.digit === '0' && s.options.dtmfZeroEndsCall && s.phase === 'interviewing') {
    step.closeInterview(
      'candidate_left',
      'candidate_ended',
      'candidate pressed 0',
      s.definition.phrases.goodbye.candidateEnded,
    );
  }
}
