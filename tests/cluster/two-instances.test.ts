/**
 * Two service processes on one PostgreSQL, as two machines behind one number: both start on an
 * empty database at once (migrations), Twilio's voice webhook for a call reaches both (a retry
 * answered by the other machine) and its stream the second one, the recruiter reads the records
 * from the first, and every call's results are delivered once although both run the outbox.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { streamUrlFor } from '../../src/twilio/twiml.js';
import { startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { startOpenAiFake } from '../../testing/fakes/openai-fake.js';
import { PhoneStream, postSignedWebhook } from '../../testing/fakes/twilio-phone.js';
import { scriptedInterviewer } from '../../testing/scripted-interviewer.js';
import { freshSchemaName } from '../store/databases.js';

const databaseUrl = process.env.DATABASE_URL;
const AUTH_TOKEN = 'two-instances-token-0123456789abcdef';
const API_KEY = 'two-instances-api-key';
const PUBLIC_URL = 'https://interviews.example.com';
const CALLS = 3;

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
});

describe.skipIf(!databaseUrl)('two service processes on one PostgreSQL', () => {
  it('migrate together, answer one call’s webhook on both and its stream on one, and deliver each result once', async () => {
    const url = databaseUrl!;
    const database = `two_${freshSchemaName()}`;
    await adminQuery(url, `create database ${database}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${database}`;
    const deliveries = new Map<string, number>();
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const callId = (JSON.parse(body) as { id?: string }).id ?? '?';
        deliveries.set(callId, (deliveries.get(callId) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const deepgram = await startDeepgramFake({ apiKey: 'dg-key' });
    const openai = await startOpenAiFake({ apiKey: 'sk-key', respond: scriptedInterviewer });
    const ports = [0, 1].map(() => 5100 + Math.floor(Math.random() * 800));
    if (ports[0] === ports[1]) ports[1] = ports[0]! + 1;
    const bases = ports.map((port) => `http://127.0.0.1:${port}`);
    const processes = ports.map((port) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          WORKERS: '1',
          DATABASE_URL: dbUrl.toString(),
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'two-')),
          PUBLIC_URL,
          TWILIO_AUTH_TOKEN: AUTH_TOKEN,
          DEEPGRAM_API_KEY: 'dg-key',
          DEEPGRAM_API_URL: deepgram.url,
          OPENAI_API_KEY: 'sk-key',
          OPENAI_BASE_URL: openai.baseUrl,
          API_KEY,
          RESULTS_WEBHOOK_URL: hook,
          RESULTS_WEBHOOK_SECRET: 'hook-secret',
          LOG_LEVEL: 'warn',
          DRAIN_TIMEOUT_MS: '1000',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    });
    const [a, b] = bases as [string, string];
    try {
      for (const base of bases) {
        await until(
          () =>
            fetch(`${base}/healthz`).then(
              (r) => r.ok,
              () => false,
            ),
          `${base} healthy`,
          90_000,
        );
      }
      const phones: PhoneStream[] = [];
      const callIds: string[] = [];
      for (let i = 0; i < CALLS; i++) {
        const callSid = `CA${String(i + 1).padStart(32, '9')}`;
        const params = {
          CallSid: callSid,
          AccountSid: `AC${'1'.repeat(32)}`,
          From: '+14155550123',
          To: '+14155550100',
          CallStatus: 'ringing',
          Direction: 'inbound',
        };
        const post = (base: string) =>
          postSignedWebhook({
            localBaseUrl: base,
            publicUrl: PUBLIC_URL,
            path: '/twilio/voice',
            authToken: AUTH_TOKEN,
            params,
          });
        // The same webhook on both machines at once (Twilio retried it): one call.
        const [onA, onB] = await Promise.all([post(a), post(b)]);
        expect(onA.status).toBe(200);
        expect(onB.status).toBe(200);
        expect(onA.parameters.callId, `call ${i}`).toBe(onB.parameters.callId);
        callIds.push(onA.parameters.callId ?? '');
        // Its stream on the other machine.
        const phone = new PhoneStream({
          localWsUrl: `ws://127.0.0.1:${ports[1]}/twilio/media`,
          signedUrl: streamUrlFor(PUBLIC_URL),
          authToken: AUTH_TOKEN,
          clock: systemClock,
          callSid,
          customParameters: onA.parameters,
        });
        await phone.connect();
        phone.start();
        phones.push(phone);
      }
      await until(() => phones.every((p) => p.received.length > 0), 'every greeting', 60_000);

      const record = async (base: string, id: string) => {
        const res = await fetch(`${base}/api/calls/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
        return (await res.json()) as { id: string; outcome: string | null; transcript: unknown[] };
      };
      // The recruiter on the first machine sees the calls the second carries.
      for (const id of callIds) expect((await record(a, id)).id).toBe(id);
      const list = (await fetch(`${a}/api/calls`, { headers: { authorization: `Bearer ${API_KEY}` } }).then((r) =>
        r.json(),
      )) as { calls?: { id: string }[] } | { id: string }[];
      const listed = (Array.isArray(list) ? list : (list.calls ?? [])).map((c) => c.id);
      for (const id of callIds) expect(listed).toContain(id);

      for (const phone of phones) phone.hangUp();
      for (const id of callIds) {
        await until(async () => (await record(a, id)).outcome !== null, `outcome of ${id}`, 30_000);
        expect((await record(a, id)).outcome).toBe('caller_hung_up');
      }
      // Both machines pass over the outbox every 5 s: each call is delivered, and only once.
      await until(() => callIds.every((id) => deliveries.has(id)), 'every delivery', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      expect(Object.fromEntries(deliveries)).toEqual(Object.fromEntries(callIds.map((id) => [id, 1])));
    } finally {
      const exits = processes.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve(),
      );
      for (const child of processes) if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.all(exits);
      receiver.close();
      await deepgram.close();
      await openai.close();
      await adminQuery(url, `drop database if exists ${database} with (force)`);
    }
  }, 240_000);
});
