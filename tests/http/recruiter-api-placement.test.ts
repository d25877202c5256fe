import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines, type TestDatabase, truncateAll } from '../store/databases.js';
import { PUBLIC_URL, startRecruiterApi, TWILIO } from './recruiter-api-harness.js';

const CANDIDATE = '+14155550123';
const body = {
  to: CANDIDATE,
  candidate: { name: 'Ada Lovelace' },
  role: 'Backend Engineer',
  jobDescription: 'Go, Postgres',
};

describe.each(engines)('POST /api/calls places the call through the twilio SDK ($name)', (engine) => {
  let database: TestDatabase;
  let api: Awaited<ReturnType<typeof startRecruiterApi>>;

  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await truncateAll(database.db);
    api = await startRecruiterApi(database);
  });
  afterEach(async () => {
    await api.close();
  });

  it('sends calls.create with exactly these parameters and answers 201 with the record', async () => {
    const response = await api.call('POST', '/calls', { body });
    expect(response.status).toBe(201);
    expect(api.twilioHttp.requests).toHaveLength(1);
    const [request] = api.twilioHttp.requests;
    const interviewId = response.json.interview.id;
    expect(request).toEqual({
      method: 'post',
      uri: `https://api.twilio.com/2010-04-01/Accounts/${TWILIO.accountSid}/Calls.json`,
      username: TWILIO.accountSid,
      password: TWILIO.authToken,
      data: {
        To: CANDIDATE,
        From: TWILIO.phoneNumber,
        Url: `${PUBLIC_URL}/twilio/voice?interviewId=${interviewId}`,
        Method: 'POST',
        StatusCallback: `${PUBLIC_URL}/twilio/status`,
        StatusCallbackMethod: 'POST',
        StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        MachineDetection: 'DetectMessageEnd',
        AsyncAmd: 'true',
        AsyncAmdStatusCallback: `${PUBLIC_URL}/twilio/amd`,
        AsyncAmdStatusCallbackMethod: 'POST',
      },
    });
    expect(response.json).toMatchObject({
      direction: 'outbound',
      status: 'queued',
      stage: null,
      outcome: null,
      to: CANDIDATE,
      from: TWILIO.phoneNumber,
      stages: [],
      transcript: [],
      interview: { role: 'Backend Engineer', candidateName: 'Ada Lovelace', jobDescription: 'Go, Postgres' },
    });
    expect(response.json.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    const fetched = await api.call('GET', `/calls/${response.json.callSid}`);
    expect(fetched.json.id).toBe(response.json.id);
  });

  it('dials once for a key repeated in sequence, and returns the first record', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await api.call('POST', '/calls', { body, headers });
    const second = await api.call('POST', '/calls', { body, headers });
    expect(second.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
    expect(second.json.callSid).toBe(first.json.callSid);
    expect(api.twilioHttp.requests).toHaveLength(1);
  });

  it('dials once when the same key arrives several times at once', async () => {
    const headers = { 'idempotency-key': 'burst-7' };
    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => api.call('POST', '/calls', { body, headers })));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => r.json.id)).size).toBe(1);
    expect(api.twilioHttp.requests).toHaveLength(1);
    expect((await api.call('GET', '/calls')).json.calls).toHaveLength(1);
  });

  it('refuses a key reused with a different body, naming the header', async () => {
    const headers = { 'idempotency-key': 'k' };
    await api.call('POST', '/calls', { body, headers });
    const reused = await api.call('POST', '/calls', { body: { ...body, role: 'Designer' }, headers });
    expect(reused.status).toBe(422);
    expect(reused.json.error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    expect(api.twilioHttp.requests).toHaveLength(1);
  });

  it('stores a call Twilio refuses as failed and answers 502; a retry does not dial again', async () => {
    api.twilioHttp.failNext({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const headers = { 'idempotency-key': 'bad-number' };
    const response = await api.call('POST', '/calls', { body, headers });
    expect(response.status).toBe(502);
    expect(response.json.error.code).toBe('twilio_failed');
    expect(response.json.call).toMatchObject({ status: 'failed', outcome: 'failed', callSid: null });
    const stored = await api.call('GET', `/calls/${response.json.call.id}`);
    expect(stored.json).toMatchObject({ status: 'failed', outcome: 'failed' });

    const retry = await api.call('POST', '/calls', { body, headers });
    expect(retry.status).toBe(502);
    expect(retry.json.call.id).toBe(response.json.call.id);
    expect(api.twilioHttp.requests).toHaveLength(1);
  });

  it('answers 503 naming the missing Twilio setting and stores nothing', async () => {
    await api.close();
    api = await startRecruiterApi(database, { twilio: { accountSid: TWILIO.accountSid!, authToken: 't' } });
    const response = await api.call('POST', '/calls', { body });
    expect(response.status).toBe(503);
    expect(response.json.error).toMatchObject({ code: 'twilio_not_configured', field: 'TWILIO_PHONE_NUMBER' });
    expect(response.json.error.message).toContain('TWILIO_PHONE_NUMBER');
    expect((await api.call('GET', '/calls')).json.calls).toEqual([]);
  });
});
