import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { startRetentionPurge } from '../../src/store/retention.js';
import { engines, type TestDatabase } from './databases.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 10_000 && !(await condition()); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(await condition()).toBe(true);
}

describe('retention purge loop', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await engines[0]!.open();
  });
  afterAll(async () => {
    await database.close();
  });

  it('purges at start and then every interval, and does nothing when retention is 0', async () => {
    const clock = new ManualClock();
    const store = new PostgresCallStore({ db: database.db, clock, defaultRole: 'Engineer' });
    const logger = createLogger('silent');
    const begin = (sid: string) =>
      store.beginCall({ callSid: sid, direction: 'inbound', from: '+14155550123', to: '+1415555010' });
    await begin('CA-a');
    clock.advance(8 * DAY_MS);

    expect(startRetentionPurge({ store, clock, logger, retentionDays: 0 })).toBeTypeOf('function');
    expect(clock.pendingCount()).toBe(0);

    const stop = startRetentionPurge({ store, clock, logger, retentionDays: 7, intervalMs: 6 * HOUR_MS });
    await begin('CA-b');
    clock.advance(0);
    await until(async () => (await store.getRecord('CA-a')) === null);
    expect(await store.getRecord('CA-b')).not.toBeNull();

    // The next pass runs 6 h later: CA-b is only 6 h old then, kept.
    await until(async () => clock.pendingCount() === 1);
    clock.advance(6 * HOUR_MS);
    await until(async () => clock.pendingCount() === 1);
    expect(await store.getRecord('CA-b')).not.toBeNull();
    // Passes keep coming every 6 h; the first one after CA-b turns 7 days purges it.
    for (let i = 0; i < 28 && (await store.getRecord('CA-b')) !== null; i++) {
      clock.advance(6 * HOUR_MS);
      await until(async () => clock.pendingCount() === 1);
    }
    expect(clock.wallNow() - Date.UTC(2026, 0, 9)).toBe(7 * DAY_MS + 6 * HOUR_MS);
    expect(await store.getRecord('CA-b')).toBeNull();
    stop();
    await until(async () => clock.pendingCount() === 0);
  });
});
