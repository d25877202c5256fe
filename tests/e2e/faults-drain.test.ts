import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SERVICE_SHUT_DOWN_REASON, SHUTDOWN_GOODBYE } from '../../src/interview/index.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { openCallStorage } from '../../src/store/call-storage.js';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { ACK, ANSWER, answer, firstHeardAfter, linesHeardSince, QUESTION_REPLY } from './faults-harness.js';

let sim: Simulation | undefined;
let dataDir = '';
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

it('the drain timeout says a short goodbye to a live call, records the service’s outcome, and closes after it', async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'drain-goodbye-'));
  sim = await startSimulation({ env: { DATA_DIR: dataDir } });
  await sim.service.greetingReady;
  const call = await sim.dial();
  await call.untilAgentDone();
  answer(call, ANSWER);
  await call.untilAgentDone();
  expect(await call.stage()).not.toBe('ended');

  // SIGTERM with a call in progress and a drain timeout (50 ms, real time) far shorter than the call.
  const from = call.clock.now();
  const closing = sim.service.close(50);
  for (let i = 0; i < 300 && call.phone.closeCode === undefined; i++) await call.run(100);
  const first = firstHeardAfter(call, from);
  console.log(
    `[faults] drain timeout: close() → first goodbye audio ${first! - from} ms, → stream closed ${call.clock.now() - from} ms (virtual clock, ±100 ms steps)`,
  );
  const heard = linesHeardSince(call, from, [SHUTDOWN_GOODBYE, ACK, ...QUESTION_REPLY]);
  expect(heard, heard.join(' / ')).toEqual([SHUTDOWN_GOODBYE]);
  // Closed by the agent after its goodbye's mark (1000), not cut off (1001).
  expect(call.phone.closeCode).toBe(1000);
  await closing;
  expect(sim.summaries.get(call.callId)?.outcome).toBe('failed');

  const storage = await openCallStorage(
    { dataDir, defaultRole: 'Software Engineer', results: {} },
    new ManualClock(),
    createLogger('silent'),
  );
  try {
    const record = await storage.calls.getRecord(call.callId);
    expect(record?.outcome).toBe('failed');
    expect(record?.outcomeReason).toBe(SERVICE_SHUT_DOWN_REASON);
    expect(record?.stages.at(-1)?.endReason).toBe('server_shutdown');
    expect(record?.stages.map((s) => s.endReason)).not.toContain('caller_hung_up');
    expect(record?.transcript.filter((l) => l.role === 'agent').at(-1)?.text).toBe(SHUTDOWN_GOODBYE);
  } finally {
    await storage.close();
  }
}, 90_000);
