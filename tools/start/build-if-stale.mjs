#!/usr/bin/env node
/**
 * `npm start`'s first step: compile only when the sources are newer than the last build, so a
 * restart after a crash starts the built service at once (tsc takes 10–20 s on a busy 2-core
 * machine; this check takes a few ms). Plain JavaScript because it runs before anything is built.
 *
 *   node tools/start/build-if-stale.mjs [--root DIR] [--check | --force]
 *
 * `--force` compiles whatever the stamp says (`npm run build`). `--check` only prints `fresh` or `stale` (exit 0 either way) and never compiles. A build
 * that succeeds stamps `dist/.build-stamp`; the stamp, not the outputs, is compared, so a
 * failed or interrupted build is never taken for a fresh one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the build reads: a change to any of these makes dist stale. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
export const STAMP = path.join('dist', '.build-stamp');

/** Newest modification time under `target` (a file or a directory), ms; 0 when it is missing. */
function newestMtimeMs(target) {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtimeMs(path.join(target, entry)));
  return newest;
}

/** True when dist has no successful build newer than every input. */
export function isStale(root) {
  const stamp = newestMtimeMs(path.join(root, STAMP));
  if (stamp === 0) return true;
  return INPUTS.some((input) => newestMtimeMs(path.join(root, input)) > stamp);
}

function build(root) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  writeFileSync(path.join(root, STAMP), `${new Date().toISOString()}\n`);
}

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = path.resolve(rootAt < 0 ? process.cwd() : (args[rootAt + 1] ?? '.'));
const stale = isStale(root);
if (args.includes('--check')) {
  process.stdout.write(stale ? 'stale\n' : 'fresh\n');
} else if (stale || args.includes('--force')) {
  if (!args.includes('--force')) process.stderr.write('sources changed since the last build: compiling\n');
  build(root);
}
