/**
 * `npm run bench:recording`: what recording every call costs. Feeds N concurrent calls' worth
 * of Twilio messages (a caller frame in and, half of the time, an agent frame out every 20 ms,
 * with a clear now and then) through one AudioRecorder per call, writing real WAV files to a
 * temporary folder, on a ManualClock stepped 20 ms at a time; prints the CPU time per message,
 * the share of one core the recordings of N live calls would take, heap per call, and the writes
 * the files got. Prints, never fails on a slow machine.
 *
 *   npm run bench:recording                 200 calls of 60 s
 *   npm run bench:recording -- --calls 50 --seconds 120
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../src/lib/clock.js';
import { pcm16ToMulaw } from '../src/media/audio-codec.js';
import { buildClearMessage, buildMediaMessage } from '../src/media/twilio-messages.js';
import { AudioRecorder } from '../src/recording/audio-recorder.js';
import { heapAfterGc } from './memory.js';

/** Heap and array buffers (the recorders' rings) after a full collection, bytes. */
function memoryInUse(): number {
  return heapAfterGc() + process.memoryUsage().arrayBuffers;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? Number.NaN : Number(process.argv[at + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const CALLS = option('calls', 200);
const SECONDS = option('seconds', 60);
const FRAMES = SECONDS * 50;

function tone(level: number): Buffer {
  const pcm = new Int16Array(160);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(level * Math.sin(i / 3));
  return pcm16ToMulaw(pcm);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-recording-'));
  const clock = new ManualClock();
  const heapBefore = memoryInUse();
  const recorders = Array.from({ length: CALLS }, (_, call) => {
    const recorder = new AudioRecorder({ clock, fileFor: () => path.join(dir, `call-${call}`, 'audio.wav') });
    const streamSid = `MZ${String(call).padStart(32, '0')}`;
    recorder.inbound(
      JSON.stringify({ event: 'start', streamSid, start: { streamSid, callSid: `CA${call}`, customParameters: {} } }),
      clock.now(),
    );
    return { recorder, streamSid };
  });
  const caller = tone(3000).toString('base64');
  const agentText = new Map(recorders.map(({ streamSid }) => [streamSid, buildMediaMessage(streamSid, tone(6000))]));
  let messages = 0;
  let cpuMicros = 0;
  for (let frame = 1; frame <= FRAMES; frame++) {
    clock.advance(20);
    // Agent speaks in 4 s turns every 8 s; a clear 3 s into every other turn.
    const agentSpeaking = frame % 400 < 200;
    const clearNow = frame % 800 === 150;
    const started = process.cpuUsage();
    for (const { recorder, streamSid } of recorders) {
      recorder.inbound(
        `{"event":"media","sequenceNumber":"${frame + 1}","streamSid":"${streamSid}","media":{"track":"inbound","chunk":"${frame}","timestamp":"${frame * 20}","payload":"${caller}"}}`,
        clock.now(),
      );
      messages++;
      if (agentSpeaking) {
        recorder.outbound(agentText.get(streamSid) ?? '', clock.now());
        messages++;
      }
      if (clearNow) recorder.outbound(buildClearMessage(streamSid), clock.now());
    }
    const used = process.cpuUsage(started);
    cpuMicros += used.user + used.system;
    // Let the batched writes run, as the event loop would between frames.
    if (frame % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const heapDuring = memoryInUse();
  const closeStarted = process.cpuUsage();
  const results = await Promise.all(recorders.map(({ recorder }) => recorder.finish(clock.now())));
  const closeCpu = process.cpuUsage(closeStarted);
  const bytes = results.reduce((sum, r) => sum + (r?.dataBytes ?? 0), 0);
  await rm(dir, { recursive: true, force: true });

  const perMessageUs = cpuMicros / messages;
  const coreShare = cpuMicros / 1000 / (SECONDS * 1000);
  console.log(`Recording ${CALLS} calls of ${SECONDS} s (${messages.toLocaleString('en')} messages):`);
  console.log(`  CPU per message (parse, decode, mix, hand to the file)  ${perMessageUs.toFixed(2)} µs`);
  console.log(
    `  CPU for ${CALLS} live calls' recordings                     ${(coreShare * 100).toFixed(1)} % of one core`,
  );
  console.log(
    `  memory per call while recording                      ${((heapDuring - heapBefore) / CALLS / 1024).toFixed(0)} KB`,
  );
  console.log(
    `  written                                              ${(bytes / 1e6).toFixed(1)} MB in ${((closeCpu.user + closeCpu.system) / 1000).toFixed(0)} ms of CPU to close`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
