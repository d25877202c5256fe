/**
 * `npm run bench:start`: how long `npm start` takes to answer /healthz with a fresh build, on a
 * new embedded database (its first start creates and migrates it) and on an existing one (a
 * restart after a crash). Prints figures with the load average; never fails on a slow machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const PORT = 3900 + Math.floor(Math.random() * 90);

async function timeStart(dataDir: string): Promise<number> {
  const began = performance.now();
  // Its own process group, so the service npm started goes down with it.
  const child = spawn('npm', ['start', '--silent'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - began;
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      await sleep(20);
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
    await sleep(300);
  }
}

async function main(): Promise<void> {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'start-time-')), 'data');
  const first = await timeStart(dataDir);
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) restarts.push(await timeStart(dataDir));
  const load = os.loadavg().map((l) => l.toFixed(2));
  console.log(
    `npm start → /healthz 200, dist fresh (load average ${load.join(' ')}, ${os.availableParallelism()} cores):`,
  );
  console.log(`  first start, new embedded database: ${Math.round(first)} ms`);
  console.log(`  restarts on the same database: ${restarts.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
