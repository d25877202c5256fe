import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

function sayingGoodbye(): InterviewHarness {
  const h = new InterviewHarness();
  h.start();
  h.playAll();
  h.candidate('Can you call me back tomorrow?');
  return h;
}

describe('the goodbye plays to the end before the call is closed', () => {
  it('is not interruptible, and hang_up comes only once its last mark is back', () => {
    const h = sayingGoodbye();
    const goodbye = h.of('say').at(-1);
    expect(goodbye).toMatchObject({ purpose: 'goodbye', interruptible: false });
    // The candidate talks over it: nothing changes, no reply.
    expect(h.of('request_reply', h.candidate('Okay, bye then!'))).toHaveLength(0);
    expect(h.of('hang_up')).toHaveLength(0);
    h.playAll();
    expect(h.effects.slice(-2).map((e) => e.type)).toEqual(['end_call', 'hang_up']);
  });

  it('hangs up anyway when the last mark never comes back', () => {
    const h = sayingGoodbye();
    const timeout = h.state.options.goodbyeTimeoutMs;
    h.advance(timeout - 1);
    expect(h.of('hang_up')).toHaveLength(0);
    h.advance(1);
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'candidate_ended' })]);
    expect(h.of('hang_up')).toHaveLength(1);
  });

  it('apologises and ends as failed after an unrecoverable error', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.send({ type: 'error_occurred', reason: 'LLM unavailable' });
    expect(h.of('stage_ended')).toEqual([expect.objectContaining({ stage: 'greeting', reason: 'error' })]);
    expect(h.said().at(-1)).toBe(h.state.definition.phrases.goodbye.error);
    h.playAll();
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'LLM unavailable' })]);
    expect(h.of('hang_up')).toHaveLength(1);
  });

  it('ends at once when the goodbye itself cannot be played', () => {
    const h = sayingGoodbye();
    h.send({ type: 'error_occurred', reason: 'TTS down' });
    expect(h.effects.slice(-2).map((e) => e.type)).toEqual(['end_call', 'hang_up']);
    expect(h.of('end_call')[0]?.outcome).toBe('candidate_ended');
  });
});
