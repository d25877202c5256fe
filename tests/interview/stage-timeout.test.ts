import { describe, expect, it } from 'vitest';
import { InterviewHarness, inSelfIntro, withStage } from './harness.js';

/** 5 s budget: shorter than the 6 s silence prompt, so the stage timer is what fires. */
function inSelfIntroWithBudget(timeBudgetMs: number): InterviewHarness {
  return inSelfIntro(withStage('self_intro', { timeBudgetMs }));
}

describe('a stage whose time budget runs out moves on with a spoken bridge', () => {
  it('bridges to the next stage and asks its first question verbatim while the line is quiet', () => {
    const h = inSelfIntroWithBudget(5000);
    const before = h.effects.length;
    h.advance(5000);
    const effects = h.effects.slice(before);
    expect(h.of('stage_ended', effects)).toEqual([
      expect.objectContaining({ stage: 'self_intro', reason: 'timed_out' }),
    ]);
    expect(h.stage).toBe('past_experience');
    const def = h.state.definition;
    const first = def.stages[2]?.questions[0]?.text;
    expect(h.of('say', effects)).toEqual([
      // Right after the agent's own question, the bridge's "Thank you." would be a second thanks.
      expect.objectContaining({ purpose: 'bridge', text: `In the interest of time, let's move on. ${first}` }),
    ]);
    // The bridge is fixed text: no LLM round trip, and no silence prompt running under it.
    expect(h.of('request_reply', effects)).toHaveLength(0);
    expect(h.said(effects)).not.toContain(def.phrases.takeYourTime);
  });

  it('waits for the candidate to finish speaking, then bridges', () => {
    const h = inSelfIntroWithBudget(5000);
    h.send({ type: 'candidate_speech_started' });
    h.advance(6000);
    expect(h.stage).toBe('self_intro');
    expect(h.of('say').filter((e) => e.purpose === 'bridge')).toHaveLength(0);
    const effects = h.send({
      type: 'candidate_utterance_committed',
      text: 'I work on payment systems and enjoy it a lot.',
      spokeForMs: 6000,
    });
    expect(h.of('stage_ended', effects)[0]).toMatchObject({ stage: 'self_intro', reason: 'timed_out' });
    expect(h.of('say', effects)[0]?.purpose).toBe('bridge');
  });

  it('ends the interview with a goodbye when the closing stage runs out of time', () => {
    const h = new InterviewHarness(withStage('closing', { timeBudgetMs: 5000 }));
    h.start();
    h.playAll();
    for (const stage of ['greeting', 'self_intro', 'past_experience'] as const) h.coverAndComplete(stage);
    expect(h.stage).toBe('closing');
    h.advance(5000);
    expect(h.of('stage_ended').at(-1)).toMatchObject({ stage: 'closing', reason: 'timed_out' });
    expect(h.said().at(-1)).toBe(h.state.definition.phrases.goodbye.completed);
    h.playAll();
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'completed' })]);
    expect(h.stage).toBe('ended');
  });
});
