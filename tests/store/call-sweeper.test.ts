import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import {
  ABANDONED_REASON,
  startCallSweeper,
  sweepAbandonedCalls,
  UNPLACED_REASON,
} from '../../src/store/call-sweeper.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { engines, type TestDatabase, useFreshStore } from './databases.js';

const OUR_NUMBER = '+14155550100';
const CANDIDATE = '+14155550123';
const MINUTE_MS = 60_000;

describe.each(engines)('call sweeper on $name', (engine) => {
  const fresh = useFreshStore(engine, { defaultRole: 'Support Engineer' });
  let database: TestDatabase;
  let clock: ManualClock;
  let store: PostgresCallStore;
  beforeEach(() => {
    ({ database, clock, store } = fresh);
  });

  const sweep = (s: PostgresCallStore = store) => sweepAbandonedCalls({ db: database.db, store: s, clock });

  async function deliveries(callId: string): Promise<Array<{ outcome: string; transcript: unknown[] }>> {
    const rows = await database.db
      .selectFrom('results_outbox')
      .select('payload')
      .where('call_id', '=', callId)
      .execute();
    return rows.map((r) => r.payload as { outcome: string; transcript: unknown[] });
  }

  /** An inbound call the interviewer was carrying when its process died, then Twilio's `completed`. */
  async function orphanedCall(callSid: string): Promise<string> {
    const { callId } = await store.beginCall({ callSid, direction: 'inbound', from: CANDIDATE, to: OUR_NUMBER });
    await store.stageStarted(callId, 'greeting', new Date(clock.wallNow()));
    await store.appendTranscriptLine(callId, {
      role: 'agent',
      text: 'Hello, thanks for calling.',
      stage: 'greeting',
      at: new Date(clock.wallNow()),
    });
    clock.advance(30_000);
    await store.recordStatus(callSid, 'completed', { at: new Date(clock.wallNow()) });
    return callId;
  }

  it('closes a completed call that got no outcome as failed once the grace period has passed', async () => {
    const callId = await orphanedCall('CA-orphan');

    clock.advance(2 * MINUTE_MS - 1);
    expect(await sweep()).toEqual({ abandoned: 0, unplaced: 0 });
    expect((await store.getRecord(callId))?.outcome).toBeNull();

    clock.advance(2);
    expect(await sweep()).toEqual({ abandoned: 1, unplaced: 0 });
    const record = await store.getRecord(callId);
    expect(record).toMatchObject({ status: 'completed', outcome: 'failed', outcomeReason: ABANDONED_REASON });
    expect(record?.stage).toBe('ended');
    expect(record?.transcript.map((l) => l.text)).toEqual(['Hello, thanks for calling.']);
    const queued = await deliveries(callId);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ outcome: 'failed', transcript: [{ text: 'Hello, thanks for calling.' }] });
  });

  it('fails an outbound call left queued without a CallSid after the placement grace period', async () => {
    const placed = await store.createOutboundInterview({ to: CANDIDATE, from: OUR_NUMBER, idempotencyKey: 'k-1' });

    clock.advance(10 * MINUTE_MS - 1);
    expect(await sweep()).toEqual({ abandoned: 0, unplaced: 0 });
    expect((await store.getRecord(placed.callId))?.status).toBe('queued');

    clock.advance(2);
    expect(await sweep()).toEqual({ abandoned: 0, unplaced: 1 });
    const record = await store.getRecord(placed.callId);
    expect(record).toMatchObject({
      status: 'failed',
      outcome: 'failed',
      outcomeReason: UNPLACED_REASON,
      callSid: null,
    });
    expect(await deliveries(placed.callId)).toHaveLength(1);
    // Swept calls are closed for good: a later sweep finds nothing left.
    clock.advance(60 * MINUTE_MS);
    expect(await sweep()).toEqual({ abandoned: 0, unplaced: 0 });
  });

  it('leaves live and already finished calls alone, however old', async () => {
    const live = await store.beginCall({ callSid: 'CA-live', direction: 'inbound', from: CANDIDATE, to: OUR_NUMBER });
    const ringing = await store.createOutboundInterview({ to: CANDIDATE, from: OUR_NUMBER });
    await store.attachCallSid(ringing.callId, 'CA-ringing', 'queued');
    const done = await store.beginCall({ callSid: 'CA-done', direction: 'inbound', from: CANDIDATE, to: OUR_NUMBER });
    await store.finishCall(done.callId, 'completed', 'interview completed');
    await store.recordStatus('CA-done', 'completed');

    clock.advance(3 * 60 * MINUTE_MS);
    expect(await sweep()).toEqual({ abandoned: 0, unplaced: 0 });
    expect(await store.getRecord(live.callId)).toMatchObject({ status: 'in-progress', outcome: null });
    expect(await store.getRecord(ringing.callId)).toMatchObject({ status: 'queued', outcome: null });
    expect(await store.getRecord(done.callId)).toMatchObject({ outcome: 'completed' });
    expect(await deliveries(live.callId)).toHaveLength(0);
    expect(await deliveries(ringing.callId)).toHaveLength(0);
    expect(await deliveries(done.callId)).toHaveLength(1);
  });

  it('closes each call once when two instances sweep at the same time', async () => {
    const orphan = await orphanedCall('CA-both');
    const unplaced = await store.createOutboundInterview({ to: CANDIDATE, from: OUR_NUMBER });
    clock.advance(11 * MINUTE_MS);
    const otherInstance = new PostgresCallStore({ db: database.db, clock, defaultRole: 'Support Engineer' });

    const results = await Promise.all([sweep(store), sweep(otherInstance), sweep(store)]);
    expect(results.reduce((n, r) => n + r.abandoned, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.unplaced, 0)).toBe(1);
    expect(await deliveries(orphan)).toHaveLength(1);
    expect(await deliveries(unplaced.callId)).toHaveLength(1);
  });

  it('sweeps at start and then every interval until stopped', async () => {
    const logger = createLogger('silent');
    const callId = await orphanedCall('CA-loop');
    const stop = startCallSweeper({ db: database.db, store, clock, logger, intervalMs: MINUTE_MS });
    // A sweep's queries take real time on a real PostgreSQL (more on a busy machine), so wait in
    // real time for the sweeper to schedule its next run rather than for a number of loop turns.
    const settled = () => vi.waitFor(() => expect(clock.pendingCount()).toBe(1), { timeout: 15_000, interval: 5 });

    // `completed` was stored at 30 s; sweeps run at 30 s (start-up), 90 s, 150 s, 210 s.
    for (const sinceFinalMs of [0, MINUTE_MS, 2 * MINUTE_MS]) {
      clock.advance(sinceFinalMs === 0 ? 0 : MINUTE_MS);
      await settled();
      expect((await store.getRecord(callId))?.outcome, `${sinceFinalMs} ms after completed`).toBeNull();
    }
    clock.advance(MINUTE_MS); // 3 min after `completed`: past the 2 min grace period
    await settled();
    expect((await store.getRecord(callId))?.outcome).toBe('failed');

    await stop();
    expect(clock.pendingCount()).toBe(0);
  });
});
