/**
 * Memory readings for the benchmark. A forced GC makes "heap retained after a call" mean
 * something; tsx gives no way to pass --expose-gc, so the flag is set at run time.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

/** Heap in use after a full collection, bytes. */
export function heapAfterGc(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

export interface MemoryReading {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

export function memoryNow(): MemoryReading {
  const m = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
  };
}
