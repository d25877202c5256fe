import { afterEach, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { expectedTtsAudio } from '../../testing/fakes/deepgram-fake.js';
import { type SpeakFault, seededSpeakFault } from '../../testing/fakes/fault-plan.js';
import {
  ANSWER,
  answer,
  FAULT_LINES,
  firstHeardAfter,
  GOODBYE_ERROR,
  HOLD_1,
  heardSince,
  linesHeardSince,
  QUESTION,
  untilHeard,
  voiced,
} from './faults-harness.js';

/** Fails the first `times` Aura requests for the question with `fault`. */
function failQuestion(fault: SpeakFault, times: number) {
  let failed = 0;
  return (text: string | undefined) => (text === QUESTION && failed++ < times ? fault : undefined);
}

describe('a failed synthesis, end to end', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  function agentLines(record: Awaited<ReturnType<typeof sim.service.storage.calls.getRecord>>): string[] {
    return record?.transcript.filter((l) => l.role === 'agent').map((l) => l.text) ?? [];
  }

  function historyNeverShows(text: string): void {
    for (const request of sim.openai.requests) {
      const said = (request.body.messages as { role: string; content?: unknown }[])
        .filter((m) => m.role === 'assistant')
        .map((m) => String(m.content));
      expect(said.join(' | ')).not.toContain(text);
    }
  }

  // Seeds draw an HTTP error or a socket reset (before or during the audio); the first attempt's
  // request and the adapter's retry both fail, then Aura answers again.
  for (const seed of [5, 7, 8, 11]) {
    it(`seed ${seed}: the unplayed question is not heard-recorded; a holding line, then the turn is retried`, async () => {
      const fault = seededSpeakFault(seed);
      sim = await startSimulation({ ttsFaultFor: failQuestion(fault, 2) });
      await sim.service.greetingReady;
      const call = await sim.dial();
      await call.untilAgentDone();
      const endedAt = answer(call, ANSWER);
      await untilHeard(call, endedAt, QUESTION, FAULT_LINES);
      await call.untilAgentDone();
      const label = `seed ${seed} ${JSON.stringify(fault)}`;
      const first = firstHeardAfter(call, endedAt);
      console.log(
        `[faults] tts ${label}: caller's last word → first agent audio ${first! - endedAt} ms (virtual clock)`,
      );
      expect(first! - endedAt, label).toBeLessThanOrEqual(2000);
      // The acknowledgement, then (the question's audio having failed, maybe partway) a holding
      // line instead of silence, then the whole question, in that order.
      const audio = heardSince(call, endedAt);
      const holdAt = audio.indexOf(voiced(HOLD_1));
      expect(holdAt, label).toBeGreaterThan(0);
      expect(audio.indexOf(voiced(QUESTION), holdAt), label).toBeGreaterThan(holdAt);
      const lines = agentLines(await call.record());
      expect(
        lines.filter((l) => l.includes(QUESTION)),
        label,
      ).toHaveLength(1);
      expect(call.summary(), label).toBeUndefined(); // the call goes on
    }, 90_000);
  }

  it('TTS that keeps failing: the question never counts as heard, the apology plays from the pre-rendered set, outcome failed', async () => {
    sim = await startSimulation({
      ttsFaultFor: (text) => (text === QUESTION ? { kind: 'status', status: 503 } : undefined),
    });
    await sim.service.greetingReady;
    const call = await sim.dial();
    await call.untilAgentDone();
    const endedAt = answer(call, ANSWER);
    const summary = await call.untilEnded(60_000);
    const first = firstHeardAfter(call, endedAt);
    console.log(
      `[faults] tts always 503: caller's last word → first agent audio ${first! - endedAt} ms (virtual clock)`,
    );
    const heard = linesHeardSince(call, endedAt, FAULT_LINES);
    expect(heard, heard.join(' / ')).toContain(HOLD_1);
    // The last thing heard is the whole apology (what came between may include a cut-off line).
    const trim = (b: Buffer) => b.subarray(0, b.length - [...b].reverse().findIndex((x) => x !== 0xff));
    const tail = trim(heardSince(call, endedAt));
    const goodbye = trim(expectedTtsAudio(GOODBYE_ERROR));
    expect(tail.subarray(tail.length - goodbye.length).equals(goodbye), heard.join(' / ')).toBe(true);
    expect(summary.outcome).toBe('failed');
    const record = await call.record();
    expect(record?.outcome).toBe('failed');
    expect(record?.outcomeReason).toBe('speech synthesis failed');
    const lines = agentLines(record);
    expect(lines.join(' | ')).not.toContain(QUESTION);
    expect(lines.at(-1)).toBe(GOODBYE_ERROR);
    historyNeverShows(QUESTION);
  }, 90_000);
});
