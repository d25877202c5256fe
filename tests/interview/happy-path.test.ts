import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

describe('a cooperative candidate goes through every stage to ended', () => {
  it('runs greeting → self_intro → past_experience → closing → ended with notes, then hangs up after the goodbye', () => {
    const h = new InterviewHarness();
    h.start();
    expect(h.stage).toBe('greeting');
    h.playAll();

    h.candidate('Yes, this is Sam, and now is a good time.');
    h.completeStage('greeting', 'Name confirmed; good time.', ['this is Sam', 'now is a good time']);
    expect(h.stage).toBe('self_intro');
    h.playAll();

    h.answer('I am a backend engineer at a logistics company, working on our routing APIs for four years.');
    h.candidate('I like that the team owns its services end to end and ships often.');
    h.completeStage('self_intro', 'Backend engineer, four years, routing APIs.', ['working on our routing APIs']);
    expect(h.stage).toBe('past_experience');
    h.playAll();

    h.answer('We rebuilt the billing pipeline so invoices were generated from events instead of nightly jobs.');
    h.answer('I designed the event schema and wrote the reconciliation service that compared old and new totals.');
    h.candidate('Invoices went out two days faster and the mismatch rate dropped to almost zero.');
    h.completeStage('past_experience', 'Billing pipeline rebuild; own part schema and reconciliation.', [
      'I designed the event schema',
    ]);
    expect(h.stage).toBe('closing');
    h.playAll();

    h.candidate('No questions, thank you, that was clear.');
    const closing = h.completeStage('closing', 'No questions.', []);
    // Goodbye is said, but the call is not over until it has played.
    expect(h.said(closing).at(-1)).toBe(h.state.definition.phrases.goodbye.completed);
    expect(h.of('hang_up')).toHaveLength(0);
    expect(h.stage).toBe('closing');

    const end = h.playAll();
    expect(h.of('end_call', end)).toEqual([expect.objectContaining({ outcome: 'completed' })]);
    expect(end.at(-1)).toEqual({ type: 'hang_up' });
    expect(h.stage).toBe('ended');

    expect(h.of('stage_started').map((e) => e.stage)).toEqual(['greeting', 'self_intro', 'past_experience', 'closing']);
    const ended = h.of('stage_ended');
    expect(ended.map((e) => [e.stage, e.reason])).toEqual([
      ['greeting', 'goal_met'],
      ['self_intro', 'goal_met'],
      ['past_experience', 'goal_met'],
      ['closing', 'goal_met'],
    ]);
    expect(ended[2]).toMatchObject({
      notes: 'Billing pipeline rebuild; own part schema and reconciliation.',
      evidence: ['I designed the event schema'],
    });
    expect(ended[0]?.evidence).toEqual(['this is Sam', 'now is a good time']);
    // Every timer the machine started was stopped by the end.
    expect(h.clock.pendingCount()).toBe(0);
  });

  it('opens each new stage with an LLM reply asking its first question', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, speaking, go ahead.');
    const effects = h.completeStage('greeting', 'ok', []);
    const reply = h.of('request_reply', effects)[0];
    expect(reply?.stage).toBe('self_intro');
    expect(reply?.directive).toMatchObject({ kind: 'ask_question', questionId: 'background' });
    expect(h.of('answer_tool_call', effects)[0]?.content).toMatch(/^Accepted/);
  });
});
