import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { engines, type TestDatabase, truncateAll } from './databases.js';

const DAY_MS = 86_400_000;

describe.each(engines)('listing, erasure and retention on $name', (engine) => {
  let database: TestDatabase;
  let clock: ManualClock;
  let store: PostgresCallStore;
  let recordingsDir: string;

  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await truncateAll(database.db);
    clock = new ManualClock();
    recordingsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    store = new PostgresCallStore({ db: database.db, clock, defaultRole: 'Engineer', recordingsDir });
  });

  async function inboundCall(sid: string): Promise<string> {
    const call = await store.beginCall({
      callSid: sid,
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    return call.callId;
  }

  it('writes a live call queued before its erasure and that land after it are dropped (transcript, events, notes, outbox)', async () => {
    const outboxStore = new PostgresCallStore({ db: database.db, clock, defaultRole: 'Engineer', recordingsDir });
    const id = await inboundCall('CA-erase-live');
    await outboxStore.stageStarted(id, 'greeting', new Date(clock.wallNow()));
    await outboxStore.appendTranscriptLine(id, { role: 'agent', text: 'Hello Sam', stage: 'greeting', at: new Date() });
    expect(await outboxStore.eraseCall(id)).toBe(true);
    await outboxStore.appendTranscriptLine(id, {
      role: 'candidate',
      text: 'I am Sam',
      stage: 'greeting',
      at: new Date(),
    });
    await outboxStore.recordEvent(id, 'late_event', { text: 'I am Sam' });
    await outboxStore.recordLatency(id, { turn: 1 });
    await outboxStore.stageEnded(id, 'greeting', { at: new Date(), reason: 'goal_met', notes: { name: 'Sam' } });
    expect(await outboxStore.finishCall(id, 'failed', 'service shut down')).toBe(true);
    const record = await outboxStore.getRecord(id);
    expect(record?.transcript).toEqual([]);
    expect(record?.outcome, 'the bare call keeps its outcome').toBe('failed');
    expect(record?.stages[0]?.endReason, 'and its stage times').toBe('goal_met');
    expect(record?.stages[0]?.notes ?? null).toBeNull();
    const left = await Promise.all(
      (['call_events', 'results_outbox', 'transcript_lines'] as const).map((table) =>
        database.db.selectFrom(table).select('call_id').where('call_id', '=', id).execute(),
      ),
    );
    expect(left.map((rows) => rows.length)).toEqual([0, 0, 0]);
  });

  it('lists newest first in pages, and filters by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await inboundCall(`CA-list-${i}`));
      clock.advance(1_000);
    }
    await store.recordStatus('CA-list-1', 'completed');
    await store.recordStatus('CA-list-3', 'completed');

    const first = await store.listCalls({ limit: 2 });
    const second = await store.listCalls({ limit: 2, cursor: first.nextCursor ?? '' });
    const third = await store.listCalls({ limit: 2, cursor: second.nextCursor ?? '' });
    expect([...first.calls, ...second.calls, ...third.calls].map((c) => c.id)).toEqual([...ids].reverse());
    expect(third.nextCursor).toBeNull();
    expect(first.calls[0]).not.toHaveProperty('transcript');

    const completed = await store.listCalls({ status: 'completed' });
    expect(completed.calls.map((c) => c.callSid)).toEqual(['CA-list-3', 'CA-list-1']);
    await expect(store.listCalls({ cursor: 'not-a-cursor' })).rejects.toThrow(RangeError);
  });

  it('erases transcript, notes, numbers, name and recordings but keeps the bare outcome', async () => {
    const callId = await inboundCall('CA-erase');
    const other = await inboundCall('CA-keep');
    const at = new Date(clock.wallNow());
    await store.stageStarted(callId, 'greeting', at);
    await store.appendTranscriptLine(callId, { role: 'candidate', text: 'My name is Ada', stage: 'greeting', at });
    await store.stageEnded(callId, 'greeting', { at, notes: { evidence: 'Ada, 10 years at Acme' } });
    await store.finishCall(callId, 'completed', null);
    await fs.mkdir(path.join(recordingsDir, callId));
    await fs.writeFile(path.join(recordingsDir, callId, 'inbound.ulaw'), 'audio');
    await fs.writeFile(path.join(recordingsDir, `${callId}.json`), '{}');
    await fs.writeFile(path.join(recordingsDir, `${other}.json`), '{}');

    expect(await store.eraseCall('CA-erase')).toBe(true);
    const record = await store.getRecord(callId);
    expect(record).toMatchObject({ outcome: 'completed', from: null, to: null, transcript: [], latency: [] });
    expect(record?.erasedAt).not.toBeNull();
    expect(record?.stages).toMatchObject([{ name: 'greeting', notes: null }]);
    expect(record?.interview).toMatchObject({ phone: null, candidateName: null });
    expect(await database.db.selectFrom('results_outbox').selectAll().where('call_id', '=', callId).execute()).toEqual(
      [],
    );
    expect(await fs.readdir(recordingsDir)).toEqual([`${other}.json`]);
    expect(await store.eraseCall('no-such-call')).toBe(false);
  });

  it('purges calls older than the retention period, with their interviews and recordings', async () => {
    const old = await inboundCall('CA-old');
    await store.appendTranscriptLine(old, { role: 'agent', text: 'hello', stage: null, at: new Date(clock.wallNow()) });
    await fs.mkdir(path.join(recordingsDir, old));
    clock.advance(20 * DAY_MS);
    const recent = await inboundCall('CA-recent');
    clock.advance(11 * DAY_MS);

    expect(await store.purgeOlderThan(0)).toBe(0);
    expect(await store.purgeOlderThan(30)).toBe(1);
    expect(await store.getRecord(old)).toBeNull();
    expect(await store.getRecord(recent)).not.toBeNull();
    expect(await database.db.selectFrom('transcript_lines').selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom('interviews').select('id').execute()).toHaveLength(1);
    expect(await fs.readdir(recordingsDir)).toEqual([]);
  });
});
