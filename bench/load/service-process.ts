/**
 * The service under load as its own OS process (`node dist/src/main.js`), and what it costs,
 * read from /proc (Linux): CPU time (user + system) and resident memory of the process and
 * every process under it (cluster workers), sampled each second. The CPU figures are the
 * process's own, so they hold on a machine other work is loading; wall-clock ones do not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const CLOCK_TICKS_PER_S = 100;

export interface ProcessSample {
  /** performance.now() of the reading. */
  atMs: number;
  /** CPU used since start by the process tree, ms. */
  cpuMs: number;
  /** Resident memory of the process tree, bytes. */
  rssBytes: number;
  processes: number;
}

/** The pids whose parent is `parent` (a cluster primary's workers). */
export function directChildren(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && readStat(Number(entry))?.ppid === parent) out.push(Number(entry));
  }
  return out;
}

/** The pids of `root` and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

function readStat(pid: number): { ppid: number; cpuTicks: number; rssPages: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      rssPages: Number(fields[21]),
    };
  } catch {
    return undefined;
  }
}

export function sampleProcessTree(root: number): ProcessSample {
  let ticks = 0;
  let pages = 0;
  const pids = processTree(root);
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    ticks += stat.cpuTicks;
    pages += stat.rssPages;
  }
  return {
    atMs: performance.now(),
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S,
    rssBytes: pages * 4096,
    processes: pids.length,
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  samples: ProcessSample[];
  sample(): ProcessSample;
  /** Scrapes /metrics and returns the value of one metric summed over its series (those with `label`, e.g. `cause="late"`). */
  metric(name: string, label?: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startServiceProcess(options: {
  env: Record<string, string>;
  port: number;
  /** Node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    if (i > 3000) throw new Error('service did not answer /healthz in 60 s');
    await sleep(20);
  }
  const samples: ProcessSample[] = [];
  const pid = child.pid!;
  const sample = () => sampleProcessTree(pid);
  const timer = setInterval(() => samples.push(sample()), 1000);
  return {
    child,
    baseUrl,
    samples,
    sample,
    async metric(name, label) {
      const text = await fetch(`${baseUrl}/metrics`).then((r) => r.text());
      let sum: number | undefined;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
        if (label !== undefined && !line.includes(label)) continue;
        sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    async stop() {
      clearInterval(timer);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
