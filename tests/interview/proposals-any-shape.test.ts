import { describe, expect, it } from 'vitest';
import type { InterviewEffect } from '../../src/interview/events.js';
import { InterviewHarness, inSelfIntro } from './harness.js';

/** The pending reply calls complete_stage with `args`, and speaks `text` in the same message. */
function propose(h: InterviewHarness, args: Record<string, unknown>, text = ''): InterviewEffect[] {
  const reply = h.pendingReply();
  const call = { id: `c_${reply.speechId}`, name: 'complete_stage', arguments: args, rawArguments: '' };
  const out = h.send({ type: 'llm_tool_called', speechId: reply.speechId, call, spokenText: text });
  h.queue.splice(h.queue.indexOf(reply), 1);
  out.push(...h.send({ type: 'agent_speech_finished', speechId: reply.speechId, heardText: text, interrupted: false }));
  return out;
}

const LONG = 'I lead a small platform team at a bank and have done so for three years.';

describe('complete_stage proposals, however the model reads "stage"', () => {
  it('a proposal naming the next stage finishes the current one', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, and now is fine.');
    const effects = propose(h, { stage: 'self_intro', notes: 'ok', evidence: [] });
    expect(h.of('stage_ended', effects)).toEqual([expect.objectContaining({ stage: 'greeting', reason: 'goal_met' })]);
    expect(h.stage).toBe('self_intro');
  });

  it('a proposal naming any other stage is refused with an answer the model can act on, and kept in the record', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam.');
    const effects = propose(h, { stage: 'closing', notes: 'skip', evidence: [] });
    expect(h.stage).toBe('greeting');
    expect(h.of('answer_tool_call', effects)[0]?.content).toMatch(
      /^Not accepted: .*"greeting".* Continue the current stage/,
    );
    h.playAll();
    h.candidate('Yes, go ahead please, I have time now.');
    propose(h, { stage: 'greeting', notes: 'ok', evidence: [] });
    const ended = h.of('stage_ended')[0];
    expect(ended?.refused).toEqual([
      expect.objectContaining({ kind: 'complete_stage', named: 'closing', reason: expect.stringMatching(/closing/) }),
    ]);
  });

  it('a model proposing on every turn still gets every planned question asked and answered first', () => {
    const h = inSelfIntro();
    const questions = h.state.definition.stages[1]?.questions.map((q) => q.text) ?? [];
    // The first question is heard; the candidate answers; the model proposes with its text.
    let effects = h.candidate(LONG);
    effects = propose(h, { stage: 'self_intro', notes: 'x', evidence: [] }, 'Thanks.');
    expect(h.stage).toBe('self_intro');
    expect(h.of('proposal_ignored', effects)[0]?.reason).toMatch(/not all asked yet.*What interests you/);
    // The refused reply spoke but asked nothing, so the machine asks the open question itself.
    expect(h.said(effects)).toEqual([questions[1]]);
    h.playAll();
    h.candidate('The product and the team, and real time systems appeal to me a lot.');
    propose(h, { stage: 'self_intro', notes: 'x', evidence: [] }, 'Thank you.');
    expect(h.stage).toBe('past_experience');
    const ended = h.of('stage_ended').find((e) => e.stage === 'self_intro');
    expect(ended?.questionsAsked).toEqual(questions);
    expect(ended?.refused).toHaveLength(1);
  });

  it('text and proposal in one message: the text is spoken, then the next first question verbatim, no second LLM call', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, and now is a good time.');
    const effects = propose(h, { stage: 'greeting', notes: 'ok', evidence: [] }, 'Great, thank you Sam.');
    const first = h.state.definition.stages[1]?.questions[0]?.text;
    expect(h.of('request_reply', effects)).toHaveLength(0);
    expect(h.of('say', effects)).toEqual([expect.objectContaining({ purpose: 'bridge', text: first })]);
  });

  it('the same proposal twice in one message finishes one stage, and the repeat is refused', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, and now is a good time.');
    const reply = h.pendingReply();
    const call = (id: string) => ({
      id,
      name: 'complete_stage',
      arguments: { stage: 'greeting', notes: 'ok', evidence: [] },
      rawArguments: '',
    });
    const first = h.send({ type: 'llm_tool_called', speechId: reply.speechId, call: call('a') });
    const second = h.send({ type: 'llm_tool_called', speechId: reply.speechId, call: call('b') });
    expect(h.of('stage_ended', [...first, ...second])).toHaveLength(1);
    expect(h.stage).toBe('self_intro');
    expect(h.of('answer_tool_call', second)[0]?.content).toMatch(
      /^Not accepted: the stage it was meant for is already over/,
    );
  });

  it('malformed or truncated arguments are refused and the agent still speaks', () => {
    const h = inSelfIntro();
    h.candidate(LONG);
    const effects = propose(h, {});
    expect(h.of('proposal_ignored', effects)[0]?.reason).toMatch(/invalid arguments/);
    // A tool-only refused reply gets one more try without tools ...
    const retry = h.of('request_reply', effects);
    expect(retry[0]?.tools).toEqual([]);
    // ... and if that says nothing too, the machine speaks itself.
    const after = h.send({
      type: 'agent_speech_finished',
      speechId: retry[0]?.speechId ?? '',
      heardText: '',
      interrupted: false,
    });
    const motivation = h.state.definition.stages[1]?.questions[1]?.text;
    expect(h.of('say', after)).toEqual([expect.objectContaining({ purpose: 'fallback', text: motivation })]);
  });
});
