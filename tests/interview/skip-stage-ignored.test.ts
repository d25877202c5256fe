import { describe, expect, it } from 'vitest';
import { InterviewHarness } from './harness.js';

function greeted(): InterviewHarness {
  const h = new InterviewHarness();
  h.start();
  h.playAll();
  return h;
}

describe('the machine ignores complete_stage proposals that break the rules', () => {
  it('ignores a proposal naming a later stage (skipping ahead)', () => {
    const h = greeted();
    h.candidate('Yes, this is Sam.');
    const effects = h.completeStage('past_experience', 'skip', []);
    expect(h.stage).toBe('greeting');
    expect(h.of('stage_ended', effects)).toHaveLength(0);
    expect(h.of('proposal_ignored', effects)[0]?.reason).toMatch(/current stage is "greeting"/);
    expect(h.of('answer_tool_call', effects)[0]?.content).toMatch(/^Not accepted/);
  });

  it('ignores an attempt to end at once by completing the closing stage', () => {
    const h = greeted();
    h.candidate('Hello, who is this?');
    h.completeStage('closing', 'done', []);
    expect(h.stage).toBe('greeting');
    expect(h.of('end_call')).toHaveLength(0);
    expect(h.said()).not.toContain(h.state.definition.phrases.goodbye.completed);
  });

  it('ignores a proposal before the candidate has answered anything in the stage', () => {
    const h = greeted();
    h.candidate('Yes, speaking.');
    h.completeStage('greeting', 'ok', []);
    expect(h.stage).toBe('self_intro');
    // The LLM opening self_intro tries to complete it straight away.
    const effects = h.completeStage('self_intro', 'nothing said yet', []);
    expect(h.stage).toBe('self_intro');
    expect(h.of('proposal_ignored', effects)[0]?.reason).toMatch(/not answered anything/);
  });

  it('ignores malformed arguments and unknown tools', () => {
    const h = greeted();
    h.candidate('Yes, this is Sam.');
    const bad = h.llmCompletes({ stage: 'ended', notes: 'x' });
    expect(h.of('proposal_ignored', bad)[0]?.reason).toMatch(/invalid arguments \(stage/);
    expect(h.stage).toBe('greeting');
  });

  it('asks a silent rejected reply to speak again, without tools, so it cannot loop', () => {
    const h = greeted();
    h.candidate('Yes, this is Sam.');
    const effects = h.completeStage('closing', 'x', []);
    const retry = h.of('request_reply', effects);
    expect(retry).toHaveLength(1);
    expect(retry[0]?.tools).toEqual([]);
    expect(retry[0]?.systemPrompt).toMatch(/Do not call any tool/);
  });

  it('does not ask again when the rejected reply also spoke', () => {
    const h = greeted();
    h.candidate('Yes, this is Sam.');
    const reply = h.pendingReply();
    h.send({
      type: 'llm_tool_called',
      speechId: reply.speechId,
      call: {
        id: 'c1',
        name: 'complete_stage',
        arguments: { stage: 'closing', notes: '', evidence: [] },
        rawArguments: '',
      },
    });
    const effects = h.playAll(() => 'Great, thanks Sam. Is now still a good time?');
    expect(h.of('request_reply', effects)).toHaveLength(0);
  });
});
