/**
 * `npm run demo`: the offline interview. Replays the happy-path fixture (a synthetic call)
 * through the real service on the embedded database in DATA_DIR (default ./data), printing the
 * conversation with per-turn latencies as it happens; then the call record stays in that
 * database and a WAV of the call (both sides mixed) is written under DATA_DIR. No key, no
 * network (everything listens on 127.0.0.1), well under a minute on a laptop.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callWav } from './call-wav.js';
import { readFixture } from './fixture-reader.js';
import { replayFixture } from './replay-call.js';
import { ConsolePrinter, clockTime, formatEvent, formatVerdict, replayMatched } from './replay-print.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/happy-path', import.meta.url));

async function main(): Promise<number> {
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  const printer = new ConsolePrinter();
  const fixture = await readFixture(FIXTURE);
  printer.line('An offline interview: a recorded call replayed through the real service and pipeline.');
  printer.line(`  ${fixture.meta.description}`);
  printer.line(
    `  Database: embedded PostgreSQL (PGlite) in ${dataDir}. Times are call time when each line was complete.`,
  );
  printer.line('');
  const started = performance.now();
  const result = await replayFixture(fixture, {
    dataDir,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    onEvent: (event) => printer.line(formatEvent(event)),
    onProgress: (atMs, recordedMs) =>
      printer.progress(`  ▶ replaying ${clockTime(atMs)} of ${clockTime(recordedMs)} (accelerated clock)`),
  });
  printer.line('');
  printer.line(formatVerdict(result, performance.now() - started));

  const wavDir = path.join(dataDir, 'demo');
  await mkdir(wavDir, { recursive: true });
  const wavFile = path.join(wavDir, `call-${result.callId}.wav`);
  await writeFile(wavFile, callWav(result.audio));
  printer.line('');
  printer.line(`The call record is in the database: id ${result.callId}. To read it through the API:`);
  printer.line(`  DATA_DIR=${dataDir} API_KEY=local-secret npm start`);
  printer.line(`  curl -H 'Authorization: Bearer local-secret' http://localhost:3000/api/calls/${result.callId}`);
  printer.line(`Listen to the call (both sides, 8 kHz WAV): ${wavFile}`);
  return replayMatched(result) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
