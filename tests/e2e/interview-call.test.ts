import { afterEach, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';

const ANSWERS: Record<string, string[]> = {
  greeting: ['Yes, this is Sam, and now is a good time.'],
  self_intro: [
    'I am a backend engineer at a logistics company, working on routing services for four years.',
    'I like the product and the team, and I want to work on real time voice systems.',
  ],
  past_experience: [
    'I rebuilt the dispatch system that assigns drivers to orders in real time last year.',
    'I designed the matching service myself and wrote most of its code and its tests.',
    'Delivery times dropped by twelve percent, and we measured it over a whole quarter.',
  ],
  closing: ['No questions, thank you, that was all very clear to me.'],
};

describe('a whole interview through the real server and the fakes', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  it('greets at once, goes through all four stages, and hangs up after the goodbye is heard', async () => {
    sim = await startSimulation();
    const call = await sim.dial();
    await call.run(60);
    // The greeting's first audio reaches Twilio right after start.
    expect(call.phone.received.length).toBeGreaterThan(0);
    await call.untilAgentDone();
    const said = new Map<string, number>();
    for (let turn = 0; turn < 12 && !call.summary(); turn++) {
      const stage = (await call.stage()) ?? 'greeting';
      const answers = ANSWERS[stage] ?? ANSWERS.closing!;
      const index = said.get(stage) ?? 0;
      said.set(stage, index + 1);
      call.say(answers[Math.min(index, answers.length - 1)]!);
      await call.untilAgentDone();
    }
    const summary = await call.untilHungUp();
    expect(summary.outcome).toBe('completed');
    expect(call.phone.closeCode).toBe(1000);

    const record = await call.record();
    expect(record?.stage).toBe('ended');
    expect(record?.outcome).toBe('completed');
    expect(record?.stages.map((s) => s.name)).toEqual(['greeting', 'self_intro', 'past_experience', 'closing']);
    expect(record?.stages.every((s) => s.endedAt !== null)).toBe(true);
    const candidateLines = record?.transcript.filter((l) => l.role === 'candidate').map((l) => l.text) ?? [];
    expect(candidateLines[0]).toBe('Yes, this is Sam, and now is a good time.');
    expect(candidateLines).toContain(ANSWERS.past_experience![0]);
    const agentLines = record?.transcript.filter((l) => l.role === 'agent') ?? [];
    expect(agentLines[0]?.text).toContain('AI interviewer');
    expect(agentLines.at(-1)?.text).toMatch(/Goodbye!$/);
    // The goodbye's last mark came back (not flushed by a clear) before the socket closed.
    expect(call.phone.marksEchoed.at(-1)?.cleared).toBe(false);
    expect(call.phone.bufferedMs).toBe(0);
    // Every turn was measured on the media clock.
    expect(summary.turns.length).toBeGreaterThanOrEqual(6);
    expect(summary.turns.every((t) => t.voiceToVoiceHeardMs !== undefined)).toBe(true);
    // Each answer's end was flushed at the VAD's offset: Deepgram got Finalize and answered it.
    const listen = sim.deepgram.listenSessions[0]!;
    expect(listen.controlMessages.filter((m) => m === 'Finalize').length).toBeGreaterThanOrEqual(candidateLines.length);
    expect(listen.sent.some((m) => m.from_finalize === true && m.channel !== undefined)).toBe(true);
  }, 120_000);
});
