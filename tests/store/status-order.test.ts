import { beforeEach, describe, expect, it } from 'vitest';
import type { CallStatus } from '../../src/store/call-store.js';
import type { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { engines, useFreshStore } from './databases.js';

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe.each(engines)('status callbacks in any order on $name', (engine) => {
  const fresh = useFreshStore(engine, { defaultRole: 'Engineer' });
  let store: PostgresCallStore;
  beforeEach(() => {
    ({ store } = fresh);
  });

  async function placedCall(callSid: string): Promise<string> {
    const placed = await store.createOutboundInterview({ to: '+14155550123', from: '+14155550100' });
    await store.attachCallSid(placed.callId, callSid, 'queued');
    return placed.callId;
  }

  it('ends completed whatever order initiated, ringing, in-progress and completed arrive in', async () => {
    const orders = permutations<CallStatus>(['initiated', 'ringing', 'in-progress', 'completed']);
    for (const [n, order] of orders.entries()) {
      const sid = `CA-order-${n}`;
      await placedCall(sid);
      for (const status of order) await store.recordStatus(sid, status);
      const record = await store.getRecord(sid);
      expect({ order, status: record?.status }).toEqual({ order, status: 'completed' });
      expect(record?.endedAt).not.toBeNull();
    }
  });

  it('never moves a call back: a late ringing after in-progress is recorded but not applied', async () => {
    await placedCall('CA-late');
    expect(await store.recordStatus('CA-late', 'in-progress')).toMatchObject({ applied: true });
    expect(await store.recordStatus('CA-late', 'ringing')).toMatchObject({ applied: false });
    expect((await store.getRecord('CA-late'))?.status).toBe('in-progress');
  });

  it.each([
    ['no-answer', 'no_answer'],
    ['busy', 'busy'],
    ['failed', 'failed'],
    ['canceled', 'no_answer'],
  ] as const)('%s ends the call with outcome %s, even after a late ringing', async (status, outcome) => {
    const callId = await placedCall(`CA-${status}`);
    await store.recordStatus(`CA-${status}`, 'initiated');
    await store.recordStatus(`CA-${status}`, status, { at: new Date('2026-01-01T10:00:30Z'), sequenceNumber: 2 });
    await store.recordStatus(`CA-${status}`, 'ringing');
    const record = await store.getRecord(callId);
    expect(record).toMatchObject({ status, outcome, stage: null, endedAt: '2026-01-01T10:00:30.000Z' });
  });

  it('keeps the first final status when two arrive', async () => {
    await placedCall('CA-two');
    await store.recordStatus('CA-two', 'busy');
    await store.recordStatus('CA-two', 'completed');
    expect(await store.getRecord('CA-two')).toMatchObject({ status: 'busy', outcome: 'busy' });
  });

  it('answers null for a CallSid it has never seen', async () => {
    expect(await store.recordStatus('CA-unknown', 'ringing')).toBeNull();
  });
});
