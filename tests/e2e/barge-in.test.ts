import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_MARKER } from '../../src/call/conversation-history.js';
import { type SimCall, type Simulation, startSimulation } from '../../testing/call-simulator.js';

/** Runs until the agent has been playing its next reply for `ms`. */
async function intoNextReply(call: SimCall, ms: number): Promise<number> {
  const heardBefore = call.phone.heardBytes;
  for (let i = 0; i < 200 && call.phone.heardBytes === heardBefore; i++) await call.run(20);
  await call.run(ms);
  return call.phone.received.length;
}

describe('barge-in and backchannels, end to end', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  async function pastGreeting(options: Parameters<typeof startSimulation>[0] = {}): Promise<SimCall> {
    sim = await startSimulation(options);
    const call = await sim.dial();
    await call.untilAgentDone();
    call.say('Yes, this is Sam, and now is a good time.');
    return call;
  }

  it('stops the agent when the caller really talks over it, and keeps only what was heard', async () => {
    const call = await pastGreeting();
    // Past the brief acknowledgement (~1.9 s), about a second into the question that follows it
    // (the stage's first question, verbatim, after an accepted proposal that spoke).
    await intoNextReply(call, 3000);
    const clearsBefore = call.phone.clears.length;
    call.say('Sorry, before that, can I ask how long this will take?', 0);
    for (let i = 0; i < 150 && call.phone.clears.length === clearsBefore; i++) await call.run(20);
    expect(call.phone.clears.length).toBe(clearsBefore + 1);
    const framesAtClear = call.phone.received.length;
    // Nothing of the interrupted reply follows the clear (the next reply only comes after the
    // caller's utterance is committed, so allow no audio in the next 300 ms).
    await call.run(300);
    expect(call.phone.received.length).toBe(framesAtClear);

    await call.untilAgentDone();
    const record = await call.record();
    const interrupted = record?.transcript.find((l) => l.role === 'agent' && l.interrupted);
    const fullQuestion = 'Could you briefly introduce yourself and tell me about your current or most recent role?';
    expect(interrupted).toBeDefined();
    // About a second of a ~7 s line had played: a prefix, cut at a word.
    expect(fullQuestion.startsWith(interrupted!.text)).toBe(true);
    expect(interrupted!.text.length).toBeGreaterThan(5);
    expect(interrupted!.text.length).toBeLessThan(fullQuestion.length / 2);
    // The LLM was then told only the heard part, marked as interrupted.
    const lastRequest = sim.openai.requests.at(-1)!.body.messages as { role: string; content?: unknown }[];
    const agentTurn = lastRequest.find((m) => m.role === 'assistant' && String(m.content).endsWith(INTERRUPTED_MARKER));
    expect(agentTurn?.content).toBe(`${interrupted!.text}${INTERRUPTED_MARKER}`);
    expect(lastRequest.at(-1)).toEqual({
      role: 'user',
      content: 'Sorry, before that, can I ask how long this will take?',
    });
    const summary = sim.summaries.get(call.callId);
    expect(summary).toBeUndefined(); // the call goes on
    const bargeIns = await sim.service.metrics.registry.getSingleMetricAsString('barge_ins_total');
    expect(bargeIns).toContain('barge_ins_total 1');
  }, 60_000);

  it('talks through a backchannel: no clear, no gap the caller hears, the whole line heard', async () => {
    const call = await pastGreeting();
    await intoNextReply(call, 1200);
    const heardBefore = call.phone.heard.length;
    const { startMs } = call.say('mm-hmm', 0);
    await call.untilAgentDone({ quietMs: 1500 });
    expect(call.phone.clears).toEqual([]);
    // The VAD held the audio at the onset and released it before Twilio ran dry.
    const heard = call.phone.heard.slice(heardBefore).map((f) => f.atMs);
    const gaps = heard.slice(1).map((at, i) => at - heard[i]! - 20);
    expect(Math.max(...gaps), `longest gap after the backchannel at ${startMs} ms`).toBeLessThanOrEqual(120);
    const record = await call.record();
    const agentLines = record?.transcript.filter((l) => l.role === 'agent') ?? [];
    expect(agentLines.at(-1)?.text).toBe(
      'Could you briefly introduce yourself and tell me about your current or most recent role?',
    );
    expect(agentLines.some((l) => l.interrupted)).toBe(false);
    // The backchannel did not become a candidate turn.
    expect(record?.transcript.filter((l) => l.role === 'candidate').map((l) => l.text)).toEqual([
      'Yes, this is Sam, and now is a good time.',
    ]);
    expect(call.summary()).toBeUndefined(); // the call goes on
  }, 60_000);

  it('with the hold off, talks through a backchannel without any clear', async () => {
    const call = await pastGreeting({ bargeInParams: { holdOnVoice: false } });
    await intoNextReply(call, 1200);
    call.say('mm-hmm', 0);
    await call.untilAgentDone({ quietMs: 800 });
    expect(call.phone.clears).toHaveLength(0);
    const record = await call.record();
    const agentLines = record?.transcript.filter((l) => l.role === 'agent') ?? [];
    expect(agentLines.at(-1)?.text).toBe(
      'Could you briefly introduce yourself and tell me about your current or most recent role?',
    );
    expect(agentLines.some((l) => l.interrupted)).toBe(false);
  }, 60_000);

  it('holds at the onset of real speech and clears once its words show', async () => {
    const call = await pastGreeting();
    await intoNextReply(call, 1500);
    const { startMs } = call.say('Sorry, before that, can I ask how long this will take?', 0);
    for (let i = 0; i < 100 && call.phone.clears.length === 0; i++) await call.run(20);
    const firstClearAt = call.phone.clears[0];
    expect(firstClearAt).toBeDefined();
    // Media clock on the shared manual clock: the onset is the first word's start.
    const clearMs = call.phone.mediaNowMs() - (call.clock.now() - firstClearAt!) - startMs;
    expect(clearMs).toBeLessThanOrEqual(1000);
    const lastHeard = call.phone.heard.filter((f) => f.atMs < firstClearAt!).at(-1)!;
    expect(lastHeard.atMs + 20 - (call.clock.now() - call.phone.mediaNowMs()) - startMs).toBeLessThanOrEqual(clearMs);
  }, 60_000);
});
