import { describe, expect, it } from 'vitest';
import { type Clock, ManualClock, type Timer } from '../../src/lib/clock.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { SeededRandom } from '../../testing/seeded-random.js';

/**
 * A real event loop fires timers late: by fractions of a millisecond when idle, by several
 * under load. This clock fires each timer `lateness()` ms after it was due.
 */
function lateClock(manual: ManualClock, lateness: () => number): Clock {
  return {
    now: () => manual.now(),
    wallNow: () => manual.wallNow(),
    setTimeout: (fn: () => void, delayMs: number): Timer => manual.setTimeout(fn, delayMs + lateness()),
  };
}

describe('outbound pacing with timers that fire late', () => {
  it('sends one frame each 20 ms in steady state, not two every 40 ms, when timers are late by less than half a frame', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = new SeededRandom(seed);
      const maxLateMs = random.between(0.05, 9);
      const manual = new ManualClock();
      const clock = lateClock(manual, () => random.between(0, maxLateMs));
      const sentAt: number[] = [];
      const player = new OutboundPlayer({
        clock,
        sendMedia: () => sentAt.push(manual.now()),
        sendMark: () => undefined,
        sendClear: () => undefined,
      });
      player.write(Buffer.alloc(160 * 250));
      for (let t = 0; t < 5000; t += 0.5) manual.advance(0.5);
      expect(sentAt.length, `seed ${seed}`).toBe(250);
      const steady = sentAt.slice(10);
      for (let i = 1; i < steady.length; i++) {
        const gap = steady[i]! - steady[i - 1]!;
        expect(
          Math.abs(gap - 20),
          `seed ${seed} (timers up to ${maxLateMs.toFixed(2)} ms late), frame ${i + 10}`,
        ).toBeLessThanOrEqual(maxLateMs + 0.5);
      }
      // And it never runs ahead of real time by more than the lead.
      for (const [i, at] of sentAt.entries()) {
        expect((i + 1) * 20 - at, `seed ${seed}, frame ${i}`).toBeLessThanOrEqual(200);
      }
    }
  });
});
