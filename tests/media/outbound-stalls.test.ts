import { describe, expect, it } from 'vitest';
import { type Clock, ManualClock, type Timer } from '../../src/lib/clock.js';
import { OutboundPlayer, type StallCause } from '../../src/media/outbound-player.js';

const FRAME = 160;

function setup(clock: Clock) {
  const stalls: { cause: StallCause; dryMs: number }[] = [];
  const player = new OutboundPlayer({
    clock,
    sendMedia: () => undefined,
    sendMark: () => undefined,
    sendClear: () => undefined,
    onStall: (cause, dryMs) => stalls.push({ cause, dryMs }),
  });
  return { player, stalls };
}

/**
 * A stall is what the caller hears as a hole inside the agent's speech: Twilio's buffer ran dry
 * and audio came again within 300 ms. The player says whose fault it was, so an operator can tell
 * its own pacing from a slow TTS.
 */
describe("the outbound player's stall report", () => {
  it('reports nothing for audio that arrives faster than it plays, nor for a pause between replies', () => {
    const clock = new ManualClock();
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 25));
    clock.advance(400);
    player.write(Buffer.alloc(FRAME * 25));
    clock.advance(2000);
    // The reply ended a second ago: the next one starts after a pause, not a stall.
    player.write(Buffer.alloc(FRAME * 25));
    clock.advance(1000);
    expect(stalls).toEqual([]);
  });

  it('reports a TTS that falls behind real time inside a reply as starved', () => {
    const clock = new ManualClock();
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 10));
    // 200 ms of audio, then the next chunk 350 ms later: the phone went 150 ms without audio.
    clock.advance(350);
    player.write(Buffer.alloc(FRAME * 10));
    expect(stalls).toEqual([{ cause: 'starved', dryMs: 150 }]);
  });

  it('reports a pacing timer that ran later than the lead as late', () => {
    const manual = new ManualClock();
    let lateBy = 0;
    const clock: Clock = {
      now: () => manual.now(),
      wallNow: () => manual.wallNow(),
      setTimeout: (fn: () => void, delayMs: number): Timer => manual.setTimeout(fn, delayMs + lateBy),
    };
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 50));
    manual.advance(100);
    // One event-loop stall of 300 ms: the frames were here, the timer was not.
    lateBy = 300;
    manual.advance(500);
    expect(stalls.map((s) => s.cause)).toEqual(['late']);
    expect(stalls[0]!.dryMs).toBeGreaterThan(0);
  });

  it('never counts the gaps it makes itself: a hold released, a clear, a pause resumed', () => {
    const clock = new ManualClock();
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 100));
    clock.advance(200);
    player.hold();
    clock.advance(260);
    player.release();
    clock.advance(200);
    player.pause();
    clock.advance(150);
    player.resume();
    clock.advance(200);
    player.clear();
    clock.advance(100);
    player.write(Buffer.alloc(FRAME * 10));
    clock.advance(500);
    expect(stalls).toEqual([]);
  });
});
