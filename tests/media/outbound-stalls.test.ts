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

  // One event-loop stall with the frames already here: ours, however long (past 300 ms too).
  it.each([300, 800])('reports a pacing timer %i ms late, past the lead, as late', (lateMs) => {
    const manual = new ManualClock();
    let lateBy = 0;
    const clock: Clock = {
      now: () => manual.now(),
      wallNow: () => manual.wallNow(),
      setTimeout: (fn: () => void, delayMs: number): Timer => {
        const late = lateBy;
        lateBy = 0;
        return manual.setTimeout(fn, delayMs + late);
      },
    };
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 100));
    manual.advance(100);
    lateBy = lateMs;
    manual.advance(lateMs + 400);
    expect(stalls.map((s) => s.cause)).toEqual(['late']);
    expect(stalls[0]!.dryMs).toBeGreaterThan(lateMs - 200);
  });

  it('counts a pause between replies from when the audio ran out, not from a mark or a partial frame in it', () => {
    const clock = new ManualClock();
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 10));
    // The audio runs out at 200 ms; the reply's closing mark at 500, half a frame at 600.
    clock.advance(500);
    player.mark();
    clock.advance(100);
    player.write(Buffer.alloc(FRAME / 2));
    clock.advance(100);
    player.write(Buffer.alloc(FRAME * 10));
    clock.advance(400);
    expect(stalls).toEqual([]);
  });

  it('counts starvation after a hold released before the held audio ran out', () => {
    const clock = new ManualClock();
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 10));
    clock.advance(50);
    player.hold();
    clock.advance(20);
    player.release();
    // Twilio plays on to 200 ms; the next audio comes at 320.
    clock.advance(250);
    player.write(Buffer.alloc(FRAME * 10));
    expect(stalls).toEqual([{ cause: 'starved', dryMs: 120 }]);
  });

  it("does not count the call's first audio as a stall, whenever it comes", () => {
    const clock = new ManualClock(150);
    const { player, stalls } = setup(clock);
    player.write(Buffer.alloc(FRAME * 10));
    clock.advance(100);
    expect(stalls).toEqual([]);
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
