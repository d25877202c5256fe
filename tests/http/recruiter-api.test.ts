import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines, type TestDatabase, truncateAll } from '../store/databases.js';
import { API_KEY, startRecruiterApi } from './recruiter-api-harness.js';

const CANDIDATE = '+14155550123';

describe('recruiter API: auth, validation, reading and erasing', () => {
  let database: TestDatabase;
  let api: Awaited<ReturnType<typeof startRecruiterApi>>;

  beforeAll(async () => {
    database = await engines[0]!.open();
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

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-key' }],
    ['a wrong token of the same length', { authorization: `Bearer ${'x'.repeat(API_KEY.length)}` }],
    ['another scheme', { authorization: `Basic ${API_KEY}` }],
  ])('answers 401 JSON to %s', async (_label, headers) => {
    const response = await fetch(`${api.baseUrl}/calls`, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('answers 401 to everyone when API_KEY is unset', async () => {
    await api.close();
    api = await startRecruiterApi(database, { apiKey: undefined });
    const response = await api.call('GET', '/calls', { headers: { authorization: 'Bearer undefined' } });
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('API_KEY');
  });

  it('lets the right token through', async () => {
    expect((await api.call('GET', '/calls')).status).toBe(200);
  });

  it.each([
    ['to missing', {}, 'to'],
    ['to not E.164', { to: '04155550123' }, 'to'],
    ['to a number', { to: 14155550123 }, 'to'],
    ['to too long', { to: '+1415555012345678' }, 'to'],
    ['empty candidate name', { to: CANDIDATE, candidate: { name: '  ' } }, 'candidate.name'],
    ['unknown candidate field', { to: CANDIDATE, candidate: { name: 'Ada', age: 36 } }, 'candidate.age'],
    ['role too long', { to: CANDIDATE, role: 'r'.repeat(201) }, 'role'],
    ['job description too long', { to: CANDIDATE, jobDescription: 'j'.repeat(20_001) }, 'jobDescription'],
    ['unknown top-level field', { to: CANDIDATE, jobDescripton: 'typo' }, 'jobDescripton'],
    ['context with a non-string value', { to: CANDIDATE, context: { team: 3 } }, 'context.team'],
    ['body not an object', [CANDIDATE], null],
  ])('answers 400 naming the field for %s, and dials nobody', async (_label, payload, field) => {
    const response = await api.call('POST', '/calls', { body: payload });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'invalid_request', field });
    expect(typeof response.json.error.message).toBe('string');
    expect(api.twilioHttp.requests).toEqual([]);
    expect((await api.call('GET', '/calls')).json.calls).toEqual([]);
  });

  it('answers 400 to malformed JSON and to a bad Idempotency-Key', async () => {
    const broken = await api.call('POST', '/calls', {
      body: '{"to":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('invalid_json');
    const longKey = await api.call('POST', '/calls', {
      body: { to: CANDIDATE },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(longKey.status).toBe(400);
    expect(longKey.json.error.field).toBe('Idempotency-Key');
  });

  it('reads a call by id or CallSid, 404 JSON otherwise', async () => {
    const created = await api.call('POST', '/calls', { body: { to: CANDIDATE } });
    expect((await api.call('GET', `/calls/${created.json.id}`)).json.callSid).toBe(created.json.callSid);
    expect((await api.call('GET', `/calls/${created.json.callSid}`)).json.id).toBe(created.json.id);
    const missing = await api.call('GET', '/calls/CA-nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', field: 'id' });
  });

  it('lists newest first with paging and a status filter, refusing a bad limit or cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api.call('POST', '/calls', { body: { to: CANDIDATE } })).json.id);
    const sid = (await api.store.getRecord(ids[0]!))?.callSid ?? '';
    await api.store.recordStatus(sid, 'busy');

    const page1 = await api.call('GET', '/calls?limit=2');
    const page2 = await api.call('GET', `/calls?limit=2&cursor=${page1.json.nextCursor}`);
    expect([...page1.json.calls, ...page2.json.calls].map((c: { id: string }) => c.id)).toHaveLength(3);
    expect(new Set([...page1.json.calls, ...page2.json.calls].map((c: { id: string }) => c.id))).toEqual(new Set(ids));
    expect(page2.json.nextCursor).toBeNull();
    const busy = await api.call('GET', '/calls?status=busy');
    expect(busy.json.calls.map((c: { id: string }) => c.id)).toEqual([ids[0]]);

    expect((await api.call('GET', '/calls?limit=500')).json.error.field).toBe('limit');
    expect((await api.call('GET', '/calls?status=answered')).json.error.field).toBe('status');
    expect((await api.call('GET', '/calls?cursor=zzz')).json.error.field).toBe('cursor');
  });

  it('erases a call on DELETE: transcript and numbers gone, 404 for an unknown id', async () => {
    const created = await api.call('POST', '/calls', { body: { to: CANDIDATE, candidate: { name: 'Ada' } } });
    await api.store.appendTranscriptLine(created.json.id, {
      role: 'candidate',
      text: 'hi',
      stage: 'greeting',
      at: new Date(),
    });
    const erased = await api.call('DELETE', `/calls/${created.json.id}`);
    expect(erased.status).toBe(204);
    const after = await api.call('GET', `/calls/${created.json.id}`);
    expect(after.json).toMatchObject({ transcript: [], to: null, interview: { candidateName: null, phone: null } });
    expect((await api.call('DELETE', '/calls/nope')).status).toBe(404);
  });
});
