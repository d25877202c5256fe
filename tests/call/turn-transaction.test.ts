import { describe, expect, it } from 'vitest';
import { GREETED_AT_MS, REPLY, settle, turnHarness } from './turn-harness.js';

const ANSWER = 'Yes, this is Sam, and now is a good time.';
const lastMessage = (messages: { role: string; content?: unknown }[]) => messages.at(-1);

describe('the turn transaction', () => {
  it('speculate → adopt: the held reply is the one the commit asks for; no second LLM call, audio only after the commit', async () => {
    const h = turnHarness();
    h.turn.speculate(1, ANSWER, h.clock.now());
    await settle();
    expect(h.llmRequests).toHaveLength(1);
    expect(lastMessage(h.llmRequests[0]!.messages)).toEqual({ role: 'user', content: ANSWER });
    // Synthesised ahead, but held: nothing reaches the sink before the commit.
    expect(h.ttsTexts.join(' ')).toBe(REPLY);
    h.clock.advance(500);
    expect(h.wire.frames).toBe(0);

    const queued = h.commit(1, ANSWER, true);
    expect(queued).toEqual([{ speechId: 's3', speculative: true }]);
    await settle();
    h.clock.advance(100);
    expect(h.llmRequests).toHaveLength(1);
    expect(h.llmRequests[0]!.aborted).toBe(false);
    expect(h.wire.frames).toBeGreaterThan(0);
    expect(h.events.filter((e) => e.type === 'work_wasted')).toEqual([]);
  });

  it('speculate → waste: the words changed, so the reply is thrown away and counted, and none of its audio plays', async () => {
    const h = turnHarness();
    h.turn.speculate(1, 'Yes, this is Sam', h.clock.now());
    await settle();
    // Its text went to TTS already (held audio): that is part of what it cost.
    const synthesised = h.ttsTexts.reduce((n, text) => n + text.length, 0);
    expect(synthesised).toBeGreaterThan(0);
    h.turn.invalidate();
    expect(h.llmRequests[0]!.aborted).toBe(true);
    expect(h.events).toEqual([{ type: 'work_wasted', reason: 'speculation', llmCalls: 1, ttsCharacters: synthesised }]);
    // The commit on the longer words asks the LLM afresh.
    h.commit(1, ANSWER, false);
    await settle();
    expect(h.llmRequests).toHaveLength(2);
    expect(lastMessage(h.llmRequests[1]!.messages)).toEqual({ role: 'user', content: ANSWER });
    // Only the committed reply's audio is sent (each chunk padded to whole 20 ms frames).
    h.clock.advance(10_000);
    const committedChunks = h.ttsTexts.slice(2);
    expect(committedChunks.join(' ')).toBe(REPLY);
    const committedBytes = committedChunks.reduce((n, text) => n + Math.ceil((text.length * 80) / 160) * 160, 0);
    expect(h.wire.frames * 160).toBe(committedBytes);
  });

  it('speculate, then a commit of other words: the speculation is wasted and the commit gets its own reply', async () => {
    const h = turnHarness();
    h.turn.speculate(1, 'Yes', h.clock.now());
    await settle();
    const queued = h.commit(1, ANSWER, false);
    expect(queued).toEqual([{ speechId: 's3', speculative: false }]);
    expect(h.events.map((e) => e.type)).toEqual(['work_wasted']);
    await settle();
    expect(h.llmRequests.map((r) => r.aborted)).toEqual([true, false]);
  });

  it('commit → heard → confirmed: the writes it caused are held, then released in their order', async () => {
    const h = turnHarness();
    const before = [...h.writes];
    h.commit(1, ANSWER, false);
    // The LLM proposes the stage is done; the machine accepts: more writes, all tentative.
    h.interview.apply({
      type: 'llm_tool_called',
      atMs: h.clock.now(),
      speechId: 's3',
      call: {
        id: 'call-1',
        name: 'complete_stage',
        arguments: { stage: 'greeting', notes: 'Sam; a good time.', evidence: [ANSWER] },
        rawArguments: '{}',
      },
    });
    expect(h.writes).toEqual(before);
    expect(h.turn.heard('s3')).toBe(1);
    expect(h.writes.slice(before.length)).toEqual([
      `candidate: ${ANSWER}`,
      'stage ended greeting (goal_met)',
      'stage started self_intro',
      'stage self_intro',
    ]);
    // Writes after that go straight through.
    h.turn.write((w) => w.event('after'));
    expect(h.writes.at(-1)).toBe('event after');
  });

  it('commit → resume → rolled back: machine state, history, timers and record exactly as before the commit', async () => {
    const h = turnHarness();
    h.clock.advance(2000);
    const state = structuredClone(h.interview.state);
    const history = h.history.forRequest('system');
    const writes = [...h.writes];
    const armed = [...h.timers.armed].sort();
    const silenceDue = h.interview.state.timers.silence;
    expect(silenceDue).toBe(GREETED_AT_MS + 6000);

    h.commit(1, ANSWER, false);
    await settle();
    h.clock.advance(300); // the reply's audio is going out, not yet heard
    expect(h.wire.frames).toBeGreaterThan(0);
    expect(h.interview.state).not.toEqual(state);
    expect(h.timers.armed).not.toContain('silence');

    expect(h.turn.rollback(1)).toBe(true);
    expect(h.interview.state).toEqual(state);
    expect(h.history.forRequest('system')).toEqual(history);
    expect([...h.timers.armed].sort()).toEqual(armed);
    // The reply was stopped: its LLM request cancelled, its audio cleared, none of it reported.
    expect(h.llmRequests[0]!.aborted).toBe(true);
    expect(h.wire.clears).toBe(1);
    expect(h.speech.isSpeaking).toBe(false);
    expect(h.events.map((e) => e.type)).toEqual(['commit_taken_back', 'work_wasted']);
    // The held writes never reach the record, not even at the end of the call.
    h.turn.settle();
    expect(h.writes).toEqual(writes);
    // The silence timer runs again for what was left of it: it fires when it was due.
    h.clock.advance(silenceDue! - h.clock.now() - 1);
    expect(h.fired).toEqual([]);
    h.clock.advance(1);
    expect(h.fired).toEqual([{ timer: 'silence', atMs: silenceDue }]);
  });

  it('takes back only the commit it is asked to, once', () => {
    const h = turnHarness();
    h.commit(1, ANSWER, false);
    expect(h.turn.rollback(2)).toBe(false);
    expect(h.turn.rollback(1)).toBe(true);
    expect(h.turn.rollback(1)).toBe(false);
  });

  it('starts one reply per speculate (the router alone caps them), each replacing the last', async () => {
    const h = turnHarness();
    for (let i = 1; i <= 6; i++) h.turn.speculate(1, `Yes ${'and '.repeat(i)}`, h.clock.now());
    await settle();
    expect(h.llmRequests).toHaveLength(6);
  });
});
