import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { databaseUrl, dropSchema, freshSchemaName } from './databases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const childScript = path.join(here, 'crash-writer-child.ts');
/** Lines the child must have committed before it is killed. */
const KILL_AFTER = 8;

/** Runs the child until it reports KILL_AFTER stored lines, then SIGKILLs it mid-call. */
async function runAndKill(args: string[]): Promise<{ callId: string; stored: number }> {
  // Node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild that a
  // SIGKILL of the CLI would leave running (and writing), so the test would kill nothing.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let callId = '';
  let stored = 0;
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'call') callId = value ?? '';
        if (word === 'stored') stored = Number(value);
      }
      if (stored >= KILL_AFTER && child.exitCode === null) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited before it was killed: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return { callId, stored };
}

/** Every child started, killed after each test even when the test failed or timed out before its kill. */
const spawned = new Set<ChildProcess>();

describe('a process killed mid-call', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    spawned.clear();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function expectTranscriptKept(
    db: Awaited<ReturnType<typeof openDatabase>>,
    run: { callId: string; stored: number },
  ) {
    const lines = await db
      .selectFrom('transcript_lines')
      .select('text')
      .where('call_id', '=', run.callId)
      .orderBy('id')
      .execute();
    // Everything acknowledged before the kill is there, in order; at most the line in flight beyond.
    expect(lines.length).toBeGreaterThanOrEqual(run.stored);
    expect(lines.map((l) => l.text)).toEqual(lines.map((_, i) => `line ${i + 1}`));
    const stages = await db.selectFrom('stage_timeline').select('name').where('call_id', '=', run.callId).execute();
    expect(stages.map((s) => s.name)).toEqual(['greeting']);
  }

  it('leaves its transcript so far in file-backed PGlite', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crash-pglite-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const run = await runAndKill([dataDir]);
    const db = await openDatabase({ dataDir });
    try {
      await expectTranscriptKept(db, run);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it.runIf(databaseUrl)(
    'leaves its transcript so far in PostgreSQL',
    async () => {
      const url = databaseUrl ?? '';
      const schema = freshSchemaName();
      cleanups.push(() => dropSchema(url, schema));
      const run = await runAndKill(['--pg', url, schema]);
      const db = await openDatabase({ databaseUrl: url, schema });
      try {
        await expectTranscriptKept(db, run);
      } finally {
        await db.destroy();
      }
    },
    60_000,
  );
});
