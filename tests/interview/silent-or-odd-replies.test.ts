import { describe, expect, it } from 'vitest';
import { InterviewHarness, inSelfIntro, withStage } from './harness.js';

const LONG = 'I lead a small platform team at a bank and have done so for three years.';

describe('replies that say nothing, or the wrong thing, never leave the caller in silence', () => {
  it('an empty reply asking a planned question is replaced by that question, verbatim', () => {
    const h = inSelfIntro();
    const effects = h.answer(LONG, () => '');
    const motivation = h.state.definition.stages[1]?.questions[1];
    expect(h.of('say', effects)).toEqual([expect.objectContaining({ purpose: 'fallback', text: motivation?.text })]);
    expect(h.state.askedQuestionIds).toContain(motivation?.id);
  });

  it('empty replies turn after turn never make the agent say the same line twice in a row', () => {
    const h = inSelfIntro();
    const lines: string[] = [];
    for (let i = 0; i < 12 && h.stage !== 'ended'; i++) {
      for (const e of h.answer(i % 2 ? 'Yes.' : LONG, () => '')) if (e.type === 'say') lines.push(e.text);
    }
    for (let i = 1; i < lines.length; i++) expect(lines[i], `line ${i}`).not.toBe(lines[i - 1]);
  });

  it('an empty reply once the questions are covered moves the stage on (goal_met), it does not stall', () => {
    const h = inSelfIntro();
    h.answer(LONG);
    const effects = h.answer('I like the product and the team, and the chance to learn.', () => '');
    expect(h.of('stage_ended', effects)).toEqual([
      expect.objectContaining({ stage: 'self_intro', reason: 'goal_met' }),
    ]);
    expect(h.stage).toBe('past_experience');
  });

  it('a reply that only acknowledges, without asking the planned question, is followed by the question', () => {
    const h = inSelfIntro();
    const effects = h.answer(LONG, () => 'Great, thanks.');
    expect(h.said(effects)).toEqual([h.state.definition.stages[1]?.questions[1]?.text]);
  });

  it('a budget spent while the agent speaks moves on as soon as that speech ends', () => {
    const h = inSelfIntro(withStage('self_intro', { timeBudgetMs: 5000 }));
    h.candidate(LONG);
    h.advance(5000);
    expect(h.stage).toBe('self_intro');
    const effects = h.playNext();
    expect(h.of('stage_ended', effects)).toEqual([
      expect.objectContaining({ stage: 'self_intro', reason: 'timed_out' }),
    ]);
    expect(h.of('say', effects)[0]?.purpose).toBe('bridge');
  });

  it('the record says why a stage ended before its first question was heard', () => {
    const h = inSelfIntro(withStage('past_experience', { timeBudgetMs: 1000 }));
    h.answer(LONG);
    h.candidate('I like the product and the team, and the chance to learn.');
    h.playNext(() => '');
    expect(h.stage).toBe('past_experience');
    // The stage's opening reply is still being written when its budget runs out.
    h.advance(1000);
    h.send({ type: 'agent_speech_finished', speechId: h.pendingReply().speechId, heardText: '', interrupted: true });
    h.candidate('Sorry, what was that?');
    const ended = h.of('stage_ended').find((e) => e.stage === 'past_experience');
    expect(ended?.reason).toBe('timed_out');
    expect(ended?.firstQuestionNotAsked).toMatch(/ran out of time/);
  });

  it('repeat requests twice in a row alternate their wording', () => {
    const h = inSelfIntro();
    const first = h.answer('Can you repeat the question?');
    const second = h.answer('Sorry, can you repeat that?');
    expect(h.said(first)[0]).not.toBe(h.said(second)[0]);
  });
});

describe("the model's own goodbye", () => {
  function closing(): InterviewHarness {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    for (const stage of ['greeting', 'self_intro', 'past_experience'] as const) h.coverAndComplete(stage);
    return h;
  }

  it('before the closing it is refused and recorded, and the interview goes on', () => {
    const h = inSelfIntro();
    h.candidate(LONG);
    const reply = h.pendingReply();
    const effects = h.send({ type: 'llm_said_goodbye', speechId: reply.speechId });
    expect(h.of('say', effects)).toHaveLength(0);
    expect(h.stage).toBe('self_intro');
    expect(h.state.refused).toEqual([expect.objectContaining({ kind: 'farewell' })]);
  });

  it("in the closing, once its question is answered, it finishes the stage: one goodbye, the machine's", () => {
    const h = closing();
    h.candidate('No questions, thank you, that was all clear to me.');
    const effects = h.send({ type: 'llm_said_goodbye', speechId: h.pendingReply().speechId });
    expect(h.of('stage_ended', effects)).toEqual([expect.objectContaining({ stage: 'closing', reason: 'goal_met' })]);
    h.playAll();
    expect(h.of('say').filter((e) => e.purpose === 'goodbye')).toHaveLength(1);
    expect(h.of('hang_up')).toHaveLength(1);
  });
});
