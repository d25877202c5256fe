import { afterAll, afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createCallRecording } from '../../src/recording/service-recording.js';
import { SIM_AUTH_TOKEN, type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { readFixture } from '../../tools/replay/fixture-reader.js';
import { replayFixture } from '../../tools/replay/replay-call.js';
import { removeTempDirs, tempDir } from './replay-harness.js';

afterAll(removeTempDirs);
let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

it('a call recorded from the service itself replays through it without divergence: same transcript, stages, outcome', async () => {
  const root = await tempDir();
  const clock = new ManualClock(0, Date.UTC(2026, 10, 22, 9));
  const recording = createCallRecording({
    rootDir: root,
    clock,
    ttsModel: 'aura-2-thalia-en',
    secrets: [SIM_AUTH_TOKEN, 'dg-test-key', 'sk-test'],
    description: 'test: a short call that ends when the candidate has to go',
  });
  sim = await startSimulation({
    clock,
    paceOnClock: true,
    recording,
    llmFirstTokenMs: 400,
    llmTokenIntervalMs: 20,
    ttsFirstByteMs: 150,
  });
  const call = await sim.dial();
  await call.untilAgentDone();
  call.say('Yes, this is Sam, and now is a good time.', 500);
  await call.untilAgentDone();
  call.say('Sorry, I have to go now.', 500);
  await call.untilEnded();
  const recorded = await call.record();
  const dir = await recording.finish(call.callId, recorded ?? undefined);
  await sim.close();
  sim = undefined;

  const fixture = await readFixture(dir!);
  // The opening played from the greeting cache is in the recording, like every other TTS line.
  expect(fixture.tts[0]?.line.text).toMatch(/^Hi, this is an AI interviewer/);
  const result = await replayFixture(fixture);

  expect(result.divergences).toEqual([]);
  expect(result.differences).toEqual([]);
  expect(result.ended).toBe(true);
  expect(result.record?.outcome).toBe('candidate_ended');
  expect(result.record?.stages.map((s) => s.name)).toEqual(recorded?.stages.map((s) => s.name));
  expect(result.record?.transcript.map((l) => [l.role, l.text, l.interrupted])).toEqual(
    recorded?.transcript.map((l) => [l.role, l.text, l.interrupted]),
  );
}, 120_000);
