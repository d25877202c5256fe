import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { openCallStorage } from '../../src/store/call-storage.js';

describe('call storage opened from the config', () => {
  let dataDir = '';
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  // Two file-backed PGlite starts (initdb, migrations): seconds each, far more on a loaded machine.
  it('keeps calls in DATA_DIR across a restart, and queues results only when a webhook is configured', {
    timeout: 120_000,
  }, async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'storage-'));
    const clock = new ManualClock();
    const logger = createLogger('silent');
    const base = { dataDir, defaultRole: 'Engineer' };
    const begin = (sid: string) => ({
      callSid: sid,
      direction: 'inbound' as const,
      from: '+14155550123',
      to: '+14155550100',
    });

    const first = await openCallStorage({ ...base, results: {} }, clock, logger);
    const a = await first.calls.beginCall(begin('CA-a'));
    await first.calls.finishCall(a.callId, 'completed', null);
    expect(await first.outbox.claimDueDelivery(1_000)).toBeNull();
    await first.close();

    const results = { webhookUrl: 'http://127.0.0.1:9/results', webhookSecret: 's' };
    const second = await openCallStorage({ ...base, results }, clock, logger);
    try {
      expect((await second.calls.getRecord('CA-a'))?.outcome).toBe('completed');
      const b = await second.calls.beginCall(begin('CA-b'));
      await second.calls.finishCall(b.callId, 'no_response', 'silence');
      expect(await second.outbox.claimDueDelivery(1_000)).toMatchObject({ callId: b.callId, attempts: 0 });
    } finally {
      await second.close();
    }
    expect(await fs.readdir(path.join(dataDir, 'pg'))).toContain('PG_VERSION');
  });
});
