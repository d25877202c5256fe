import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { ResultsDeliverer } from '../../src/results/results-deliverer.js';
import type { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { PostgresResultsOutbox } from '../../src/store/postgres-results-outbox.js';
import { engines, type TestDatabase, useFreshStore } from '../store/databases.js';

const SECRET = 'whsec-test';

interface Received {
  body: string;
  signature: string | undefined;
  deliveryId: string | undefined;
}

/** A recruiter's receiver on 127.0.0.1 answering the scripted statuses in turn, then 200. */
async function startReceiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: req.headers['x-signature'] as string | undefined,
        deliveryId: req.headers['x-delivery-id'] as string | undefined,
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/results`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a receiver does: recompute the HMAC over the raw body, compare in constant time. */
function signatureValid(body: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe.each(engines)('results webhook delivery on $name', (engine) => {
  const fresh = useFreshStore(engine, { defaultRole: 'Engineer' });
  let database: TestDatabase;
  let clock: ManualClock;
  let store: PostgresCallStore;
  let outbox: PostgresResultsOutbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(() => {
    ({ database, clock, store } = fresh);
    outbox = new PostgresResultsOutbox(database.db, clock);
  });
  afterEach(async () => {
    await receiver?.close();
  });

  function deliverer(url: string): ResultsDeliverer {
    return new ResultsDeliverer({
      outbox,
      clock,
      logger: createLogger('silent'),
      webhookUrl: url,
      secret: SECRET,
      baseRetryDelayMs: 10_000,
    });
  }

  async function finishedCall(): Promise<string> {
    const call = await store.beginCall({
      callSid: 'CA-done',
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    await store.appendTranscriptLine(call.callId, {
      role: 'agent',
      text: 'Goodbye!',
      stage: 'closing',
      at: new Date(clock.wallNow()),
    });
    await store.finishCall(call.callId, 'completed', 'interview finished');
    return call.callId;
  }

  const outboxRow = async () => database.db.selectFrom('results_outbox').selectAll().executeTakeFirstOrThrow();

  it('retries with exponential back-off after the receiver fails, across a restart, signed', async () => {
    receiver = await startReceiver([500, 503]);
    const callId = await finishedCall();

    expect(await deliverer(receiver.url).deliverDue()).toBe(1);
    expect(await outboxRow()).toMatchObject({ attempts: 1, last_error: 'HTTP 500', delivered_at: null });
    expect((await outboxRow()).next_attempt_at.getTime()).toBe(clock.wallNow() + 10_000);
    expect(await deliverer(receiver.url).deliverDue()).toBe(0); // not due yet

    clock.advance(10_000);
    expect(await deliverer(receiver.url).deliverDue()).toBe(1);
    expect((await outboxRow()).next_attempt_at.getTime()).toBe(clock.wallNow() + 20_000);

    clock.advance(20_000);
    // A new deliverer, as after a restart: the schedule came from the table.
    expect(await deliverer(receiver.url).deliverDue()).toBe(1);
    const row = await outboxRow();
    expect(row.delivered_at?.getTime()).toBe(clock.wallNow());
    expect(row.attempts).toBe(3);

    expect(receiver.received).toHaveLength(3);
    const bodies = new Set(receiver.received.map((r) => r.body));
    expect(bodies.size).toBe(1);
    for (const r of receiver.received) {
      expect(signatureValid(r.body, r.signature)).toBe(true);
      expect(r.deliveryId).toBe(String(row.id));
    }
    const record = JSON.parse(receiver.received[0]!.body);
    expect(record).toMatchObject({ id: callId, outcome: 'completed', transcript: [{ text: 'Goodbye!' }] });
    expect(signatureValid(`${receiver.received[0]!.body} `, receiver.received[0]!.signature)).toBe(false);
  });

  it('records an unreachable receiver as a failed attempt', async () => {
    receiver = await startReceiver([]);
    const url = receiver.url;
    await receiver.close();
    await finishedCall();
    expect(await deliverer(url).deliverDue()).toBe(1);
    expect(await outboxRow()).toMatchObject({ attempts: 1, delivered_at: null });
    expect((await outboxRow()).last_error).not.toBeNull();
  });

  it('hides a claimed delivery from other deliverers until its lease runs out', async () => {
    await finishedCall();
    expect(await outbox.claimDueDelivery(60_000)).not.toBeNull();
    expect(await outbox.claimDueDelivery(60_000)).toBeNull();
    clock.advance(60_000);
    expect(await outbox.claimDueDelivery(60_000)).not.toBeNull();
  });

  it('runs as a loop on its clock until stopped', async () => {
    receiver = await startReceiver([]);
    const loop = deliverer(receiver.url);
    loop.start();
    await finishedCall();
    clock.advance(0);
    await until(() => receiver.received.length === 1);
    await loop.stop();
    await finishedCallAgain();
    clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.received).toHaveLength(1);
    expect(clock.pendingCount()).toBe(0);
  });

  async function finishedCallAgain(): Promise<void> {
    const call = await store.beginCall({
      callSid: 'CA-2',
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
    await store.finishCall(call.callId, 'no_response', null);
  }
});
