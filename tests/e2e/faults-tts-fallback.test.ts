import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import type { SpeakFault } from '../../testing/fakes/fault-plan.js';
import {
  ANSWER,
  answer,
  FAULT_LINES,
  firstHeardAfter,
  GOODBYE_ERROR,
  HOLD_1,
  HOLD_2,
  heardSince,
  linesHeardSince,
  QUESTION,
  untilHeard,
  voiced,
} from './faults-harness.js';

const PRIMARY_VOICE = 'aura-2-thalia-en';
const SECOND_VOICE = 'aura-2-orion-en';
const ROLE_ANSWER = 'I am a backend engineer at a logistics company, where I build the routing services in Go.';

// voiced(): either voice, since the fake's tone is per text, not per voice.
/** Moves the manual clock in 20 ms steps, letting I/O through, until `done` (or `maxMs`). */
async function runClock(sim: Simulation, maxMs: number, done: () => boolean = () => false): Promise<void> {
  const clock = sim.clock as ManualClock;
  for (let t = 0; !done() && t < maxMs; t += 20) {
    clock.advance(20);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/**
 * Lets the lines rendered ahead finish: the primary voice's failures wait out the adapter's
 * retry delay on the manual clock, so the clock has to move.
 */
async function untilGreetingReady(sim: Simulation): Promise<void> {
  let ready = false;
  void sim.service.greetingReady.then(() => {
    ready = true;
  });
  await runClock(sim, 30_000, () => ready);
  expect(ready).toBe(true);
}

describe('the primary voice is down and a second voice is configured, end to end', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  const faults: { name: string; fault: SpeakFault }[] = [
    { name: 'answers 503', fault: { kind: 'status', status: 503 } },
    { name: 'resets before its audio', fault: { kind: 'reset', afterBytes: 0 } },
  ];
  for (const { name, fault } of faults) {
    it(`primary ${name} on every request: the caller hears the questions in the second voice, the call goes on`, async () => {
      sim = await startSimulation({
        env: { DEEPGRAM_TTS_FALLBACK_MODEL: SECOND_VOICE },
        ttsFaultFor: (_text, _index, model) => (model === PRIMARY_VOICE ? fault : undefined),
      });
      expect(sim.clock).toBeInstanceOf(ManualClock);
      await untilGreetingReady(sim);
      const call = await sim.dial();
      await call.untilAgentDone();
      const endedAt = answer(call, ANSWER);
      await untilHeard(call, endedAt, QUESTION, FAULT_LINES);
      await call.untilAgentDone();

      const first = firstHeardAfter(call, endedAt);
      console.log(
        `[faults] tts primary voice ${name}, second voice on: caller's last word → first agent audio ${first! - endedAt} ms (virtual clock)`,
      );
      expect(first! - endedAt).toBeLessThanOrEqual(2000);
      const heard = linesHeardSince(call, endedAt, FAULT_LINES);
      expect(heard, heard.join(' / ')).toContain(QUESTION);
      expect(heard).not.toContain(GOODBYE_ERROR);
      const agentLines = async () =>
        (await call.record())?.transcript.filter((l) => l.role === 'agent').map((l) => l.text) ?? [];
      const lines = await agentLines();
      expect(lines.filter((l) => l.includes(QUESTION))).toHaveLength(1);

      // The call goes on: the next answer gets the next turn, and nothing ended the call.
      const before = lines.length;
      answer(call, ROLE_ANSWER);
      await call.run(1000);
      await call.untilAgentDone();
      expect((await agentLines()).length, (await agentLines()).join(' | ')).toBeGreaterThan(before);
      expect(call.summary()).toBeUndefined();
      expect(call.phone.closeCode).toBeUndefined();

      // In the second voice: every answered speak request asked for it; the primary was asked and failed.
      const requests = sim.deepgram.speakRequests;
      const served = requests.filter((r) => r.status === 200 && r.finished);
      expect(new Set(served.map((r) => r.query.model))).toEqual(new Set([SECOND_VOICE]));
      expect(served.some((r) => r.text === QUESTION)).toBe(true);
      expect(requests.some((r) => r.query.model === PRIMARY_VOICE)).toBe(true);

      const metrics = await sim.service.metrics.registry.metrics();
      expect(metrics).toMatch(/provider_fallbacks_total\{provider="tts"\} [1-9]/);
      expect(metrics).toMatch(/provider_errors_total\{provider="tts",code="TTS_REQUEST_FAILED"\} [1-9]/);
      expect(metrics).toMatch(/circuit_breaker_state\{provider="tts"\} [12]/);
    }, 90_000);
  }

  it('a holding line not rendered ahead is synthesised in the second voice, without waiting on the primary', async () => {
    // The first two holding lines fail to render ahead on both voices (two primary failures:
    // the breaker stays closed); in the call the question's first audio breaks once.
    let warming = true;
    let questionBroke = false;
    sim = await startSimulation({
      env: { DEEPGRAM_TTS_FALLBACK_MODEL: SECOND_VOICE },
      ttsFaultFor: (text, _index, model) => {
        if (warming && (text === HOLD_1 || text === HOLD_2)) return { kind: 'status', status: 503 };
        if (!warming && model === PRIMARY_VOICE && text === QUESTION && !questionBroke) {
          questionBroke = true;
          return { kind: 'reset', afterBytes: 800 };
        }
        return undefined;
      },
    });
    await untilGreetingReady(sim);
    warming = false;
    const warmed = sim.deepgram.speakRequests.length;
    await runClock(sim, 31_000); // past the breaker's window: those two failures no longer count
    const call = await sim.dial();
    await call.untilAgentDone();
    const endedAt = answer(call, ANSWER);
    // The question breaks partway, so its heard audio is found by bytes rather than line by line.
    const holdThenQuestion = () => {
      const audio = heardSince(call, endedAt);
      const holdAt = audio.indexOf(voiced(HOLD_1));
      return holdAt > 0 && audio.indexOf(voiced(QUESTION), holdAt) > holdAt;
    };
    for (let i = 0; i < 150 && !holdThenQuestion(); i++) await call.run(200);
    expect(holdThenQuestion()).toBe(true);
    // Asked of the second voice directly (the cache's own re-render of the line asks the primary).
    const inCall = sim.deepgram.speakRequests.slice(warmed);
    expect(inCall.filter((r) => r.text === HOLD_1 && r.finished).map((r) => [r.query.model, r.status])).toContainEqual([
      SECOND_VOICE,
      200,
    ]);
    expect(call.summary()).toBeUndefined();
    expect(await sim.service.metrics.registry.metrics()).toContain('circuit_breaker_state{provider="tts"} 0');
  }, 90_000);
});
