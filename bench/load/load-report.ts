/** The load benchmark's figures from its calls and the service process's samples (pure). */
import { percentile } from '../stats.js';
import type { LoadCallResult } from './load-caller.js';
import { analysePlayout } from './playout-analysis.js';
import type { ProcessSample } from './service-process.js';

export interface LoadInput {
  calls: number;
  db: string;
  maxCalls: number;
  workers: string;
  voiceSpeed: number;
  results: LoadCallResult[];
  idle: ProcessSample;
  /** CPU the idle service used (sweeper, timers), cores. */
  idleCores: number;
  began: ProcessSample;
  ended: ProcessSample;
  samples: ProcessSample[];
  serviceLoop: { p99Ms: number; maxMs: number }[];
  /** Stalls the service counted (agent_audio_stalls_total): its pacing timer late, or no audio yet. */
  serviceStalls: { late: number; starved: number };
  driver: { cpuMs: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
  loadAverage: number[];
  cores: number;
}

const round = (v: number | undefined, places = 1) =>
  v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** places) / 10 ** places;

function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)),
  };
}

/** Most calls open at once, from each call's start and end. */
function peakLive(results: LoadCallResult[]): number {
  const edges = results.flatMap((r) => [
    [r.startedAt, 1],
    [r.endedAt, -1],
  ]) as [number, number][];
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let peak = 0;
  for (const [, d] of edges) {
    live += d;
    peak = Math.max(peak, live);
  }
  return peak;
}

/** The highest CPU rate over any `windowMs` of samples, in cores. */
function busiest(samples: ProcessSample[], windowMs: number): number | undefined {
  let best: number | undefined;
  for (let i = 0, j = 0; i < samples.length; i++) {
    while (j < samples.length && samples[j]!.atMs - samples[i]!.atMs < windowMs) j++;
    if (j >= samples.length) break;
    const a = samples[i]!;
    const b = samples[j]!;
    const cores = (b.cpuMs - a.cpuMs) / (b.atMs - a.atMs);
    best = best === undefined ? cores : Math.max(best, cores);
  }
  return best;
}

export function summariseLoad(input: LoadInput) {
  const answered = input.results.filter((r) => !r.refused);
  const outcomes: Record<string, number> = {};
  for (const r of input.results) {
    const key = r.refused ? 'turned away' : (r.outcome ?? 'no outcome');
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const callMinutes = answered.reduce((n, r) => n + (r.endedAt - r.startedAt), 0) / 60_000;
  const serviceCpuMs = input.ended.cpuMs - input.began.cpuMs;
  const wallMs = input.ended.atMs - input.began.atMs;
  const peakRss = Math.max(input.idle.rssBytes, ...input.samples.map((s) => s.rssBytes));
  const playouts = answered.map((r) => analysePlayout(r.arrivals));
  const pacing = spread(playouts.flatMap((p) => p.pacingDeviationsMs));
  const underruns = playouts.reduce((n, p) => n + p.underruns, 0);
  const loopP99 = input.serviceLoop.map((l) => Math.max(0, l.p99Ms - 10));
  const table = {
    calls: input.calls,
    database: input.db,
    maxCalls: input.maxCalls,
    workers: input.workers,
    peakLiveCalls: peakLive(answered),
    completedInterviews: outcomes.completed ?? 0,
    outcomes,
    callMinutes: round(callMinutes),
    productCpuMsPerCallMinute: round(serviceCpuMs / callMinutes, 0),
    idleCpuCores: round(input.idleCores, 3),
    cpuCoresAverage: round(serviceCpuMs / wallMs, 2),
    cpuCoresBusiest10s: round(busiest(input.samples, 10_000), 2),
    cpuPerCoreBusiest10s: round((busiest(input.samples, 10_000) ?? 0) / input.cores, 2),
    idleRssMb: round(input.idle.rssBytes / 1048576, 0),
    peakRssMb: round(peakRss / 1048576, 0),
    rssPerCallKbAboveIdle: answered.length ? round((peakRss - input.idle.rssBytes) / 1024 / answered.length, 0) : null,
    pacingDeviationMs: pacing,
    underruns,
    callsWithUnderruns: playouts.filter((p) => p.underruns > 0).length,
    serviceStalls: input.serviceStalls,
    serviceEventLoopDelayMs: {
      p99Worst5s: round(Math.max(0, ...loopP99)),
      p99Median5s: round(
        percentile(
          [...loopP99].sort((a, b) => a - b),
          50,
        ),
      ),
      max: round(Math.max(0, ...input.serviceLoop.map((l) => l.maxMs))),
    },
    greetingMs: spread(answered.map((r) => r.greetingMs).filter((v): v is number => v !== undefined)),
    voiceToVoiceMs: spread(answered.flatMap((r) => r.voiceToVoiceMs)),
    callersProcess: {
      cpuMsPerCallMinute: round(input.driver.cpuMs / callMinutes, 0),
      loopDelayP99Ms: round(input.driver.loopDelayP99Ms),
      loopDelayMaxMs: round(input.driver.loopDelayMaxMs),
    },
    loadAverage: input.loadAverage.map((l) => round(l, 2)),
    cores: input.cores,
    agentVoiceSpeed: input.voiceSpeed,
    measuredAt: new Date().toISOString(),
  };
  return {
    table,
    errors: input.results.filter((r) => r.error).map((r) => ({ index: r.index, error: r.error })),
    calls: input.results.map((r, i) => {
      const playout = playouts[answered.indexOf(r)];
      return {
        index: r.index,
        refused: r.refused,
        outcome: r.outcome,
        stage: r.stage,
        seconds: round((r.endedAt - r.startedAt) / 1000),
        frames: r.arrivals.length,
        underruns: playout?.underruns ?? 0,
        // Seconds into the call, and frames into the agent's run of audio (a reply starts at 0).
        underrunsAt: (playout?.underrunsAt ?? []).map((u) => ({
          s: round((u.atMs - r.startedAt) / 1000),
          framesIntoRun: u.framesIntoRun,
        })),
        greetingMs: round(r.greetingMs, 0),
        closedByAgent: r.closedByAgent,
        i,
      };
    }),
    samples: input.samples.map((s) => ({
      t: round((s.atMs - input.began.atMs) / 1000),
      cpuMs: round(s.cpuMs - input.began.cpuMs, 0),
      rssMb: round(s.rssBytes / 1048576, 0),
    })),
  };
}
