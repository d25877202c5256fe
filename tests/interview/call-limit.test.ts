import { describe, expect, it } from 'vitest';
import { defaultDefinition } from '../../src/interview/registry.js';
import { InterviewHarness, withStage } from './harness.js';

describe('the whole-call limit', () => {
  it('starts the goodbye early enough (min(goodbyeTimeoutMs, maxCallMs / 4) before it) to be over by maxCallMs', () => {
    const h = new InterviewHarness({ ...defaultDefinition, maxCallMs: 40_000 });
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, go ahead.');
    h.completeStage('greeting', 'ok', []);
    h.playAll();
    // A talkative candidate keeps the silence ladder from ever firing.
    while (h.clock.now() < 27_000) h.answer('I have been building backend services for quite a few years now.');
    expect(h.of('say').filter((e) => e.purpose === 'goodbye')).toHaveLength(0);
    const stage = h.stage;
    expect(stage).not.toBe('closing');
    h.advance(30_000 - h.clock.now());
    expect(h.of('stage_ended').at(-1)).toMatchObject({ stage, reason: 'call_limit' });
    expect(h.said().at(-1)).toBe(h.state.definition.phrases.goodbye.callLimit);
    h.playAll();
    expect(h.of('end_call')).toEqual([
      expect.objectContaining({ outcome: 'completed', reason: 'whole-call time limit reached' }),
    ]);
    expect(h.stage).toBe('ended');
  });

  it('hangs up at maxCallMs at the latest, even if the goodbye never finishes playing', () => {
    const h = new InterviewHarness({ ...defaultDefinition, maxCallMs: 40_000 });
    h.start();
    h.playAll();
    for (let i = 0; i < 40 && h.of('say').every((e) => e.purpose !== 'goodbye'); i++) {
      h.answer('I have been building backend services for quite a few years now.');
    }
    // The goodbye is queued but its last mark never comes back.
    h.advance(40_000 - h.clock.now());
    expect(h.of('hang_up')).toHaveLength(1);
    expect(h.of('end_call')[0]?.atMs).toBeLessThanOrEqual(40_000);
  });

  it('a goodbye begun just before the call-limit goodbye would start still ends by maxCallMs', () => {
    // maxCallMs / 4 (10 s) is less than the goodbye timeout (15 s): the limit clamps the wait.
    const base = withStage('closing', { timeBudgetMs: 500_000 });
    const silence = { promptAfterMs: 300_000, secondPromptAfterMs: 310_000, hangUpAfterMs: 320_000 };
    const h = new InterviewHarness({ ...base, maxCallMs: 40_000, silence });
    h.start();
    h.playAll();
    for (const stage of ['greeting', 'self_intro', 'past_experience'] as const) h.coverAndComplete(stage);
    expect(h.stage).toBe('closing');
    h.advance(27_000 - h.clock.now());
    h.candidate('No questions from me, thank you very much for this.');
    h.completeStage('closing');
    expect(h.of('say').at(-1)?.purpose).toBe('goodbye');
    expect(h.clock.now()).toBe(29_000);
    // The goodbye's last mark never comes back.
    h.advance(40_000 - h.clock.now());
    expect(h.stage).toBe('ended');
    expect(h.of('end_call')[0]?.atMs).toBe(40_000);
  });
});
