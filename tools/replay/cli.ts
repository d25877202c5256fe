/**
 * `npm run replay -- <fixture-dir> [--speed N] [--quiet]`: replays a recorded call through the
 * real service and prints the conversation with per-turn latencies as it happens, then the
 * verdict. Exit status: 0 when the replay reproduced the recording, 1 on a divergence or a
 * difference, 2 for a bad command line or an invalid fixture.
 *
 * Without --speed the call runs on an accelerated, deterministic clock (as fast as the machine
 * allows); --speed N plays it on real timers N times faster than real time (1 = real time).
 */
import { stat } from 'node:fs/promises';
import { isAppError } from '../../src/lib/errors.js';
import { readFixture } from './fixture-reader.js';
import { replayFixture } from './replay-call.js';
import { ConsolePrinter, clockTime, formatEvent, formatVerdict, replayMatched } from './replay-print.js';

const USAGE = 'usage: npm run replay -- <fixture-dir> [--speed N] [--quiet]';

interface CliArgs {
  dir: string;
  speed?: number;
  quiet: boolean;
}

function parseArgs(argv: readonly string[]): CliArgs | string {
  let dir: string | undefined;
  let speed: number | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quiet') quiet = true;
    else if (arg === '--speed') {
      speed = Number(argv[++i]);
      if (!Number.isFinite(speed) || speed <= 0) return `--speed needs a positive number, got "${argv[i] ?? ''}"`;
    } else if (arg === '--help' || arg === '-h') return USAGE;
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (dir === undefined) dir = arg;
    else return `one fixture folder at a time (got "${dir}" and "${arg}")`;
  }
  if (dir === undefined) return 'which fixture? e.g. npm run replay -- fixtures/happy-path';
  return { dir, quiet, ...(speed !== undefined ? { speed } : {}) };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args === USAGE ? '' : `${args}\n`}${USAGE}\n`);
    return 2;
  }
  const isDir = await stat(args.dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    process.stderr.write(`FIXTURE_INVALID ${args.dir}: no such folder (a fixture is a folder with call.jsonl)\n`);
    return 2;
  }
  let fixture: Awaited<ReturnType<typeof readFixture>>;
  try {
    fixture = await readFixture(args.dir);
  } catch (err) {
    if (isAppError(err, 'FIXTURE_INVALID')) {
      process.stderr.write(`FIXTURE_INVALID ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const printer = new ConsolePrinter();
  const { meta } = fixture;
  printer.line(`Replaying ${args.dir}${meta.synthetic ? ' (synthetic)' : ''}: ${meta.description}`);
  printer.line(
    args.speed === undefined
      ? 'Clock: accelerated and deterministic (--speed N for real time).'
      : `Clock: real time × ${args.speed}.`,
  );
  printer.line('');
  const started = performance.now();
  const result = await replayFixture(fixture, {
    ...(args.speed !== undefined ? { speed: args.speed } : {}),
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    onEvent: (event) => {
      if (!args.quiet || event.type === 'divergence') printer.line(formatEvent(event));
    },
    onProgress: (atMs, recordedMs) => printer.progress(`  ▶ ${clockTime(atMs)} of ${clockTime(recordedMs)}`),
  });
  printer.line('');
  printer.line(formatVerdict(result, performance.now() - started));
  return replayMatched(result) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`replay failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
