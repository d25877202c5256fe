import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

/** The LLM may say a brief acknowledgement in the same reply that proposes moving on. */
describe('a stage proposal spoken with a brief acknowledgement', () => {
  function toClosing(h: InterviewHarness): void {
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, and now is a good time.');
    h.completeStage('greeting');
    h.playAll();
    h.answer('I am a backend engineer at a logistics company, working on routing for four years.');
    h.candidate('I like that the team ships often and owns its services.');
    h.completeStage('self_intro');
    h.playAll();
    h.answer('We rebuilt the billing pipeline so invoices came from events instead of nightly jobs.');
    h.answer('I designed the event schema and wrote the reconciliation service myself.');
    h.candidate('Invoices went out two days faster and mismatches dropped to almost zero.');
    h.completeStage('past_experience');
    h.playAll();
  }

  it('asks for the next stage at once, while the acknowledgement is still playing', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam, and now is a good time.');
    const reply = h.pendingReply();
    const out = h.send({
      type: 'llm_tool_called',
      speechId: reply.speechId,
      call: {
        id: 'c1',
        name: 'complete_stage',
        arguments: { stage: 'greeting', notes: 'ok', evidence: [] },
        rawArguments: '',
      },
    });
    expect(h.stage).toBe('self_intro');
    // The next reply is requested before the acknowledgement has finished: no round trip is lost.
    expect(h.of('request_reply', out)).toHaveLength(1);
    expect(h.of('cancel_speech', out)).toHaveLength(0);
  });

  it('lets the acknowledgement of the last stage finish before the goodbye', () => {
    const h = new InterviewHarness();
    toClosing(h);
    h.candidate('No questions, thank you.');
    const reply = h.pendingReply();
    const out = h.send({
      type: 'llm_tool_called',
      speechId: reply.speechId,
      call: {
        id: 'c9',
        name: 'complete_stage',
        arguments: { stage: 'closing', notes: 'none', evidence: [] },
        rawArguments: '',
      },
    });
    expect(h.said(out).at(-1)).toBe(h.state.definition.phrases.goodbye.completed);
    expect(h.of('cancel_speech', out).map((e) => e.speechId)).not.toContain(reply.speechId);
  });
});
