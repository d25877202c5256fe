import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';

function player(clock: ManualClock) {
  const sent: string[] = [];
  const p = new OutboundPlayer({
    clock,
    sendMedia: (frame) => sent.push(`media:${frame.length}`),
    sendMark: (name) => sent.push(`mark:${name}`),
    sendClear: () => sent.push('clear'),
  });
  return { p, sent, frames: () => sent.filter((s) => s.startsWith('media')).length };
}

describe('outbound player on a manual clock', () => {
  it('pads a partial frame with silence before a mark so marks sit on frame boundaries', () => {
    const clock = new ManualClock();
    const { p, sent } = player(clock);
    p.enqueue(Buffer.alloc(250, 1));
    p.mark('a');
    expect(sent).toEqual(['media:160', 'media:160', 'mark:a']);
    expect(p.enqueuedBytes).toBe(320);
  });

  it('keeps the lead at 200 ms and sends one frame per 20 ms after that', () => {
    const clock = new ManualClock();
    const { p, frames } = player(clock);
    p.enqueue(Buffer.alloc(160 * 50));
    expect(frames()).toBe(10);
    clock.advance(100);
    expect(frames()).toBe(15);
    clock.advance(900);
    expect(frames()).toBe(50);
  });

  it('pause holds new frames without clearing; resume goes on where it stopped', () => {
    const clock = new ManualClock();
    const { p, sent, frames } = player(clock);
    p.enqueue(Buffer.alloc(160 * 30));
    clock.advance(100);
    p.pause();
    const held = frames();
    clock.advance(500);
    expect(frames()).toBe(held);
    expect(sent).not.toContain('clear');
    p.resume();
    // Twilio's buffer drained during the pause: the lead is refilled at once.
    expect(frames()).toBe(held + 10);
    clock.advance(1000);
    expect(frames()).toBe(30);
  });

  it('estimates what was played within a frame and rewinds to it on clear', () => {
    const clock = new ManualClock();
    const { p } = player(clock);
    p.enqueue(Buffer.alloc(160 * 50));
    clock.advance(310);
    expect(p.estimatedPlayedBytes()).toBe(2480);
    expect(p.clear()).toBe(2480);
    expect(p.enqueuedBytes).toBe(2480);
    expect(p.isPlaying).toBe(false);
  });
});
