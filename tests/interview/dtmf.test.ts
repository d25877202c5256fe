import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

describe('keypad digits', () => {
  it('are logged with the stage and change nothing by default', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    const effects = h.send({ type: 'dtmf_received', digit: '0' });
    expect(effects).toEqual([{ type: 'dtmf_logged', digit: '0', stage: 'greeting', atMs: 0 }]);
    expect(h.stage).toBe('greeting');
  });

  it('end the call politely on 0 when configured', () => {
    const h = new InterviewHarness(undefined, { dtmfZeroEndsCall: true });
    h.start();
    h.playAll();
    h.send({ type: 'dtmf_received', digit: '5' });
    expect(h.of('end_call')).toHaveLength(0);
    h.send({ type: 'dtmf_received', digit: '0' });
    expect(h.said().at(-1)).toBe(h.state.definition.phrases.goodbye.candidateEnded);
    h.playAll();
    expect(h.of('end_call')).toEqual([
      expect.objectContaining({ outcome: 'candidate_ended', reason: 'candidate pressed 0' }),
    ]);
  });
});
