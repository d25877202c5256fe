import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/lib/clock.js';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';

describe('the recruiter API under bad input: rate limits and body limits', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  const get = (key: string) =>
    fetch(`${sim.service.baseUrl}/api/calls`, { headers: { authorization: `Bearer ${key}` } });

  it('answers 429 with Retry-After past the per-address limit (bad keys count too), and serves again in the next window', async () => {
    sim = await startSimulation({
      env: { API_KEY: 'key-1', API_RATE_LIMIT_PER_ADDRESS: '5', API_RATE_LIMIT_PER_KEY: '0' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(i % 2 ? 'wrong' : 'key-1')).status);
    expect(statuses).toEqual([200, 401, 200, 401, 200]);
    const refused = await get('key-1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many requests; retry later', field: 'address' },
    });
    (sim.clock as ManualClock).advance(60_000);
    expect((await get('key-1')).status).toBe(200);
  });

  it('limits per key after authentication', async () => {
    sim = await startSimulation({
      env: { API_KEY: 'key-1', API_RATE_LIMIT_PER_ADDRESS: '0', API_RATE_LIMIT_PER_KEY: '3' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('key-1')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // An unauthenticated request is refused by auth, not counted against the key.
    expect((await get('other')).status).toBe(401);
  });

  it('answers an oversized body 413 as JSON', async () => {
    sim = await startSimulation({ env: { API_KEY: 'key-1' } });
    const res = await fetch(`${sim.service.baseUrl}/api/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+14155550123', jobDescription: 'x'.repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });
});
