import { expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { ActivityProbe } from '../../tools/replay/activity-probe.js';
import { ClockDriver } from '../../tools/replay/clock-driver.js';

/** A chain of `hops` event-loop turns, each counted as activity, like a message crossing sockets. */
function chain(probe: ActivityProbe, hops: number, done: () => void): void {
  if (hops === 0) return done();
  setImmediate(() => {
    probe.bump();
    chain(probe, hops - 1, done);
  });
}

it('settles only once a chain of counted hops has finished, before the clock moves on', async () => {
  const clock = new ManualClock();
  const probe = new ActivityProbe();
  const driver = new ClockDriver({ clock, activity: () => probe.count, quietTurns: 3 });
  const finishedAt: number[] = [];
  // Each frame starts a 30-hop chain; the next frame must not come before it ends.
  clock.setTimeout(() => chain(probe, 30, () => finishedAt.push(clock.now())), 20);
  clock.setTimeout(() => chain(probe, 30, () => finishedAt.push(clock.now())), 40);
  await driver.step();
  expect(finishedAt).toEqual([20]);
  await driver.step();
  expect(finishedAt).toEqual([20, 40]);
});

it('runUntil steps frame by frame until the condition holds, or gives up at the deadline', async () => {
  const clock = new ManualClock();
  const probe = new ActivityProbe();
  const driver = new ClockDriver({ clock, activity: () => probe.count });
  let fired = false;
  clock.setTimeout(() => {
    fired = true;
  }, 130);
  expect(await driver.runUntil(() => fired, { maxMs: 1000 })).toBe(true);
  expect(clock.now()).toBe(140);
  expect(await driver.runUntil(() => false, { maxMs: 100 })).toBe(false);
  expect(clock.now()).toBe(240);
});

it('counts the outside sources a probe is given', () => {
  const probe = new ActivityProbe();
  let bytes = 0;
  probe.addSource(() => bytes);
  probe.bump();
  bytes = 160;
  expect(probe.count).toBe(161);
});
