import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDefinitionRegistry, defaultDefinition } from '../../src/interview/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { AudioRecordings, recordingFile } from '../../src/recording/audio-recordings.js';
import { PostgresRecordingStore } from '../../src/store/recording-store.js';
import { PostgresTemplateStore } from '../../src/store/template-store.js';
import { TemplateDefinitions } from '../../src/templates/template-definitions.js';
import { parseTemplate } from '../../src/templates/template-input.js';
import { LogCapture } from '../../testing/log-capture.js';
import { engines, useFreshStore } from './databases.js';

const STREAM = 'MZ11111111111111111111111111111111';

function start(customParameters: Record<string, string>, callSid = 'CA42'): string {
  return JSON.stringify({ event: 'start', streamSid: STREAM, start: { streamSid: STREAM, callSid, customParameters } });
}

function media(chunk: number): string {
  const payload = Buffer.alloc(160, 0x20).toString('base64');
  return JSON.stringify({ event: 'media', streamSid: STREAM, media: { timestamp: String(chunk * 20), payload } });
}

describe.each(engines)('recordings and template definitions in the store ($name)', (engine) => {
  const fresh = useFreshStore(engine);
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'recordings-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function recordings() {
    const store = new PostgresRecordingStore(fresh.database.db);
    return {
      store,
      audio: new AudioRecordings({ rootDir: root, clock: fresh.clock, logger: createLogger('silent'), store }),
    };
  }

  it('finds the call of a stream without our parameters by its CallSid, and stores where and how long', async () => {
    const { callId } = await fresh.store.beginCall({
      callSid: 'CA42',
      direction: 'inbound',
      from: '+15550001',
      to: '',
    });
    const { audio } = recordings();
    const tap = audio.createTap();
    tap.inbound(start({}), fresh.clock.now());
    for (let chunk = 1; chunk <= 100; chunk++) {
      fresh.clock.advance(20);
      tap.inbound(media(chunk), fresh.clock.now());
    }
    tap.closed(fresh.clock.now());
    await audio.whenIdle();
    const wav = await readFile(recordingFile(root, callId));
    expect((wav.length - 44) / 16).toBe(2020);
    const record = await fresh.store.getRecord(callId);
    expect(record?.recording).toEqual({
      url: `/api/calls/${callId}/recording`,
      startedAt: new Date(fresh.clock.wallNow() - 2000).toISOString(),
      durationMs: 2020,
    });
  });

  it('keeps an erased call erased: a recording starting after the erasure stores nothing', async () => {
    const { callId } = await fresh.store.beginCall({
      callSid: 'CA43',
      direction: 'inbound',
      from: '+15550001',
      to: '',
    });
    await fresh.store.eraseCall(callId);
    const { store } = recordings();
    await store.recordingStarted(callId, new Date());
    expect((await fresh.store.getRecord(callId))?.recording).toBeNull();
  });

  it('shuts down mid-call with the recording finished and its length stored', async () => {
    const { callId } = await fresh.store.beginCall({
      callSid: 'CA44',
      direction: 'inbound',
      from: '+15550001',
      to: '',
    });
    const { audio } = recordings();
    const tap = audio.createTap();
    tap.inbound(start({ callId }, 'CA44'), fresh.clock.now());
    fresh.clock.advance(500);
    await audio.whenIdle();
    expect(existsSync(recordingFile(root, callId))).toBe(true);
    expect((await fresh.store.getRecord(callId))?.recording?.durationMs).toBe(500);
  });

  it('gives a call its template version, and the built-in default (logged) when that version is unusable', async () => {
    const templates = new PostgresTemplateStore(fresh.database.db, fresh.clock);
    const parsed = parseTemplate({
      id: 'backend-go',
      name: 'Backend (Go)',
      greeting: defaultDefinition.greeting,
      stages: defaultDefinition.stages,
    });
    if (!parsed.ok) throw new Error('bad template');
    await templates.createTemplate(parsed.definition);
    const logs = new LogCapture();
    const definitions = new TemplateDefinitions({
      builtIn: createDefinitionRegistry(),
      store: templates,
      logger: createLogger('info', logs),
    });
    expect((await definitions.definitionFor({ definitionId: 'backend-go', templateVersion: 1 })).name).toBe(
      'Backend (Go)',
    );
    expect(await definitions.definitionFor({ definitionId: 'default', templateVersion: null })).toBe(defaultDefinition);

    await sql`update interview_template_versions set definition = '{"id":"backend-go"}'::jsonb`.execute(
      fresh.database.db,
    );
    // Version 1 was read once and is kept; a version that cannot be used falls back.
    expect((await definitions.definitionFor({ definitionId: 'backend-go', templateVersion: 1 })).name).toBe(
      'Backend (Go)',
    );
    const fresher = new TemplateDefinitions({
      builtIn: createDefinitionRegistry(),
      store: templates,
      logger: createLogger('info', logs),
    });
    expect(await fresher.definitionFor({ definitionId: 'backend-go', templateVersion: 1 })).toBe(defaultDefinition);
    expect(await fresher.definitionFor({ definitionId: 'backend-go', templateVersion: 7 })).toBe(defaultDefinition);
    expect(logs.lines.filter((l) => String(l.msg).includes('template version unusable'))).toHaveLength(2);
  });
});
