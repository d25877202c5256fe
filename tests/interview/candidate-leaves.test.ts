import { describe, expect, it } from 'vitest';
import { InterviewHarness, inSelfIntro } from './harness.js';

describe('a candidate who has to leave is closed politely and the reason is recorded', () => {
  it('ends with candidate_ended after the goodbye when they have to go', () => {
    const h = inSelfIntro();
    const effects = h.candidate('Oh sorry, I have to go, my train is here.');
    expect(h.of('request_reply', effects)).toHaveLength(0);
    expect(h.of('stage_ended', effects)).toEqual([
      expect.objectContaining({ stage: 'self_intro', reason: 'candidate_left' }),
    ]);
    expect(h.said(effects)).toEqual([h.state.definition.phrases.goodbye.candidateEnded]);
    h.playAll();
    expect(h.of('end_call')).toEqual([
      expect.objectContaining({ outcome: 'candidate_ended', reason: 'candidate had to go' }),
    ]);
    expect(h.of('hang_up')).toHaveLength(1);
  });

  it.each([
    ['Can you call me later?', 'candidate asked to be called another time'],
    ['Sorry, now is not a good time.', 'candidate said it was not a good time'],
    ['I think you have the wrong number.', 'the person who answered is not the candidate'],
  ])('closes on "%s" in the greeting', (line, reason) => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate(line);
    h.playAll();
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'candidate_ended', reason })]);
  });

  it('drops a reply still queued when the candidate leaves', () => {
    const h = inSelfIntro();
    h.candidate('I lead a small platform team at a bank and have done so for three years.');
    const pending = h.pendingReply();
    const effects = h.candidate('Sorry, I gotta go.');
    expect(h.of('cancel_speech', effects)).toEqual([{ type: 'cancel_speech', speechId: pending.speechId }]);
  });

  it('counts leaving during the closing as a completed interview', () => {
    const h = inSelfIntro();
    for (const stage of ['self_intro', 'past_experience'] as const) h.coverAndComplete(stage);
    h.candidate('No questions, and I have to go now, thanks.');
    h.playAll();
    expect(h.of('end_call')).toEqual([expect.objectContaining({ outcome: 'completed' })]);
  });
});
