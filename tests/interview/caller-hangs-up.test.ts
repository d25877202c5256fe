import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

describe('the caller hanging up', () => {
  it('ends the stage and the call as caller_hung_up, without a goodbye or a hang-up of our own', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    const effects = h.send({ type: 'caller_hung_up' });
    expect(h.of('stage_ended', effects)).toEqual([
      expect.objectContaining({ stage: 'greeting', reason: 'caller_hung_up' }),
    ]);
    expect(h.of('end_call', effects)).toEqual([expect.objectContaining({ outcome: 'caller_hung_up' })]);
    expect(h.of('say', effects)).toHaveLength(0);
    expect(h.of('hang_up', effects)).toHaveLength(0);
    expect(h.stage).toBe('ended');
    expect(h.clock.pendingCount()).toBe(0);
  });

  it('keeps the outcome already decided when it happens during the goodbye', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Sorry, this is not a good time.');
    h.send({ type: 'caller_hung_up' });
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'candidate_ended' })]);
  });

  it('ignores events after the end', () => {
    const h = new InterviewHarness();
    h.start();
    h.send({ type: 'caller_hung_up' });
    const after = [
      ...h.candidate('Hello?'),
      ...h.send({ type: 'caller_hung_up' }),
      ...h.send({ type: 'error_occurred', reason: 'late' }),
    ];
    expect(after).toEqual([]);
  });
});
