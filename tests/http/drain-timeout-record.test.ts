import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SERVICE_SHUT_DOWN_REASON } from '../../src/interview/index.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { openCallStorage } from '../../src/store/call-storage.js';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';

let sim: Simulation | undefined;
let dataDir = '';
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

it('a call the drain timeout cuts off is recorded as the service’s doing, never the candidate’s', async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'drain-'));
  sim = await startSimulation({ env: { DATA_DIR: dataDir } });
  const call = await sim.dial();
  await call.untilAgentDone();
  call.say('Yes, this is Sam, and now is a good time.');
  await call.untilAgentDone();
  expect(await call.stage()).not.toBe('ended');

  // SIGTERM with a call in progress, and a drain timeout (50 ms) far shorter than the call.
  // The call says its shutdown goodbye on the clock (tests/e2e/faults-drain.test.ts), then closes.
  const closing = sim.service.close(50);
  for (let i = 0; i < 300 && call.phone.closeCode === undefined; i++) await call.run(100);
  await closing;
  expect(call.phone.closeCode).toBe(1000);
  expect(sim.summaries.get(call.callId)?.outcome).toBe('failed');

  // close() waited for the call's writes before closing storage: the record is whole on disk.
  const storage = await openCallStorage(
    { dataDir, defaultRole: 'Software Engineer', results: {} },
    new ManualClock(),
    createLogger('silent'),
  );
  try {
    const record = await storage.calls.getRecord(call.callId);
    expect(record?.outcome).toBe('failed');
    expect(record?.outcomeReason).toBe(SERVICE_SHUT_DOWN_REASON);
    expect(record?.stage).toBe('ended');
    const open = record?.stages.at(-1);
    expect(open?.endReason).toBe('server_shutdown');
    expect(open?.endedAt).not.toBeNull();
    expect(record?.stages.map((s) => s.endReason)).not.toContain('caller_hung_up');
  } finally {
    await storage.close();
  }
}, 60_000);
