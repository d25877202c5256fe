import { omitUndefined } from '../src/lib/omit-undefined.js';
/** Percentiles over benchmark samples (linear interpolation between closest ranks). */
export interface Distribution {
  n: number;
  p50?: number;
  p95?: number;
  max?: number;
}

export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function distribution(values: readonly (number | undefined)[]): Distribution {
  const sorted = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0 };
  const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 10) / 10);
  return {
    n: sorted.length,
    ...omitUndefined({
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      max: round(sorted.at(-1)),
    }),
  };
}

/** The ratio a/b rounded to 2 decimals, when both exist. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : Math.round((a / b) * 100) / 100;
}
