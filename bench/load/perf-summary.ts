/**
 * Sums a `perf record -e cpu-clock -g` of the service (`bench:load --perf-record FILE`) by CPU
 * time: the split between kernel, V8's garbage collector and the rest; each sample charged to
 * its owner (the innermost function of ours, else of a package, else the native leaf); and the
 * system calls by kind and owner. Given the run's results file, shares are also shown in ms of
 * CPU per second of call carried.
 *
 *   npx tsx bench/load/perf-summary.ts FILE [--results bench/results/load-….json] [--top 25] [--pid 12,13]
 *
 * (`--pid` keeps only those processes, for a system-wide `perf record -a`.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Sample {
  /** Callchain, leaf first: "symbol (dso)". */
  frames: string[];
}

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

function readSamples(file: string, pids: string | undefined): Sample[] {
  const only = pids ? ['--pid', pids] : [];
  const text = execFileSync('perf', ['script', '-i', file, ...only, '-F', 'pid,tid,comm,ip,sym,dso'], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!line.startsWith('\t')) samples.push({ frames: [] });
    // "\t    7ffa6026f88d JS:*send /work/…/sender.js:354:7 (/tmp/perf-1.map)": drop the address.
    else samples.at(-1)?.frames.push(line.trim().replace(/^[0-9a-f]+ /, ''));
  }
  return samples;
}

const OURS = /^JS:\S* \S*\/dist\/(src\/[^:]+):\d+/;
const PACKAGE = /^JS:\S* \S*node_modules\/((?:@[^/]+\/)?[^/]+)/;

/** The innermost function of ours, else the innermost package, else the native leaf. */
function owner(frames: string[]): string {
  for (const f of frames) {
    const m = OURS.exec(f);
    if (m)
      return `${m[1]} ${f
        .slice(3)
        .split(' ')[0]
        ?.replace(/^[*~^]/, '')}`;
  }
  for (const f of frames) {
    const m = PACKAGE.exec(f);
    if (m) return `package ${m[1]}`;
  }
  return `(native) ${frames[0]?.split(' (')[0]?.slice(0, 60) ?? '?'}`;
}

function kind(frames: string[]): 'kernel' | 'garbage collector' | 'user' {
  if (frames[0]?.includes('[kernel.kallsyms]')) return 'kernel';
  if (frames.slice(0, 10).some((f) => /Scavenge|MarkCompact|ConcurrentMarking|Sweep|Heap::/.test(f)))
    return 'garbage collector';
  return 'user';
}

/** The kernel entry a syscall sample went through ("ksys_write", "do_writev", …), or undefined. */
function syscall(frames: string[]): string | undefined {
  const at = frames.findIndex((f) => f.startsWith('entry_SYSCALL'));
  if (at < 2) return undefined;
  return frames[at - 2]?.split(' (')[0]?.replace(/^__x64_sys_/, 'sys_');
}

function print(title: string, counts: Map<string, number>, total: number, top: number, msPerCallS?: number): void {
  console.log(`\n${title}`);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const share = n / total;
    const ms = msPerCallS === undefined ? '' : ` ${(share * msPerCallS).toFixed(2).padStart(6)}`;
    console.log(`${(100 * share).toFixed(1).padStart(6)} %${ms}  ${name}`);
  }
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: perf-summary.ts FILE [--results load-….json] [--top N]');
  const top = Number(arg('top') ?? 25);
  const results = arg('results');
  const cpuMsPerCallMinute = results
    ? (JSON.parse(readFileSync(results, 'utf8')) as { table: { productCpuMsPerCallMinute: number } }).table
        .productCpuMsPerCallMinute
    : undefined;
  const msPerCallS = cpuMsPerCallMinute === undefined ? undefined : cpuMsPerCallMinute / 60;
  const samples = readSamples(file, arg('pid'));
  const kinds = new Map<string, number>();
  const owners = new Map<string, number>();
  const syscalls = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const { frames } of samples) {
    add(kinds, kind(frames));
    add(owners, owner(frames));
    const call = syscall(frames);
    if (call) add(syscalls, `${call} from ${owner(frames)}`);
  }
  const unit = msPerCallS === undefined ? '' : ' (share, ms of CPU a call-second)';
  console.log(
    `${samples.length} CPU samples${cpuMsPerCallMinute ? `, ${cpuMsPerCallMinute} ms a call-minute in the run` : ''}`,
  );
  print(`by kind${unit}`, kinds, samples.length, 3, msPerCallS);
  print(`by owner${unit}`, owners, samples.length, top, msPerCallS);
  print(`system calls by kind and owner${unit}`, syscalls, samples.length, Math.min(top, 12), msPerCallS);
}

main();
