/**
 * WORKERS=2 on a real PostgreSQL: the service as node:cluster workers on one port, through the
 * real main.ts. Calls are taken (webhook and stream may land on different workers), /metrics is
 * the sum over the workers, a worker that dies is replaced, and SIGTERM drains every worker.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { directChildren } from '../../bench/load/service-process.js';
import { systemClock } from '../../src/lib/clock.js';
import { streamUrlFor } from '../../src/twilio/twiml.js';
import { startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { startOpenAiFake } from '../../testing/fakes/openai-fake.js';
import { PhoneStream, postSignedWebhook } from '../../testing/fakes/twilio-phone.js';
import { scriptedInterviewer } from '../../testing/scripted-interviewer.js';
import { freshSchemaName } from '../store/databases.js';

const databaseUrl = process.env.DATABASE_URL;

/**
 * The primary's worker processes: its node children only (under `--import tsx` the primary may
 * also run esbuild's service process, which is not a worker).
 */
function childPids(parent: number): number[] {
  const isNode = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === process.execPath;
    } catch {
      return false;
    }
  };
  return directChildren(parent).filter(isNode);
}
const AUTH_TOKEN = 'cluster-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://interviews.example.com';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The same server, another database: the service migrates it from empty, as a new deployment does. */
function otherDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
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
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe.skipIf(!databaseUrl)('the service as cluster workers on PostgreSQL', () => {
  it('takes calls on both workers, sums their metrics, replaces a dead worker and drains on SIGTERM', async () => {
    const url = databaseUrl!;
    const database = `cluster_${freshSchemaName()}`;
    await adminQuery(url, `create database ${database}`);
    const deepgram = await startDeepgramFake({ apiKey: 'dg-key' });
    const openai = await startOpenAiFake({ apiKey: 'sk-key', respond: scriptedInterviewer });
    const port = 5100 + Math.floor(Math.random() * 800);
    const base = `http://127.0.0.1:${port}`;
    const primary = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        WORKERS: '2',
        MAX_CALLS: '10',
        DATABASE_URL: otherDatabase(url, database),
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cluster-')),
        PUBLIC_URL,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        DEEPGRAM_API_KEY: 'dg-key',
        DEEPGRAM_API_URL: deepgram.url,
        OPENAI_API_KEY: 'sk-key',
        OPENAI_BASE_URL: openai.baseUrl,
        // Info, to read each worker's "listening" line; stderr still shows what goes wrong.
        LOG_LEVEL: 'info',
        DRAIN_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(primary);
    // A worker is in the round-robin only once it listens; until both do, every connection goes
    // to the first, and the calls would all land on one worker.
    let listening = 0;
    let partial = '';
    primary.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.includes('"msg":"listening')) listening++;
    });
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    const pid = primary.pid!;
    try {
      // Node children only: the whole tree also holds each process's esbuild service (under tsx),
      // which comes and goes, so a tree count can skip past two while the poll sleeps.
      await until(() => childPids(pid).length === 2, 'two workers', 60_000);
      const healthy = () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      await until(healthy, '/healthz', 90_000);
      await until(() => listening >= 2, 'both workers listening', 90_000);

      // All webhooks first, then the four streams back to back: connections are dealt round-robin,
      // so consecutive streams land two on each worker (webhooks between them would skew that).
      const answers: { callSid: string; parameters: Record<string, string> }[] = [];
      for (let i = 0; i < 4; i++) {
        const callSid = `CA${String(i + 1).padStart(32, '0')}`;
        const answer = await postSignedWebhook({
          localBaseUrl: base,
          publicUrl: PUBLIC_URL,
          path: '/twilio/voice',
          authToken: AUTH_TOKEN,
          params: {
            CallSid: callSid,
            AccountSid: `AC${'1'.repeat(32)}`,
            From: '+14155550123',
            To: '+14155550100',
            CallStatus: 'ringing',
            Direction: 'inbound',
          },
        });
        expect(answer.status).toBe(200);
        answers.push({ callSid, parameters: answer.parameters });
      }
      const phones: PhoneStream[] = [];
      for (const { callSid, parameters } of answers) {
        const phone = new PhoneStream({
          localWsUrl: `ws://127.0.0.1:${port}/twilio/media`,
          signedUrl: streamUrlFor(PUBLIC_URL),
          authToken: AUTH_TOKEN,
          clock: systemClock,
          callSid,
          customParameters: parameters,
        });
        await phone.connect();
        phone.start();
        phones.push(phone);
      }
      // Every call is carried: each hears its greeting.
      await until(() => phones.every((p) => p.received.length > 0), 'every greeting', 60_000);

      // /metrics is the machine's, whichever worker answers: four calls every time.
      for (let i = 0; i < 4; i++) {
        const text = await fetch(`${base}/metrics`).then((r) => r.text());
        const state = phones.map((p) => `${p.received.length} frames, closed ${p.closeCode ?? 'no'}`).join('; ');
        expect(/^calls_in_progress (\d+)/m.exec(text)?.[1], `read ${i}: ${state}`).toBe('4');
      }

      // A worker killed outright is replaced; the other worker's calls go on.
      const workerPids = childPids(pid);
      expect(workerPids).toHaveLength(2);
      process.kill(workerPids[0]!, 'SIGKILL');
      await until(
        () => childPids(pid).length === 2 && !childPids(pid).includes(workerPids[0]!),
        'a new worker',
        60_000,
      );
      // Connections are dealt round-robin, so each worker carries some of the four calls.
      await until(() => phones.some((p) => p.closeCode !== undefined), 'the dead worker’s calls to drop', 15_000);
      const stillUp = phones.filter((p) => p.closeCode === undefined);
      const closes = phones.map((p) => p.closeCode ?? 'open').join(', ');
      expect(stillUp.length, `close codes after the kill: ${closes}`).toBeGreaterThan(0);
      expect(stillUp.length).toBeLessThan(4);

      // SIGTERM: every worker drains (1 s here), says its short goodbye and hangs up its calls
      // (a normal close), and the primary exits cleanly.
      primary.kill('SIGTERM');
      expect(await exited).toBe(0);
      await until(() => phones.every((p) => p.closeCode !== undefined), 'every call closed', 10_000);
      expect(stillUp.map((p) => p.closeCode)).toEqual(stillUp.map(() => 1000));
    } finally {
      if (primary.exitCode === null) primary.kill('SIGKILL');
      await deepgram.close();
      await openai.close();
      await adminQuery(url, `drop database if exists ${database} with (force)`);
    }
  }, 240_000);
});
