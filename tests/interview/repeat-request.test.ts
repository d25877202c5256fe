import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

describe('a candidate who asks for a repeat hears the last question again, verbatim, without the LLM', () => {
  it('repeats the greeting question', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    const effects = h.candidate('Sorry, could you repeat that?');
    expect(h.of('request_reply', effects)).toHaveLength(0);
    expect(h.of('say', effects)).toEqual([
      expect.objectContaining({
        purpose: 'repeat',
        text: 'Of course. Am I speaking with Sam Lee, and is now a good time for a short interview of about fifteen minutes?',
      }),
    ]);
    // Not an answer: the stage's turn count is unchanged.
    expect(h.state.turnsInStage).toBe(0);
  });

  it("repeats the last question the LLM's reply asked", () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam.');
    h.completeStage('greeting', 'ok', []);
    h.playAll(() => "Great to meet you, Sam. So, what's your current role, and how long have you been there?");
    const effects = h.candidate('What was the question?');
    expect(h.said(effects)).toEqual(["Of course. So, what's your current role, and how long have you been there?"]);
  });

  it('repeats the planned question in full when the reply was cut off by barge-in', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam.');
    h.completeStage('greeting', 'ok', []);
    const reply = h.pendingReply();
    h.queue.shift();
    h.send({
      type: 'agent_speech_finished',
      speechId: reply.speechId,
      heardText: 'Thank you. Could you briefly',
      interrupted: true,
    });
    const effects = h.candidate('Sorry, say that again?');
    const question = h.state.definition.stages[1]?.questions[0]?.text;
    expect(h.said(effects)).toEqual([`Of course. ${question}`]);
  });

  it('treats a long answer that mentions repeating as an answer', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    const effects = h.candidate(
      'Yes this is Sam, and I would rather not repeat that whole story about my old job again today.',
    );
    expect(h.of('request_reply', effects)).toHaveLength(1);
  });
});
