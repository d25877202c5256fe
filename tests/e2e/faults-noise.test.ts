import { afterEach, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { expectedTtsAudio } from '../../testing/fakes/deepgram-fake.js';
import type { SpeechSegment } from '../../testing/scripted-partials.js';
import { heardSince } from './faults-harness.js';

const TAKE_YOUR_TIME = 'Take your time.';

describe('noise and backchannels never suppress the silence prompts', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  const noises: { name: string; segments: SpeechSegment[] | string }[] = [
    { name: 'a low-confidence noise', segments: [{ word: 'ship', confidence: 0.2 }] },
    { name: 'a filler alone', segments: 'um' },
  ];
  for (const { name, segments } of noises) {
    it(`${name} after the greeting: the caller still hears "${TAKE_YOUR_TIME}" after 6 s of silence`, async () => {
      sim = await startSimulation();
      const call = await sim.dial();
      await call.untilAgentDone();
      const from = call.clock.now();
      call.say(segments);
      await call.run(9000);
      const audio = heardSince(call, from);
      const prompt = expectedTtsAudio(TAKE_YOUR_TIME);
      expect(audio.indexOf(prompt.subarray(prompt.findIndex((b) => b !== 0xff))), name).toBeGreaterThanOrEqual(0);
      const record = await call.record();
      expect(
        record?.transcript.filter((l) => l.role === 'candidate'),
        name,
      ).toHaveLength(0);
    }, 60_000);
  }
});
