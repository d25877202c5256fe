/**
 * `npm run bench:load`: N simultaneous interview calls through the real service process (built,
 * `node dist/src/main.js`, real SDKs) against the protocol fakes, with the callers' side (fake
 * phones, fake Deepgram, fake OpenAI-compatible LLM) in this process. Prints what the service
 * spent and what the phones heard; writes a dated results file. Never fails on a slow machine.
 *
 *   npm run bench:load -- --calls 20|100|200   simultaneous calls (default 20)
 *     --db embedded|postgres   embedded PGlite (default) or BENCH_DATABASE_URL / --database-url
 *     --max-calls M            the service's MAX_CALLS (default: the calls, so none is turned away)
 *     --workers W              WORKERS for the service (default its own default)
 *     --ramp S                 seconds over which the calls are dialled (default 10)
 *     --answers K              answers a caller gives before leaving (default 10: the whole interview)
 *     --voice-speed X          the fake TTS speaks X times faster than 70 ms a character (default 2)
 *     --max-seconds S          callers still on the line after S seconds hang up (default 300), so a run always ends
 *     --cpu-prof DIR           run the service with --cpu-prof into DIR
 *     --perf-map               run the service with --perf-basic-prof, for `perf record -e cpu-clock`:
 *                              V8's sampler counts wall time, so a write that wakes another process
 *                              on the same core is charged the time that process ran
 *     --perf-record FILE       with --perf-map: `perf record` the service's processes for 50 s once
 *                              every call is dialled (read it with bench/load/perf-summary.ts)
 *     --node-options TEXT      NODE_OPTIONS for the service and its workers (e.g. a V8 heap flag to compare)
 *     --service-env K=V        one more environment variable for the service (repeatable)
 *     --label TEXT             a word for the results file name
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { expectedTtsAudio, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { startOpenAiFake } from '../../testing/fakes/openai-fake.js';
import { scriptedInterviewer } from '../../testing/scripted-interviewer.js';
import { BENCH_LATENCY } from '../provider-latency.js';
import { FLUENT_CANDIDATES } from '../scenarios.js';
import { type LoadCallResult, runLoadCall } from './load-caller.js';
import { summariseLoad } from './load-report.js';
import { recordPerf } from './perf-record.js';
import { processTree, startServiceProcess } from './service-process.js';

const AUTH_TOKEN = 'load-auth-token-0123456789abcdef';
const API_KEY = 'load-api-key-0123456789';
const PUBLIC_URL = 'https://interviews.example.com';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}
const numberArg = (name: string, fallback: number) => Number(arg(name) ?? fallback) || fallback;

const calls = numberArg('calls', 20);
const db = arg('db') === 'postgres' ? 'postgres' : 'embedded';
const databaseUrl = arg('database-url') ?? process.env.BENCH_DATABASE_URL;
const maxCalls = numberArg('max-calls', calls);
const workers = arg('workers');
const rampS = numberArg('ramp', 10);
const maxAnswers = numberArg('answers', 10);
const voiceSpeed = numberArg('voice-speed', 2);
const cpuProfDir = arg('cpu-prof');
const perfRecordFile = arg('perf-record');
const perfMap = process.argv.includes('--perf-map') || perfRecordFile !== undefined;
const nodeOptions = arg('node-options');
const serviceEnv = Object.fromEntries(
  process.argv.flatMap((a, i) =>
    process.argv[i - 1] === '--service-env' && a.includes('=') ? [a.split(/=(.*)/s, 2)] : [],
  ),
) as Record<string, string>;
const maxSeconds = numberArg('max-seconds', 300);
const label = arg('label');
const here = path.dirname(fileURLToPath(import.meta.url));

function faster(audio: Buffer, speed: number): Buffer {
  if (speed <= 1) return audio;
  const out = Buffer.alloc(Math.ceil(audio.length / speed));
  for (let i = 0; i < out.length; i++) out[i] = audio[i * speed]!;
  return out;
}

async function main(): Promise<void> {
  if (db === 'postgres' && !databaseUrl) throw new Error('--db postgres needs BENCH_DATABASE_URL or --database-url');
  const deepgram = await startDeepgramFake({
    apiKey: 'dg-load-key',
    transcriptLatencyMs: BENCH_LATENCY.sttLatencyMs,
    speakFirstByteMs: BENCH_LATENCY.ttsFirstByteMs,
    speakAudioFor: (text) => faster(expectedTtsAudio(text), voiceSpeed),
  });
  const openai = await startOpenAiFake({
    apiKey: 'sk-load',
    respond: scriptedInterviewer,
    firstTokenMs: BENCH_LATENCY.llmFirstTokenMs,
    tokenIntervalMs: BENCH_LATENCY.llmTokenIntervalMs,
  });
  const port = 4100 + Math.floor(Math.random() * 800);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'load-'));
  const service = await startServiceProcess({
    port,
    nodeArgs: [
      ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
      ...(perfMap ? ['--perf-basic-prof'] : []),
    ],
    env: {
      PUBLIC_URL,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      DEEPGRAM_API_KEY: 'dg-load-key',
      DEEPGRAM_API_URL: deepgram.url,
      OPENAI_API_KEY: 'sk-load',
      OPENAI_BASE_URL: openai.baseUrl,
      API_KEY,
      DATA_DIR: dataDir,
      MAX_CALLS: String(maxCalls),
      LOG_LEVEL: 'warn',
      RECORD_AUDIO: '1',
      // The callers poll each call's stage through the recruiter API, all from 127.0.0.1: at 50
      // calls that is past the per-address limit, and a 429 read as "no outcome".
      API_RATE_LIMIT_PER_ADDRESS: '0',
      API_RATE_LIMIT_PER_KEY: '0',
      ...(workers ? { WORKERS: workers } : {}),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      ...serviceEnv,
      ...(db === 'postgres' && databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  });
  // Idle: started, greeting rendered ahead, nothing in progress.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleFrom = service.sample();
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idle = service.sample();
  const idleCores = (idle.cpuMs - idleFrom.cpuMs) / (idle.atMs - idleFrom.atMs);
  log(
    `service up on :${port} (${db}), idle RSS ${mb(idle.rssBytes)} MB, idle CPU ${idleCores.toFixed(3)} cores; dialling ${calls} calls over ${rampS} s`,
  );

  const driverLoop = monitorEventLoopDelay({ resolution: 10 });
  driverLoop.enable();
  const driverCpuBefore = process.cpuUsage();
  const serviceLoop: { p99Ms: number; maxMs: number }[] = [];
  const scrape = setInterval(() => {
    void Promise.all([
      service.metric('nodejs_eventloop_lag_p99_seconds'),
      service.metric('nodejs_eventloop_lag_max_seconds'),
    ]).then(
      ([p99, max]) => {
        if (p99 !== undefined && max !== undefined) serviceLoop.push({ p99Ms: p99 * 1000, maxMs: max * 1000 });
      },
      () => undefined,
    );
  }, 5000);
  const progress = setInterval(() => {
    const s = service.samples.at(-1);
    if (s) log(`  ${done}/${calls} calls done, RSS ${mb(s.rssBytes)} MB, load ${os.loadavg()[0]?.toFixed(2)}`);
  }, 15_000);
  let done = 0;
  const began = service.sample();
  const perf = perfRecordFile
    ? recordPerf({
        file: perfRecordFile,
        afterMs: rampS * 1000 + 5000,
        seconds: 50,
        pids: () => processTree(service.child.pid!),
      })
    : undefined;
  const deadlineAt = performance.now() + maxSeconds * 1000;
  const results: LoadCallResult[] = await Promise.all(
    Array.from({ length: calls }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, (index * rampS * 1000) / calls));
      const result = await runLoadCall(
        {
          baseUrl: service.baseUrl,
          wsUrl: `ws://127.0.0.1:${port}/twilio/media`,
          publicUrl: PUBLIC_URL,
          authToken: AUTH_TOKEN,
          apiKey: API_KEY,
          deepgram,
        },
        {
          index,
          candidate: FLUENT_CANDIDATES[index % FLUENT_CANDIDATES.length]!,
          maxAnswers,
          quietMs: 1200,
          deadlineAt,
        },
      );
      done++;
      return result;
    }),
  );
  const ended = service.sample();
  // The service's own view of the holes the phones heard: its pacing late, or its audio not there yet.
  const stalls = {
    late: (await service.metric('agent_audio_stalls_total', 'cause="late"')) ?? 0,
    starved: (await service.metric('agent_audio_stalls_total', 'cause="starved"')) ?? 0,
  };
  await perf;
  clearInterval(scrape);
  clearInterval(progress);
  driverLoop.disable();
  const driverCpu = process.cpuUsage(driverCpuBefore);
  const loadAverage = os.loadavg();
  await service.stop();
  await deepgram.close();
  await openai.close();

  const summary = summariseLoad({
    calls,
    db,
    maxCalls,
    workers: workers ?? 'default',
    voiceSpeed,
    results,
    idle,
    idleCores,
    began,
    ended,
    samples: service.samples.filter((s) => s.atMs >= began.atMs && s.atMs <= ended.atMs),
    serviceLoop,
    serviceStalls: stalls,
    driver: {
      cpuMs: (driverCpu.user + driverCpu.system) / 1000,
      loopDelayP99Ms: Math.max(0, driverLoop.percentile(99) / 1e6 - 10),
      loopDelayMaxMs: Math.max(0, driverLoop.max / 1e6 - 10),
    },
    loadAverage,
    cores: os.availableParallelism(),
  });
  console.log(JSON.stringify(summary.table, null, 2));
  const dir = path.join(here, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/:/g, '').slice(0, 15);
  const file = path.join(dir, `load-${stamp}-${calls}-${db}${label ? `-${label}` : ''}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  log(`written to ${path.relative(process.cwd(), file)}`);
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
function log(message: string): void {
  console.log(`[bench:load] ${message}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
