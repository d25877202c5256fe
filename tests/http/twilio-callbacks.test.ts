import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioCallbackRouter, type TwilioCallbackDeps } from '../../src/http/twilio-callbacks.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { createTwilioCalls, DEFAULT_VOICEMAIL_TEXT } from '../../src/twilio/twilio-calls.js';
import { RecordingTwilioClient } from '../call/recording-twilio-client.js';
import { engines, type TestDatabase, truncateAll } from '../store/databases.js';

const AUTH_TOKEN = 'twilio-auth-token';
const PUBLIC_URL = 'https://interviews.example.com';
const TWILIO = { accountSid: `AC${'a'.repeat(32)}`, authToken: AUTH_TOKEN, phoneNumber: '+14155550100' };

/** Yields to I/O until `condition` holds (the machine hook runs after the response). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe('Twilio status and AMD callbacks', () => {
  let database: TestDatabase;
  let store: PostgresCallStore;
  let twilioHttp: RecordingTwilioClient;
  let server: ReturnType<express.Express['listen']>;
  let base: string;

  beforeAll(async () => {
    database = await engines[0]!.open();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await truncateAll(database.db);
    store = new PostgresCallStore({ db: database.db, clock: new ManualClock(), defaultRole: 'Engineer' });
    twilioHttp = new RecordingTwilioClient();
    await start({});
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function start(extra: Partial<TwilioCallbackDeps>): Promise<void> {
    const app = express();
    app.use(
      createTwilioCallbackRouter({
        publicUrl: PUBLIC_URL,
        authToken: AUTH_TOKEN,
        store,
        logger: createLogger('silent'),
        twilioCalls: createTwilioCalls({
          twilio: TWILIO,
          publicUrl: PUBLIC_URL,
          httpClient: twilioHttp.asHttpClient(),
          clock: new ManualClock(),
        }),
        ...extra,
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function restart(extra: Partial<TwilioCallbackDeps>): Promise<void> {
    await new Promise((resolve) => server.close(resolve));
    await start(extra);
  }

  /** POSTs a form the way Twilio does, signed over the public URL unless told otherwise. */
  async function post(path: string, params: Record<string, string>, signature?: string): Promise<number> {
    const sig = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params);
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
      body: new URLSearchParams(params),
    });
    return response.status;
  }

  async function placedCall(callSid: string): Promise<string> {
    const placed = await store.createOutboundInterview({ to: '+14155550123', from: TWILIO.phoneNumber });
    await store.attachCallSid(placed.callId, callSid, 'queued');
    return placed.callId;
  }

  const status = (callSid: string, callStatus: string, sequence: number) => ({
    CallSid: callSid,
    AccountSid: TWILIO.accountSid,
    CallStatus: callStatus,
    SequenceNumber: String(sequence),
    Timestamp: `Thu, 01 Jan 2026 10:00:0${sequence} +0000`,
    CallbackSource: 'call-progress-events',
  });

  it('refuses an unsigned or wrongly signed status callback with 403 and changes nothing', async () => {
    const callId = await placedCall('CA-unsigned');
    expect(await post('/twilio/status', status('CA-unsigned', 'busy', 1), '')).toBe(403);
    expect(await post('/twilio/status', status('CA-unsigned', 'busy', 1), 'bm90IGEgc2lnbmF0dXJl')).toBe(403);
    expect(await store.getRecord(callId)).toMatchObject({ status: 'queued', outcome: null });
  });

  it('records statuses arriving out of order without moving a completed call back', async () => {
    const callId = await placedCall('CA-order');
    for (const [s, n] of [
      ['ringing', 1],
      ['completed', 3],
      ['initiated', 0],
      ['in-progress', 2],
    ] as const) {
      expect(await post('/twilio/status', status('CA-order', s, n))).toBe(204);
    }
    expect(await store.getRecord(callId)).toMatchObject({ status: 'completed', endedAt: '2026-01-01T10:00:03.000Z' });
  });

  it.each([
    ['no-answer', 'no_answer'],
    ['busy', 'busy'],
    ['failed', 'failed'],
  ])('ends the call on %s with outcome %s', async (callStatus, outcome) => {
    const callId = await placedCall(`CA-${callStatus}`);
    expect(await post('/twilio/status', status(`CA-${callStatus}`, callStatus, 1))).toBe(204);
    expect(await store.getRecord(callId)).toMatchObject({ status: callStatus, outcome });
  });

  it('leaves a voicemail after the beep and marks the call voicemail when a machine answers', async () => {
    const sid = `CA${'1'.repeat(32)}`;
    const callId = await placedCall(sid);
    await post('/twilio/status', status(sid, 'in-progress', 1));
    const amd = {
      CallSid: sid,
      AccountSid: TWILIO.accountSid,
      AnsweredBy: 'machine_end_beep',
      MachineDetectionDuration: '4210',
    };
    expect(await post('/twilio/amd', amd)).toBe(204);
    await until(() => twilioHttp.requests.length === 1);

    const [update] = twilioHttp.requests;
    expect(update?.method).toBe('post');
    expect(update?.uri).toBe(`https://api.twilio.com/2010-04-01/Accounts/${TWILIO.accountSid}/Calls/${sid}.json`);
    expect(update?.data).toEqual({
      Twiml: `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${DEFAULT_VOICEMAIL_TEXT}</Say><Hangup/></Response>`,
    });
    expect(await store.getRecord(callId)).toMatchObject({ outcome: 'voicemail', answeredBy: 'machine_end_beep' });

    // Twilio retrying the same AMD callback leaves no second voicemail.
    expect(await post('/twilio/amd', amd)).toBe(204);
    await new Promise((resolve) => setImmediate(resolve));
    expect(twilioHttp.requests).toHaveLength(1);
  });

  it('hands a machine to the orchestrator hook when one is given', async () => {
    const seen: Array<[string, string]> = [];
    await restart({
      onMachineAnswered: async (callSid, id) => {
        seen.push([callSid, id]);
      },
    });
    const callId = await placedCall('CA-hook');
    expect(await post('/twilio/amd', { CallSid: 'CA-hook', AnsweredBy: 'fax' })).toBe(204);
    await until(() => seen.length === 1);
    expect(seen).toEqual([['CA-hook', callId]]);
    expect(twilioHttp.requests).toEqual([]);
  });

  it.each(['human', 'unknown'])('only records answered_by for %s', async (answeredBy) => {
    const callId = await placedCall(`CA-${answeredBy}`);
    expect(await post('/twilio/amd', { CallSid: `CA-${answeredBy}`, AnsweredBy: answeredBy })).toBe(204);
    expect(await store.getRecord(callId)).toMatchObject({ answeredBy, outcome: null });
    expect(twilioHttp.requests).toEqual([]);
  });

  it('refuses an unsigned AMD callback', async () => {
    const callId = await placedCall('CA-amd-unsigned');
    expect(await post('/twilio/amd', { CallSid: 'CA-amd-unsigned', AnsweredBy: 'machine_start' }, 'x')).toBe(403);
    expect((await store.getRecord(callId))?.answeredBy).toBeNull();
  });
});
