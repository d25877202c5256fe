import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

describe('an LLM that never calls complete_stage', () => {
  it('still moves through every stage on the turn limit and ends', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    for (let turn = 0; h.stage !== 'ended'; turn++) {
      if (turn > 40) throw new Error('interview did not end');
      h.answer(`This is my fairly detailed answer number ${turn} about my work and my projects.`);
    }
    const def = h.state.definition;
    expect(h.of('stage_ended').map((e) => [e.stage, e.reason])).toEqual(def.stages.map((s) => [s.name, 'turn_limit']));
    // Each stage took exactly its turn budget.
    const bridges = h.of('say').filter((e) => e.purpose === 'bridge');
    expect(bridges.map((e) => e.stage)).toEqual(['self_intro', 'past_experience', 'closing']);
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'completed' })]);
    expect(h.of('hang_up')).toHaveLength(1);
  });

  it('counts only candidate turns of the current stage', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    const greetingTurns = h.state.definition.stages[0]?.maxTurns ?? 0;
    for (let i = 1; i < greetingTurns; i++) h.answer('Yes, I am here and listening to you now.');
    expect(h.stage).toBe('greeting');
    h.answer('Yes, I am here and listening to you now.');
    expect(h.stage).toBe('self_intro');
    expect(h.state.turnsInStage).toBe(0);
  });
});
