/**
 * Real time, sped up: `speed` 1 is the system clock's pace, 2 runs every timer twice as fast.
 * For `npm run replay -- --speed N`, where the call plays on real timers (not deterministic:
 * the default accelerated ManualClock is).
 */
import type { Clock } from '../../src/lib/clock.js';

export function scaledClock(speed: number, wallStartMs = Date.now()): Clock {
  const realStart = performance.now();
  const now = () => (performance.now() - realStart) * speed;
  return {
    now,
    wallNow: () => wallStartMs + now(),
    setTimeout(fn, delayMs) {
      const handle = setTimeout(fn, Math.max(0, delayMs) / speed);
      return { cancel: () => clearTimeout(handle) };
    },
  };
}
