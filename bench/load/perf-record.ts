/**
 * `perf record -e cpu-clock` of the service's processes for a while, started after the calls
 * are up: samples taken only while a thread is on a CPU, so shares are of CPU time (V8's own
 * sampler counts wall time). Needs `perf` (Debian's linux-perf) and a service started with
 * --perf-basic-prof for JavaScript names. Resolves when the recording has ended; never rejects.
 */
import { spawn } from 'node:child_process';

export function recordPerf(options: {
  file: string;
  afterMs: number;
  seconds: number;
  pids: () => number[];
}): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const pids = options.pids().join(',');
      const perf = spawn(
        'timeout',
        [
          '-s',
          'INT',
          String(options.seconds),
          'perf',
          'record',
          '-e',
          'cpu-clock',
          '-F',
          '499',
          '-g',
          '-p',
          pids,
          '-o',
          options.file,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      perf.on('error', (err) => {
        console.error(`[bench:load] perf record did not run: ${err.message}`);
        resolve();
      });
      perf.on('exit', () => resolve());
    }, options.afterMs);
  });
}
