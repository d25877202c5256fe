import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('tools/start/build-if-stale.mjs');

/** A project with sources, a build stamp, and no TypeScript: compiling in it would fail. */
function project(stampAgeS: number, sourceAgeS: number): string {
  const root = mkdtempSync(path.join(tmpdir(), 'build-if-stale-'));
  mkdirSync(path.join(root, 'src', 'media'), { recursive: true });
  mkdirSync(path.join(root, 'dist'));
  const now = Date.now() / 1000;
  for (const file of ['src/main.ts', 'src/media/codec.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    writeFileSync(path.join(root, file), '{}\n');
    utimesSync(path.join(root, file), now - sourceAgeS, now - sourceAgeS);
  }
  for (const dir of ['src', 'src/media']) utimesSync(path.join(root, dir), now - sourceAgeS, now - sourceAgeS);
  writeFileSync(path.join(root, 'dist', '.build-stamp'), 'x\n');
  utimesSync(path.join(root, 'dist', '.build-stamp'), now - stampAgeS, now - stampAgeS);
  return root;
}

function check(root: string): string {
  return execFileSync(process.execPath, [SCRIPT, '--root', root, '--check'], { encoding: 'utf8' }).trim();
}

describe('npm start builds only when the sources changed', () => {
  it('a build newer than every source is fresh, and starting from it runs no compiler', () => {
    const root = project(10, 60);
    expect(check(root)).toBe('fresh');
    // No TypeScript in this project: had it tried to compile, it would have failed.
    const run = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('a source file changed after the build, a missing stamp, or a changed tsconfig make it stale', () => {
    const changedSource = project(60, 60);
    const now = Date.now() / 1000;
    utimesSync(path.join(changedSource, 'src/media/codec.ts'), now, now);
    expect(check(changedSource)).toBe('stale');

    const neverBuilt = project(10, 60);
    execFileSync('rm', [path.join(neverBuilt, 'dist', '.build-stamp')]);
    expect(check(neverBuilt)).toBe('stale');

    const changedConfig = project(10, 60);
    utimesSync(path.join(changedConfig, 'tsconfig.build.json'), now, now);
    expect(check(changedConfig)).toBe('stale');
  });

  it('a stale project is compiled by the start path (here: tsc is missing, so it fails loudly)', () => {
    const root = project(60, 10);
    const run = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('compiling');
  });

  it('npm start goes through the check, and the Docker image starts the built service without compiling', () => {
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    expect(scripts.start).toBe('node tools/start/build-if-stale.mjs && node dist/src/main.js');
    const cmd = readFileSync('Dockerfile', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('CMD'));
    expect(cmd).toEqual(['CMD ["node", "dist/src/main.js"]']);
  });
});
