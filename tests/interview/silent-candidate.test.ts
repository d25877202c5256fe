import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

describe('a candidate who says nothing', () => {
  it('is prompted gently twice, then the agent says goodbye and the call ends with no_response', () => {
    const h = new InterviewHarness();
    const { silence, phrases } = h.state.definition;
    h.start();
    h.playAll();
    const silentSince = h.clock.now();

    h.advance(silence.promptAfterMs - 1);
    expect(h.said()).not.toContain(phrases.takeYourTime);
    h.advance(1);
    expect(h.said().at(-1)).toBe(phrases.takeYourTime);
    h.playAll();

    h.advance(silence.secondPromptAfterMs - (h.clock.now() - silentSince) - 1);
    expect(h.said()).not.toContain(phrases.stillThere);
    h.advance(1);
    expect(h.said().at(-1)).toBe(phrases.stillThere);
    h.playAll();

    h.advance(silence.hangUpAfterMs - (h.clock.now() - silentSince));
    expect(h.said().at(-1)).toBe(phrases.goodbye.noResponse);
    expect(h.of('stage_ended')).toEqual([expect.objectContaining({ stage: 'greeting', reason: 'no_response' })]);
    expect(h.of('hang_up')).toHaveLength(0);

    h.playAll();
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'no_response' })]);
    expect(h.of('hang_up')).toHaveLength(1);
    expect(h.stage).toBe('ended');
  });

  it('gives the silence in whole ms in the call end reason, on a clock with fractions (performance.now)', () => {
    const h = new InterviewHarness();
    h.advance(0.37);
    h.start();
    h.playAll();
    h.advance(h.state.definition.silence.hangUpAfterMs + 0.25);
    h.playAll();
    const [end] = h.of('end_call') as { reason?: string }[];
    expect(end?.reason).toMatch(/^no answer for \d+ ms$/);
  });

  it('starts over when the candidate speaks after a prompt', () => {
    const h = new InterviewHarness();
    const { silence, phrases } = h.state.definition;
    h.start();
    h.playAll();
    h.advance(silence.promptAfterMs);
    h.playAll();
    h.answer('Sorry, yes, this is Sam.');
    h.advance(silence.hangUpAfterMs - 1);
    expect(h.said().filter((t) => t === phrases.takeYourTime)).toHaveLength(2);
    expect(h.said()).not.toContain(phrases.goodbye.noResponse);
  });
});
