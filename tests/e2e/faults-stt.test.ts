import { afterEach, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { seededListenFault } from '../../testing/fakes/fault-plan.js';
import {
  ACK,
  answer,
  firstHeardAfter,
  linesHeardSince,
  QUESTION,
  QUESTION_REPLY,
  untilHeard,
} from './faults-harness.js';

/** A long answer, so the fault falls inside it (250 ms a word, 60 ms between words: about 5 s). */
const LONG_ANSWER = 'Yes, this is Sam, and now is a good time, I have been looking forward to this call all week long.';

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

describe('the Deepgram socket lost mid-utterance', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: reconnects within 1 s, every word the caller said is in the record, one turn, the call goes on`, async () => {
      // Only a non-empty sttFaultsFor turns on the reconnect sessions' hearing; the fault is placed once the answer's time is known.
      sim = await startSimulation({ sttFaultsFor: () => [] });
      const call = await sim.dial();
      await call.untilAgentDone();
      const startS = (call.phone.mediaNowMs() + 100) / 1000;
      const endClockMs = answer(call, LONG_ANSWER);
      const durationS = (endClockMs - call.clock.now()) / 1000;
      // Odd seeds drop the TCP connection, even ones close with 1011; the time is drawn from the seed.
      const fault = {
        ...seededListenFault(seed, startS + 0.5, startS + durationS - 0.8),
        kind: seed % 2 === 1 ? ('drop' as const) : ('close-1011' as const),
      };
      call.stt.faultAt(fault);
      const label = `seed ${seed}: ${fault.kind} at ${fault.atAudioS.toFixed(2)} s (answer ${startS.toFixed(2)}–${(startS + durationS).toFixed(2)} s)`;

      let faultAtMs: number | undefined;
      let reopenedAtMs: number | undefined;
      const deadline = call.clock.now() + 20_000;
      while (call.clock.now() < deadline && reopenedAtMs === undefined) {
        await call.run(20);
        if (faultAtMs === undefined && call.stt.closed) faultAtMs = call.clock.now();
        if (faultAtMs !== undefined && sim.deepgram.listenSessions.length > 1) reopenedAtMs = call.clock.now();
      }
      expect(faultAtMs, label).toBeDefined();
      expect(reopenedAtMs, label).toBeDefined();
      expect((reopenedAtMs ?? 0) - (faultAtMs ?? 0), label).toBeLessThanOrEqual(1000);

      await untilHeard(call, endClockMs, QUESTION, [ACK, ...QUESTION_REPLY]);
      expect(linesHeardSince(call, endClockMs, [ACK, ...QUESTION_REPLY]), label).toContain(QUESTION);

      // The caller is never left in silence: the reply's first audio within 2 s of the last word.
      const firstAudioMs = (firstHeardAfter(call, endClockMs) ?? Number.POSITIVE_INFINITY) - endClockMs;
      if (process.env.PRINT_FAULT_TIMES)
        console.log(
          `${label}: first agent audio ${firstAudioMs} ms after the last word, socket back after ${(reopenedAtMs ?? 0) - (faultAtMs ?? 0)} ms`,
        );
      expect(firstAudioMs, label).toBeLessThanOrEqual(2000);

      const record = await call.record();
      const candidate = record?.transcript.filter((l) => l.role === 'candidate').map((l) => l.text) ?? [];
      // One committed turn holding the whole answer, word by word: no half-answer committed at the gap.
      expect(candidate.map(words), label).toEqual([words(LONG_ANSWER)]);
    }, 60_000);
  }
});
