/**
 * `npx tsx bench/voice-activity.ts`: CPU the local voice-activity detector (src/vad) takes per
 * minute of caller audio, on synthetic speech with pauses over line noise. Prints figures,
 * never fails.
 */
import { cpuUsage } from 'node:process';
import { VoiceActivityDetector } from '../src/vad/voice-activity.js';
import { SeededRandom } from '../testing/seeded-random.js';
import { type AudioSpan, frames, synthesize } from '../testing/synthetic-audio.js';

const MINUTES = 3;
const random = new SeededRandom(11);
const spans: AudioSpan[] = [];
for (let t = 500; t < MINUTES * 60_000 - 3000; ) {
  const length = random.between(300, 2500);
  spans.push({ kind: 'voice', fromMs: t, toMs: t + length });
  t += length + random.between(100, 1500);
}
const clip = frames(synthesize(random, { durationMs: MINUTES * 60_000, noiseDb: -50, spans }));

function runOnce(): { cpuMs: number; events: number } {
  const vad = new VoiceActivityDetector();
  const before = cpuUsage();
  let events = 0;
  for (const { atMs, frame } of clip) events += vad.push(frame, atMs).length;
  const used = cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000, events };
}

runOnce(); // warm-up: let the JIT compile the frame loop
const runs = Array.from({ length: 5 }, runOnce);
const perMinute = runs.map((r) => r.cpuMs / MINUTES).sort((a, b) => a - b);
const median = perMinute[Math.floor(perMinute.length / 2)] ?? 0;
console.log(`voice activity detector: ${clip.length} frames (${MINUTES} min of audio), ${runs[0]?.events} events`);
console.log(
  `CPU per call-minute: median ${median.toFixed(1)} ms (min ${perMinute[0]?.toFixed(1)}, max ${perMinute.at(-1)?.toFixed(1)}), ` +
    `${((median / 60_000) * 100).toFixed(3)} % of one core while running on every frame`,
);
