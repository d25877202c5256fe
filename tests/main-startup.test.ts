import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runMain(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe('start-up with a bad environment', () => {
  it.each([
    [{ PORT: 'eighty' }, 'configuration error: PORT must be a whole number ≥ 1, got "eighty"'],
    [
      { RESULTS_WEBHOOK_URL: 'https://hr.example.com/hook' },
      'configuration error: RESULTS_WEBHOOK_SECRET is required when RESULTS_WEBHOOK_URL is set',
    ],
  ])('%o stops with exit code 1 and one line naming the setting', (env, line) => {
    const result = runMain(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(line);
    expect(result.stdout).toBe('');
  });
});
