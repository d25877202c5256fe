import { describe, expect, it } from 'vitest';
import { inSelfIntro } from './harness.js';

describe('a monologue past the stage turn-length cap is steered back at the next pause', () => {
  it('flags the monologue while the candidate talks and steers back when the turn commits', () => {
    const h = inSelfIntro();
    const capMs = h.state.definition.stages[1]?.maxTurnLengthMs ?? 0;
    h.send({ type: 'candidate_speech_started' });
    h.advance(capMs - 1);
    expect(h.of('monologue_detected')).toHaveLength(0);
    h.advance(1);
    expect(h.of('monologue_detected')).toEqual([expect.objectContaining({ stage: 'self_intro' })]);
    h.advance(10_000);
    const effects = h.send({
      type: 'candidate_utterance_committed',
      text: 'and so on for a long time',
      spokeForMs: capMs + 10_000,
    });
    const reply = h.of('request_reply', effects)[0];
    expect(reply?.directive).toMatchObject({ kind: 'steer_back', questionId: 'motivation' });
    expect(reply?.systemPrompt).toMatch(/talking for a long time/);
    // Only that turn: the next one is ordinary again.
    h.playAll();
    const next = h.of('request_reply', h.candidate('Short and to the point this time, I promise you all.'));
    expect(next[0]?.directive.kind).not.toBe('steer_back');
  });

  it('also steers back when only the committed turn length shows the cap was passed', () => {
    const h = inSelfIntro();
    const capMs = h.state.definition.stages[1]?.maxTurnLengthMs ?? 0;
    const effects = h.send({ type: 'candidate_utterance_committed', text: 'a very long story', spokeForMs: capMs });
    expect(h.of('request_reply', effects)[0]?.directive.kind).toBe('steer_back');
  });
});
