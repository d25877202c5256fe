/**
 * `npm run demo`: the offline interview. Replays the happy-path fixture (a synthetic call)
 * through the real service on the embedded database in DATA_DIR (default ./data), printing the
 * conversation with per-turn latencies as it happens; then the call record stays in that
 * database with its recording (both sides mixed, as every call is recorded) under
 * DATA_DIR/recordings, and it prints the API_KEY to start the service with and where to look.
 * No key, no network (everything listens on 127.0.0.1), well under a minute on a laptop.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordingFile } from '../../src/recording/audio-recordings.js';
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

  const wavFile = recordingFile(path.join(dataDir, 'recordings'), result.callId);
  const recorded = await stat(wavFile).then(
    (info) => info.size > 44,
    () => false,
  );
  if (!recorded) {
    printer.line(`The call's recording is missing (expected ${wavFile}).`);
    return 1;
  }
  // Any key works (the service is started with it); a fresh one is no guessable default.
  const apiKey = `demo-${randomBytes(12).toString('base64url')}`;
  const base = 'http://localhost:3000';
  printer.line('');
  printer.line(`The call is stored with its recording in ${dataDir} (id ${result.callId}). To see and hear it:`);
  printer.line(`  DATA_DIR=${dataDir} API_KEY=${apiKey} npm start`);
  printer.line(`  then open ${base}/console and sign in with the API_KEY above`);
  printer.line('Or through the API:');
  printer.line(`  curl -H 'Authorization: Bearer ${apiKey}' ${base}/api/calls/${result.callId}`);
  printer.line(`  curl -H 'Authorization: Bearer ${apiKey}' -o call.wav ${base}/api/calls/${result.callId}/recording`);
  printer.line(`The recording on disk (both sides, 8 kHz 16-bit WAV): ${wavFile}`);
  return replayMatched(result) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
