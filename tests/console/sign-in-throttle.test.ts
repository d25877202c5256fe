import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../src/console/sign-in-throttle.js';
import { ManualClock } from '../../src/lib/clock.js';

describe('the console sign-in throttle', () => {
  const params = { maxFailures: 3, windowMs: 60_000 };

  it('refuses an address after its failures fill the window, until the oldest leaves it', () => {
    const clock = new ManualClock();
    const throttle = new SignInThrottle(clock, params);
    for (let i = 0; i < 3; i++) {
      expect(throttle.waitS('10.0.0.1'), `before failure ${i + 1}`).toBe(0);
      throttle.failed('10.0.0.1');
      clock.advance(10_000);
    }
    // Failures at 0, 10 and 20 s; now 30 s: the first leaves the window at 60 s.
    expect(throttle.waitS('10.0.0.1')).toBe(30);
    expect(throttle.waitS('10.0.0.2'), 'another address is not refused').toBe(0);
    clock.advance(29_000);
    expect(throttle.waitS('10.0.0.1')).toBe(1);
    clock.advance(1_000);
    expect(throttle.waitS('10.0.0.1')).toBe(0);
  });

  it('keeps counting while refused, so guessing on does not shorten the wait', () => {
    const clock = new ManualClock();
    const throttle = new SignInThrottle(clock, params);
    for (let i = 0; i < 3; i++) throttle.failed('10.0.0.1');
    clock.advance(50_000);
    throttle.failed('10.0.0.1');
    clock.advance(10_000);
    // The three at 0 s have left; the one at 50 s is the only one in the window.
    expect(throttle.waitS('10.0.0.1')).toBe(0);
    throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.1');
    expect(throttle.waitS('10.0.0.1')).toBe(50);
  });

  it('forgets addresses whose failures have left the window', () => {
    const clock = new ManualClock();
    const throttle = new SignInThrottle(clock, params);
    for (let i = 0; i < 1200; i++) throttle.failed(`10.0.${i >> 8}.${i & 255}`);
    clock.advance(61_000);
    throttle.failed('10.9.9.9');
    const size = (throttle as unknown as { failures: Map<string, number[]> }).failures.size;
    expect(size).toBeLessThanOrEqual(1001);
  });
});
