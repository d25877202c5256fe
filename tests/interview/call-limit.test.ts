import { describe, expect, it } from 'vitest';
import { defaultDefinition } from '../../src/interview/registry.js';
import { InterviewHarness } from './harness.js';

describe('the whole-call limit', () => {
  it('says goodbye whatever the stage once the call has lasted maxCallMs', () => {
    const h = new InterviewHarness({ ...defaultDefinition, maxCallMs: 30_000 });
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, go ahead.');
    h.completeStage('greeting', 'ok', []);
    h.playAll();
    // A talkative candidate keeps the silence ladder from ever firing.
    while (h.clock.now() < 28_000) h.answer('I have been building backend services for quite a few years now.');
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
});
