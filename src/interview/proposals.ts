import type { InterviewEvent } from './events.js';
import { type InterviewState, openQuestions, questionsCovered, stageAt } from './state.js';
import type { Step } from './step.js';
import { COMPLETE_STAGE_TOOL, parseCompleteStageArgs } from './tools.js';

/**
 * What the model may propose, and how the machine vets it. Every tool call gets a tool answer the
 * model can act on (accepted, or why not and what to do instead); every refusal is also kept in
 * the stage's record.
 *
 * - `complete_stage` naming the current stage or the next one means "finish the current stage"
 *   (models read "the stage being completed" both ways); any other stage is refused.
 * - It is accepted only once the stage's planned questions are covered (`questionsCovered`), so a
 *   model that proposes on every turn still gets each question asked and answered first.
 * - A proposal from a reply of a stage that is already over (a repeat in the same message, a late
 *   reply) is refused; so is anything while the goodbye is under way.
 * - The model's own goodbye is never spoken (the speech filters it); in `closing`, once covered,
 *   it counts as a proposal to finish, before that it is refused.
 */

type EventOf<T extends InterviewEvent['type']> = Extract<InterviewEvent, { type: T }>;

export function onToolCalled(step: Step, event: EventOf<'llm_tool_called'>): void {
  const s = step.s;
  const { call } = event;
  const reply = s.pending.find((p) => p.speechId === event.speechId);
  const refuse = (named: string | undefined, reason: string, advice: string) => {
    if (reply) reply.toolRejected = true;
    step.emit({ type: 'answer_tool_call', toolCallId: call.id, content: `Not accepted: ${reason}. ${advice}` });
    if (s.phase !== 'interviewing') return;
    step.emit({ type: 'proposal_ignored', stage: stageAt(s).name, toolName: call.name, reason });
    step.refuse('complete_stage', named, reason);
  };
  const carryOn = `Continue the current stage, "${s.phase === 'ended' ? 'ended' : stageAt(s).name}".`;
  if (s.phase !== 'interviewing') return refuse(undefined, 'the interview is ending', 'Say nothing more.');
  if (reply && reply.stageIndex !== s.stageIndex) {
    return refuse(undefined, 'the stage it was meant for is already over', carryOn);
  }
  if (call.name !== COMPLETE_STAGE_TOOL) {
    return refuse(undefined, `unknown tool "${call.name}"`, `The only tool is ${COMPLETE_STAGE_TOOL}. ${carryOn}`);
  }
  const parsed = parseCompleteStageArgs(call.arguments);
  if (!parsed.ok) {
    const advice = `Call ${COMPLETE_STAGE_TOOL} again with a JSON object {"stage", "notes", "evidence"} when the stage is done.`;
    return refuse(undefined, `invalid arguments (${parsed.error})`, advice);
  }
  const stage = stageAt(s);
  const next = s.definition.stages[s.stageIndex + 1]?.name;
  const named = parsed.args.stage;
  if (named !== stage.name && named !== next) {
    return refuse(
      named,
      `it names stage "${named}" but the current stage is "${stage.name}" and only it can be finished now`,
      carryOn,
    );
  }
  if (!questionsCovered(s)) return refuse(named, notCoveredReason(s), carryOn);

  // The reply that proposed it may be saying its brief acknowledgement: the goodbye that ends
  // the last stage must not cut that off, so it is no longer pending speech to cancel.
  if (!next && reply) s.pending = s.pending.filter((p) => p !== reply);
  step.emit({
    type: 'answer_tool_call',
    toolCallId: call.id,
    content: next ? `Accepted. The interview is now in stage "${next}".` : 'Accepted. The interview is ending.',
  });
  const spoke = (event.spokenText ?? '').trim() !== '';
  step.advance('goal_met', { notes: parsed.args.notes, evidence: parsed.args.evidence }, { spoke });
}

export function onGoodbyeSaid(step: Step, event: EventOf<'llm_said_goodbye'>): void {
  const s = step.s;
  const reply = s.pending.find((p) => p.speechId === event.speechId);
  if (s.phase !== 'interviewing' || !reply || reply.stageIndex !== s.stageIndex) return;
  const stage = stageAt(s);
  if (stage.name === 'closing' && questionsCovered(s)) {
    s.pending = s.pending.filter((p) => p !== reply);
    step.advance('goal_met', { notes: 'The interviewer closed the conversation.', evidence: [] });
    return;
  }
  const reason =
    stage.name === 'closing'
      ? 'the model said goodbye before the closing question was answered; its goodbye was not spoken'
      : `the model said goodbye in stage "${stage.name}", before the closing; its goodbye was not spoken`;
  step.emit({ type: 'proposal_ignored', stage: stage.name, toolName: 'goodbye', reason });
  step.refuse('farewell', undefined, reason);
}

function notCoveredReason(s: InterviewState): string {
  if (s.turnsInStage === 0) return 'the candidate has not answered anything in this stage yet';
  const open = stageAt(s).questions.filter((q) => !s.askedQuestionIds.includes(q.id));
  const pendingOrOpen = open.length > 0 ? open : openQuestions(s);
  if (pendingOrOpen.length > 0) {
    return `the stage's planned questions are not all asked yet (still to ask: ${pendingOrOpen.map((q) => `"${q.text}"`).join(' ')})`;
  }
  return "the candidate has not yet answered the stage's last question";
}
