/**
 * `npm run bench`: whole calls through the real service (server, store, SDKs) against the
 * protocol fakes at realistic provider latency, in real time, then the naive sequential
 * pipeline on the same turns. Prints the figures with the targets of issue 3 beside them and
 * writes them to bench/results/latest.json. Prints, never fails on a slow machine.
 *
 *   npm run bench                 2 fluent calls, 1 hesitant, 1 with talk-over (~6 min)
 *   npm run bench -- --fluent 3   3 fluent calls (~7 min)
 *   npm run bench -- --quick      1 fluent call, a short talk-over call (a smoke run, ~2.5 min)
 *   npm run bench -- --stt-profile measured   the fake Deepgram under a seeded behaviour profile
 *                                     (testing/fakes/deepgram-listen-profile.ts; `--stt-seed N`, default 1)
 *   npm run bench -- --no-hold  barge-in decided on words alone (BargeInParams.holdOnVoice off;
 *                                     by default the service pauses its audio at the caller's speech onset)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/lib/clock.js';
import { type Simulation, startSimulation } from '../testing/call-simulator.js';
import {
  isListenProfileName,
  LISTEN_PROFILE_NAMES,
  type ListenProfileChoice,
} from '../testing/fakes/deepgram-listen-profile.js';
import { expectedTtsAudio } from '../testing/fakes/deepgram-speak.js';
import { type CallPlan, probeGreeting, runCall } from './call-driver.js';
import { heapAfterGc, memoryNow } from './memory.js';
import { runNaiveBaseline } from './naive-pipeline.js';
import { BENCH_LATENCY } from './provider-latency.js';
import { type BenchCall, buildResults } from './report.js';
import { printResults } from './report-table.js';
import { FLUENT_CANDIDATES, HESITANT_CANDIDATE, INTERJECTIONS, TALK_OVER_CANDIDATE } from './scenarios.js';
import { distribution } from './stats.js';
import { analyseCall } from './turn-analysis.js';
import { WireTap } from './wire-tap.js';

/**
 * The agent speaks this many times faster than the fake's natural 70 ms a character in the
 * fluent and hesitant calls, so they fit in the run. No figure depends on how long a reply
 * lasts (latency is to its first audio); the talk-over call, where the caller interrupts a
 * playing reply, and the naive baseline, which waits for all the audio, keep the natural pace.
 */
const AGENT_VOICE_SPEED = 3;
/** The event loop's lateness is sampled every this many ms. */
const LOOP_SAMPLE_MS = 5;
/** Naive turns run side by side (they mostly wait on the fakes); the figures do not depend on it. */
const NAIVE_CONCURRENCY = 4;
const GREETING_OPENING = 'Hi, this is an AI interviewer';

const quick = process.argv.includes('--quick');
/** Greeting probes dialled at once, as issue 11's four simultaneous calls. */
const TOGETHER = 4;
const sttProfile = profileArg();
const holdOnVoice = !process.argv.includes('--no-hold');
/** Agent silence that ends its turn for the scripted candidate, ms (a hold's gap is ≤ ~60 ms). */
const agentDoneQuietMs = 600;
/** `--fluent N`: fluent calls (1–3). Default 2, so the whole run stays near 6 minutes. */
const fluentArg = process.argv.indexOf('--fluent');
const fluentCalls = quick ? 1 : Math.min(3, Math.max(1, Number(process.argv[fluentArg + 1] ?? 2) || 2));
const here = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const began = performance.now();
  const memoryStart = memoryNow();
  const tap = new WireTap();
  tap.install();
  let voiceSpeed = AGENT_VOICE_SPEED;
  if (sttProfile) console.log(`STT profile: ${sttProfile.profile} (seed ${sttProfile.seed})`);
  const sim = await startSimulation({
    ...(sttProfile ? { sttProfile } : {}),
    clock: systemClock,
    ...BENCH_LATENCY,
    ttsAudioFor: (text) => faster(expectedTtsAudio(text), voiceSpeed),
    logLevel: 'warn',
    bargeInParams: { holdOnVoice },
  });
  const memoryStarted = memoryNow();
  const calls: BenchCall[] = [];
  const greetingProbesMs: (number | undefined)[] = [];
  let probeHeapKb = 0;
  // How late the event loop ran during the calls: our processing cannot be faster than that.
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  let cpuShare = 0;
  try {
    await greetingRendered(tap);
    const probes = quick ? 3 : 8;
    // Short calls leave almost no harness records behind: their heap growth is the service's.
    const heapBeforeProbes = heapAfterGc();
    for (let i = 0; i < probes; i++) greetingProbesMs.push(await probeGreeting(sim));
    probeHeapKb = Math.round((heapAfterGc() - heapBeforeProbes) / 1024 / probes);
    const g = distribution(greetingProbesMs);
    log(
      `greeting probes: ${probes} calls, first frame p50 ${g.p50} ms, max ${g.max} ms, heap +${probeHeapKb} KB a call`,
    );
    // Issue 11: calls that start together must each hear the greeting within 150 ms too.
    const together = await Promise.all(Array.from({ length: TOGETHER }, () => probeGreeting(sim)));
    greetingProbesMs.push(...together);
    const t = distribution(together);
    log(`greeting, ${TOGETHER} calls starting together: first frame p50 ${t.p50} ms, max ${t.max} ms`);

    const plans: CallPlan[] = [
      ...FLUENT_CANDIDATES.slice(0, fluentCalls).map(
        (candidate): CallPlan => ({ scenario: 'fluent', candidate, maxAnswers: 10, agentDoneQuietMs }),
      ),
      ...(quick
        ? []
        : [
            {
              scenario: 'hesitant',
              candidate: HESITANT_CANDIDATE,
              maxAnswers: 10,
              agentDoneQuietMs,
            } satisfies CallPlan,
          ]),
      {
        scenario: 'talk-over',
        candidate: TALK_OVER_CANDIDATE,
        interjections: INTERJECTIONS,
        agentDoneQuietMs,
        maxAnswers: quick ? 3 : INTERJECTIONS.length,
        // Talk-over needs replies that last: the natural pace from the first answer on.
        afterGreeting: () => {
          voiceSpeed = 1;
        },
      },
    ];
    let cpuMicros = 0;
    let callMs = 0;
    for (const [i, plan] of plans.entries()) {
      voiceSpeed = AGENT_VOICE_SPEED;
      const started = performance.now();
      const heapBefore = heapAfterGc();
      // Only the calls themselves: the forced GCs and the analysis between them stall the loop.
      loopDelay.enable();
      const cpuBefore = process.cpuUsage();
      const callBegan = performance.now();
      const observation = await runCall(sim, plan);
      callMs += performance.now() - callBegan;
      const cpu = process.cpuUsage(cpuBefore);
      cpuMicros += cpu.user + cpu.system;
      loopDelay.disable();
      const heapDeltaKb = Math.round((heapAfterGc() - heapBefore) / 1024);
      const wallS = (performance.now() - started) / 1000;
      const figures = analyseCall(observation, tap);
      calls.push({ observation, figures, wallS, heapDeltaKb });
      const v = distribution(figures.turns.map((t) => t.voiceToVoiceSentMs));
      log(
        `call ${i + 1}/${plans.length} ${plan.scenario} (${plan.candidate.name}): ${figures.turns.length} turns, ` +
          `voice-to-voice p50 ${v.p50 ?? '—'} ms max ${v.max ?? '—'} ms, ${observation.summary.outcome}, ${wallS.toFixed(0)} s`,
      );
    }
    cpuShare = cpuMicros / 1000 / callMs;
  } finally {
    await sim.close();
    tap.uninstall();
  }

  const baselineTurns = calls.filter((c) => c.observation.scenario !== 'talk-over').flatMap((c) => c.figures.baseline);
  log(`naive baseline: ${baselineTurns.length} turns, ${NAIVE_CONCURRENCY} at a time`);
  const naive = await runNaiveBaseline(baselineTurns, BENCH_LATENCY, NAIVE_CONCURRENCY);

  const results = buildResults({
    latency: BENCH_LATENCY,
    agentVoiceSpeed: AGENT_VOICE_SPEED,
    calls,
    greetingProbesMs,
    probeHeapKb,
    naive,
    memory: { start: memoryStart, afterStartup: memoryStarted, end: memoryNow() },
    holdOnVoice,
    host: {
      eventLoopDelayMs: {
        p50: lateMs(loopDelay.percentile(50)),
        p99: lateMs(loopDelay.percentile(99)),
        max: lateMs(loopDelay.max),
      },
      cpuShareOfOneCore: Math.round(cpuShare * 100) / 100,
    },
    wallS: (performance.now() - began) / 1000,
  });
  console.log('');
  printResults(results);
  const dir = path.join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`figures written to ${path.relative(process.cwd(), path.join(dir, 'latest.json'))}`);
}

/** Waits until the service has rendered the greeting's opening (a production instance does this at start). */
async function greetingRendered(tap: WireTap): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (tap.tts.some((r) => r.text.startsWith(GREETING_OPENING) && r.endedAt !== undefined)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The cache stores the audio once the SDK has read the whole body.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Keeps every `speed`-th sample: the same tone pattern in 1/speed of the time. */
function faster(audio: Buffer, speed: number): Buffer {
  if (speed <= 1) return audio;
  const out = Buffer.alloc(Math.ceil(audio.length / speed));
  for (let i = 0; i < out.length; i++) out[i] = audio[i * speed]!;
  return out;
}

/** The histogram holds the interval between samples (ns), i.e. the sampling period plus the lateness. */
function lateMs(ns: number): number {
  return Math.max(0, Math.round((ns / 1e6 - LOOP_SAMPLE_MS) * 10) / 10);
}

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

export type { Simulation };

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

/** `--stt-profile NAME [--stt-seed N]`: a named fake-Deepgram profile, or undefined for the fixed cadence. */
function profileArg(): ListenProfileChoice | undefined {
  const at = process.argv.indexOf('--stt-profile');
  if (at < 0) return undefined;
  const name = process.argv[at + 1] ?? '';
  if (!isListenProfileName(name)) {
    throw new Error(`--stt-profile: unknown profile "${name}"; known: ${LISTEN_PROFILE_NAMES.join(', ')}`);
  }
  const seedAt = process.argv.indexOf('--stt-seed');
  return { profile: name, seed: seedAt < 0 ? 1 : Number(process.argv[seedAt + 1]) || 1 };
}
