/**
 * `npm run replay` as a user runs it (a child process): the conversation and the verdict on
 * stdout with exit 0 for a fixture that reproduces, and one FIXTURE_INVALID line with exit 2 for
 * a bad folder or a broken fixture.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './replay-harness.js';

afterAll(removeTempDirs);

const ROOT = path.resolve(import.meta.dirname, '../..');

function replayCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'tools/replay/cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

it('replays a fixture: prints the conversation and the verdict, exits 0', async () => {
  const { code, stdout } = await replayCli(['fixtures/caller-hangs-up']);
  expect(stdout).toContain('Replaying fixtures/caller-hangs-up (synthetic)');
  expect(stdout).toMatch(/agent {6}Hi, this is an AI interviewer/);
  expect(stdout).toMatch(/candidate {2}Yes, this is Sam/);
  expect(stdout).toMatch(/⏱ turn 1 · commit \d+ ms · voice-to-voice \d+ ms/);
  expect(stdout).toContain('Outcome: caller_hung_up · stages greeting → self_intro');
  expect(stdout).toContain('No divergence');
  expect(stdout).toContain('Transcript, stages and outcome match the recording.');
  expect(code).toBe(0);
}, 120_000);

it('a folder that is not there is one FIXTURE_INVALID line and exit 2', async () => {
  const { code, stderr } = await replayCli(['fixtures/no-such-call']);
  expect(code).toBe(2);
  expect(stderr.trim()).toBe(
    'FIXTURE_INVALID fixtures/no-such-call: no such folder (a fixture is a folder with call.jsonl)',
  );
});

it('a broken fixture names the file and line; a bad option shows the usage', async () => {
  const dir = path.join(await tempDir(), 'broken');
  await mkdir(dir);
  await writeFile(path.join(dir, 'caller.ulaw'), Buffer.alloc(0));
  await writeFile(path.join(dir, 'call.jsonl'), '{"type":"meta","atMs":0,"version":1}\n');
  const broken = await replayCli([dir]);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toMatch(/^FIXTURE_INVALID broken\/call\.jsonl line 1: meta line: synthetic: /);

  const usage = await replayCli(['--fast', 'fixtures/dtmf']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('unknown option --fast');
  expect(usage.stderr).toContain('usage: npm run replay -- <fixture-dir> [--speed N] [--quiet]');
});
