import { describe, expect, it } from 'vitest';
import { planCluster } from '../../src/cluster/cluster-plan.js';

describe('cluster plan', () => {
  it('the embedded database runs one process, however many workers are asked for', () => {
    for (const workers of [1, 2, 8]) {
      const plan = planCluster({ workers, maxCalls: 200 });
      expect(plan.workers).toBe(1);
      expect(plan.maxCallsPerWorker).toBe(200);
      expect(plan.reduced !== undefined).toBe(workers > 1);
    }
  });

  it('on PostgreSQL each worker takes its share of MAX_CALLS, rounded up, and never fewer than one call', () => {
    const url = 'postgres://db/x';
    for (let workers = 1; workers <= 9; workers++) {
      for (const maxCalls of [1, 2, 5, 20, 199, 200, 250]) {
        const plan = planCluster({ workers, maxCalls, databaseUrl: url });
        const label = `workers ${workers}, MAX_CALLS ${maxCalls}`;
        expect(plan.workers, label).toBe(Math.min(workers, maxCalls));
        expect(plan.workers * plan.maxCallsPerWorker, label).toBeGreaterThanOrEqual(maxCalls);
        expect(plan.workers * plan.maxCallsPerWorker - maxCalls, label).toBeLessThan(plan.workers);
        expect(plan.maxCallsPerWorker, label).toBeGreaterThanOrEqual(1);
      }
    }
  });
});
