import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import type { CallStore, TranscriptLineInput } from '../../src/store/call-store.js';
import { CallWriter } from '../../src/store/call-writer.js';
import type { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { engines, type TestDatabase, useFreshStore } from './databases.js';

/** Collects pino's JSON lines. */
function captureLogs() {
  const entries: Array<{ msg: string; depth?: number; level: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) entries.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), entries };
}

/** Waits until `condition` holds, yielding to I/O between checks (no wall-clock thresholds). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

/** The real store, with transcript writes held until released: a database that has stalled. */
function stalledTranscripts(store: CallStore): { store: CallStore; release: () => void } {
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gated = Object.create(store) as CallStore;
  gated.appendTranscriptLine = async (callId: string, line: TranscriptLineInput) => {
    await gate;
    return store.appendTranscriptLine(callId, line);
  };
  return {
    store: gated,
    release: () => {
      open();
      gate = Promise.resolve();
    },
  };
}

const line = (n: number): TranscriptLineInput => ({
  role: n % 2 ? 'agent' : 'candidate',
  text: `line ${n}`,
  stage: 'greeting',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
});

describe.each(engines)('call writer on $name', (engine) => {
  const fresh = useFreshStore(engine, { defaultRole: 'Engineer' });
  let database: TestDatabase;
  let store: PostgresCallStore;
  let clock: ManualClock;
  beforeEach(() => {
    ({ database, store, clock } = fresh);
  });

  async function newCall(sid: string): Promise<string> {
    return (await store.beginCall({ callSid: sid, direction: 'inbound', from: '+14155550123', to: '+14155550100' }))
      .callId;
  }

  it('returns at once and stores every write in call order, finish last', async () => {
    const callId = await newCall('CA-w1');
    const writer = new CallWriter({ store, callId, clock, logger: createLogger('silent') });
    writer.stageStarted('greeting', new Date(Date.UTC(2026, 0, 1)));
    for (let n = 1; n <= 30; n++) writer.transcriptLine(line(n));
    writer.stageEnded('greeting', { at: new Date(Date.UTC(2026, 0, 1, 0, 1)), reason: 'budget' });
    writer.finish('completed', 'closing done');
    expect(writer.depth).toBe(33); // nothing waited on the database yet
    await writer.flush();
    expect(writer.depth).toBe(0);

    const record = await store.getRecord(callId);
    expect(record?.transcript.map((t) => t.text)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    expect(record).toMatchObject({
      outcome: 'completed',
      stage: 'ended',
      stages: [{ name: 'greeting', endReason: 'budget' }],
    });
    const [delivery] = await database.db.selectFrom('results_outbox').select('payload').execute();
    expect((delivery?.payload as { transcript?: unknown[] } | undefined)?.transcript).toHaveLength(30);
  });

  it('logs back-pressure once per episode and never blocks the caller', async () => {
    const callId = await newCall('CA-w2');
    const stalled = stalledTranscripts(store);
    const { logger, entries } = captureLogs();
    const writer = new CallWriter({ store: stalled.store, callId, clock, logger, backPressureDepth: 5 });
    for (let n = 1; n <= 12; n++) writer.transcriptLine(line(n));
    expect(writer.depth).toBe(12);
    const warnings = () => entries.filter((e) => e.msg === 'call writer back-pressure');
    expect(warnings()).toHaveLength(1);

    stalled.release();
    await writer.flush();
    expect(entries.filter((e) => e.msg === 'call writer caught up')).toHaveLength(1);
    for (let n = 13; n <= 19; n++) writer.transcriptLine(line(n));
    await writer.flush();
    expect(warnings()).toHaveLength(2);
    expect((await store.getRecord(callId))?.transcript).toHaveLength(19);
  });

  it('retries a failed write after a back-off on its clock, keeping the order', async () => {
    const callId = await newCall('CA-w3');
    let failures = 1;
    const flaky = Object.create(store) as CallStore;
    flaky.appendTranscriptLine = async (id, l) => {
      if (l.text === 'line 1' && failures-- > 0) throw new Error('connection reset');
      return store.appendTranscriptLine(id, l);
    };
    const writer = new CallWriter({ store: flaky, callId, clock, logger: createLogger('silent'), retryDelayMs: 200 });
    writer.transcriptLine(line(1));
    writer.transcriptLine(line(2));
    await until(() => clock.pendingCount() === 1);
    expect((await store.getRecord(callId))?.transcript).toEqual([]);
    clock.advance(200);
    await writer.flush();
    expect((await store.getRecord(callId))?.transcript.map((t) => t.text)).toEqual(['line 1', 'line 2']);
  });
});
