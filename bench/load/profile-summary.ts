/**
 * Sums the self time of V8 CPU profiles (`node --cpu-prof`, e.g. `bench:load --cpu-prof DIR`)
 * over every .cpuprofile in a directory (primary and workers together) and prints the top
 * entries by function + script, by package / module and by owner (native and Node-internal
 * time, such as a socket write, charged to the nearest function of ours or of a package), each with its share of the sampled
 * time and, given the run's results file, its ms of CPU per second of call carried.
 *
 *   npx tsx bench/load/profile-summary.ts DIR [--results bench/results/load-….json] [--top 15] [--json out.json]
 *
 * Self time of a sample is the interval to the next sample (as DevTools counts it). "(idle)"
 * is time the process slept; it is left out of the shares, which are of busy samples only.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Entry {
  name: string;
  selfMs: number;
  /** Share of busy (non-idle) sampled time, %. */
  percent: number;
  msPerCallSecond?: number;
}

/** `node_modules/@scope/pkg/…` → `@scope/pkg`; our own files → their folder; Node's → `node:<file>`. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const src = url.search(/\/(src|testing|bench)\//);
  if (src >= 0) return path.posix.dirname(url.slice(src + 1).replace(/^dist\//, ''));
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : url;
}

function nameOf(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : ''}`.trim();
}

export function summarise(profiles: CpuProfile[], callSeconds?: number) {
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let busyMs = 0;
  let idleMs = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
    const owners = new Map<number, string>();
    const ownerOf = (id: number): string => {
      const known = owners.get(id);
      if (known !== undefined) return known;
      const frame = nodes.get(id)!;
      const mine = frame.url !== '' && !frame.url.startsWith('node:');
      const up = parent.get(id);
      const owner = mine || up === undefined || nodes.get(up)?.functionName === '(root)' ? nameOf(frame) : ownerOf(up);
      owners.set(id, owner);
      return owner;
    };
    for (let i = 0; i < profile.samples.length; i++) {
      const frame = nodes.get(profile.samples[i]!);
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      if (!frame) continue;
      if (frame.functionName === '(idle)') {
        idleMs += ms;
        continue;
      }
      busyMs += ms;
      const fn = nameOf(frame);
      const owner = ownerOf(profile.samples[i]!);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
      const mod = moduleOf(frame.url, frame.functionName);
      byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    }
  }
  const rank = (map: Map<string, number>): Entry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, selfMs]) => ({
        name,
        selfMs: Math.round(selfMs),
        percent: Math.round((selfMs / busyMs) * 1000) / 10,
        ...(callSeconds ? { msPerCallSecond: Math.round((selfMs / callSeconds) * 100) / 100 } : {}),
      }));
  return {
    profiles: profiles.length,
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleMs),
    ...(callSeconds ? { callSeconds: Math.round(callSeconds), busyMsPerCallSecond: busyMs / callSeconds } : {}),
    byFunction: rank(byFunction),
    byModule: rank(byModule),
    byOwner: rank(byOwner),
  };
}

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

function main(): void {
  const dir = process.argv[2];
  if (!dir || dir.startsWith('--')) throw new Error('usage: profile-summary.ts DIR [--results FILE] [--top N]');
  const top = Number(arg('top') ?? 15);
  const resultsFile = arg('results');
  const callMinutes = resultsFile
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { table: { callMinutes: number } }).table.callMinutes
    : undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const profiles = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile);
  const summary = summarise(profiles, callMinutes === undefined ? undefined : callMinutes * 60);
  const print = (title: string, entries: Entry[]) => {
    console.log(`\n${title}`);
    console.log(`${'self ms'.padStart(9)} ${'%'.padStart(6)} ${'ms/call-s'.padStart(9)}  name`);
    for (const e of entries.slice(0, top)) {
      const perCall = e.msPerCallSecond === undefined ? '' : e.msPerCallSecond.toFixed(2);
      console.log(
        `${String(e.selfMs).padStart(9)} ${e.percent.toFixed(1).padStart(6)} ${perCall.padStart(9)}  ${e.name}`,
      );
    }
  };
  console.log(
    `${files.length} profiles, ${(summary.busyMs / 1000).toFixed(1)} s busy, ${(summary.idleMs / 1000).toFixed(1)} s idle` +
      (summary.callSeconds
        ? `, ${summary.callSeconds} call-seconds (${summary.busyMsPerCallSecond?.toFixed(2)} busy ms a call-second)`
        : ''),
  );
  print('by function (self time)', summary.byFunction);
  print('by package / module (self time)', summary.byModule);
  print('by owner (native and node: time charged to the nearest app or package function)', summary.byOwner);
  const json = arg('json');
  if (json) {
    const trimmed = {
      ...summary,
      byFunction: summary.byFunction.slice(0, 40),
      byModule: summary.byModule.slice(0, 40),
      byOwner: summary.byOwner.slice(0, 40),
    };
    writeFileSync(json, `${JSON.stringify(trimmed, null, 2)}\n`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) main();
