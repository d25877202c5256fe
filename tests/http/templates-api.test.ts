import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultDefinition } from '../../src/interview/index.js';
import { engines, type TestDatabase, truncateAll } from '../store/databases.js';
import { startRecruiterApi } from './recruiter-api-harness.js';

const CANDIDATE = '+14155550123';

/** A role's interview as a recruiter writes it: id, name, greeting and stages (the rest defaults). */
function goTemplate(question = 'What have you built in Go?') {
  const stages = structuredClone(defaultDefinition.stages);
  stages[1]!.questions = [{ id: 'go', text: question }];
  return {
    id: 'backend-go',
    name: 'Backend engineer (Go)',
    greeting: {
      ...defaultDefinition.greeting,
      opening: 'Hello, this is an AI interviewer for the Acme payments team.',
    },
    stages,
  };
}

describe.each(engines)('/api/templates ($name)', (engine) => {
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

  it('creates version 1, complete with the default settings, lists it after the built-in one, and asks for its greeting', async () => {
    const created = await api.call('POST', '/templates', { body: goTemplate() });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/templates/backend-go');
    expect(created.json).toMatchObject({ id: 'backend-go', name: 'Backend engineer (Go)', version: 1, builtIn: false });
    expect(created.json.versions).toEqual([{ version: 1, createdAt: expect.any(String) }]);
    expect(created.json.definition.phrases).toEqual(defaultDefinition.phrases);
    expect(api.changed.map((d) => d.greeting.opening)).toEqual([goTemplate().greeting.opening]);

    const read = await api.call('GET', '/templates/backend-go');
    expect(read.json).toEqual(created.json);
    const list = await api.call('GET', '/templates');
    expect(list.json.templates.map((t: { id: string }) => t.id)).toEqual(['default', 'backend-go']);
    expect(list.json.templates[0]).toMatchObject({ builtIn: true, version: null, name: defaultDefinition.name });
    expect((await api.call('GET', '/templates/default')).json.definition).toEqual(defaultDefinition);
  });

  it('refuses a bad template with 400 naming the field, and lists every issue', async () => {
    const template = goTemplate();
    template.stages[2]!.timeBudgetMs = -1;
    (template.stages[0] as Record<string, unknown>).maxTurn = 3;
    const bad = await api.call('POST', '/templates', { body: template });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_template', field: 'stages[0].maxTurn' });
    expect(bad.json.error.issues).toEqual([
      { field: 'stages[0].maxTurn', message: 'stages[0].maxTurn is not a known field' },
      { field: 'stages[2].timeBudgetMs', message: 'stages[2].timeBudgetMs must be more than 0' },
    ]);
    const notObject = await api.call('POST', '/templates', { body: [1] });
    expect(notObject.json.error).toMatchObject({ code: 'invalid_template', field: null });
    const builtIn = await api.call('POST', '/templates', { body: { ...goTemplate(), id: 'default' } });
    expect(builtIn.json.error).toMatchObject({ field: 'id' });
    expect(api.changed).toEqual([]);

    await api.call('POST', '/templates', { body: goTemplate() });
    const again = await api.call('POST', '/templates', { body: goTemplate() });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'template_exists', field: 'id' });
  });

  it('makes a new version on each changed PUT, none for the same body again, and keeps the old ones readable', async () => {
    await api.call('POST', '/templates', { body: goTemplate() });
    const { id: _id, ...withoutId } = goTemplate('Tell me about a Go service you run in production.');
    const second = await api.call('PUT', '/templates/backend-go', { body: withoutId });
    expect(second.status).toBe(200);
    expect(second.json.version).toBe(2);
    const same = await api.call('PUT', '/templates/backend-go', { body: withoutId });
    expect(same.json.version).toBe(2);
    expect(same.json.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(api.changed).toHaveLength(3);

    const first = await api.call('GET', '/templates/backend-go/versions/1');
    expect(first.json.definition.stages[1].questions[0].text).toBe('What have you built in Go?');
    expect((await api.call('GET', '/templates/backend-go')).json.definition.stages[1].questions[0].text).toBe(
      'Tell me about a Go service you run in production.',
    );
    expect((await api.call('GET', '/templates/backend-go/versions/9')).status).toBe(404);
    expect((await api.call('GET', '/templates/backend-go/versions/x')).json.error.field).toBe('version');
    const otherId = await api.call('PUT', '/templates/backend-go', { body: { ...withoutId, id: 'frontend' } });
    expect(otherId.json.error).toMatchObject({ code: 'invalid_template', field: 'id' });
    expect((await api.call('PUT', '/templates/nope', { body: withoutId })).status).toBe(404);
    expect((await api.call('PUT', '/templates/default', { body: withoutId })).status).toBe(409);
  });

  it('gives concurrent changes a version each', async () => {
    await api.call('POST', '/templates', { body: goTemplate() });
    const puts = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => api.call('PUT', '/templates/backend-go', { body: goTemplate(`Question ${n}?`) })),
    );
    expect(puts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
    const latest = await api.call('GET', '/templates/backend-go');
    expect(latest.json.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const questions = new Set<string>();
    for (let v = 2; v <= 6; v++) {
      questions.add(
        (await api.call('GET', `/templates/backend-go/versions/${v}`)).json.definition.stages[1].questions[0].text,
      );
    }
    expect(questions.size).toBe(5);
  });

  it('hides a deleted template from lists, reads and new calls, but keeps its versions for the calls that ran it', async () => {
    await api.call('POST', '/templates', { body: goTemplate() });
    const placed = await api.call('POST', '/calls', { body: { to: CANDIDATE, templateId: 'backend-go' } });
    expect(placed.json.interview).toMatchObject({ definitionId: 'backend-go', templateVersion: 1 });

    expect((await api.call('DELETE', '/templates/backend-go')).status).toBe(204);
    expect((await api.call('GET', '/templates/backend-go')).status).toBe(404);
    expect((await api.call('GET', '/templates')).json.templates.map((t: { id: string }) => t.id)).toEqual(['default']);
    expect((await api.call('PUT', '/templates/backend-go', { body: goTemplate() })).status).toBe(404);
    expect((await api.call('DELETE', '/templates/backend-go')).status).toBe(404);
    expect((await api.call('POST', '/templates', { body: goTemplate() })).status).toBe(409);
    expect((await api.call('DELETE', '/templates/default')).status).toBe(409);

    const refused = await api.call('POST', '/calls', { body: { to: CANDIDATE, templateId: 'backend-go' } });
    expect(refused.status).toBe(400);
    expect(refused.json.error.field).toBe('templateId');
    // The call that ran it still shows which version, and that version still reads.
    const record = await api.call('GET', `/calls/${placed.json.id}`);
    expect(record.json.interview).toMatchObject({ definitionId: 'backend-go', templateVersion: 1 });
    expect((await api.call('GET', '/templates/backend-go/versions/1')).status).toBe(200);
  });

  it('asks for the bearer token like the rest of the API', async () => {
    const response = await fetch(`${api.baseUrl}/templates`);
    expect(response.status).toBe(401);
  });
});

describe.each(engines)('POST /api/calls with a template and a résumé ($name)', (engine) => {
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

  it('runs the latest version it was given, and keeps it when the template changes later', async () => {
    await api.call('POST', '/templates', { body: goTemplate() });
    await api.call('PUT', '/templates/backend-go', { body: goTemplate('Second version?') });
    const placed = await api.call('POST', '/calls', { body: { to: CANDIDATE, templateId: 'backend-go' } });
    expect(placed.status).toBe(201);
    await api.call('PUT', '/templates/backend-go', { body: goTemplate('Third version?') });
    const record = await api.call('GET', `/calls/${placed.json.id}`);
    expect(record.json.interview).toMatchObject({ definitionId: 'backend-go', templateVersion: 2 });
    const builtIn = await api.call('POST', '/calls', { body: { to: CANDIDATE, templateId: 'default' } });
    expect(builtIn.json.interview).toMatchObject({ definitionId: 'default', templateVersion: null });
    const none = await api.call('POST', '/calls', { body: { to: CANDIDATE } });
    expect(none.json.interview).toMatchObject({ definitionId: 'default', templateVersion: null });
  });

  it('refuses an unknown templateId with 400 naming it, and dials nobody', async () => {
    const response = await api.call('POST', '/calls', { body: { to: CANDIDATE, templateId: 'no-such-role' } });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'invalid_request', field: 'templateId' });
    expect(api.twilioHttp.requests).toHaveLength(0);
  });

  it('keeps the résumé with the call (not in the list), bounds it, and erases it with the call', async () => {
    const resume = 'Ada Lovelace\nAnalyst, 1842–1843.\nNotes on the Analytical Engine.';
    const placed = await api.call('POST', '/calls', { body: { to: CANDIDATE, candidate: { name: 'Ada', resume } } });
    expect(placed.status).toBe(201);
    expect(placed.json.interview.resume).toBe(resume);
    const list = await api.call('GET', '/calls');
    expect(list.json.calls[0].interview).not.toHaveProperty('resume');

    const long = await api.call('POST', '/calls', {
      body: { to: CANDIDATE, candidate: { resume: 'r'.repeat(20_001) } },
    });
    expect(long.json.error).toMatchObject({
      field: 'candidate.resume',
      message: expect.stringMatching(/at most 20000/),
    });
    const binary = await api.call('POST', '/calls', { body: { to: CANDIDATE, candidate: { resume: 'a\u0000b' } } });
    expect(binary.json.error).toMatchObject({
      field: 'candidate.resume',
      message: 'candidate.resume must be plain text',
    });

    expect((await api.call('DELETE', `/calls/${placed.json.id}`)).status).toBe(204);
    expect((await api.call('GET', `/calls/${placed.json.id}`)).json.interview.resume).toBeNull();
  });
});
