import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { MarkId } from '../../src/media/audio-sink.js';
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
    expect(p.write(Buffer.alloc(250, 1))).toBe(0);
    const a = p.mark();
    expect(sent).toEqual(['media:160', 'media:160', 'mark:m1']);
    // The mark sits on the padded frame boundary, and the next audio starts there.
    expect(a.at).toBe(320);
    expect(p.write(Buffer.alloc(0))).toBe(320);
  });

  it('keeps the lead at 200 ms and sends one frame per 20 ms after that', () => {
    const clock = new ManualClock();
    const { p, frames } = player(clock);
    p.write(Buffer.alloc(160 * 50));
    expect(frames()).toBe(10);
    clock.advance(100);
    expect(frames()).toBe(15);
    clock.advance(900);
    expect(frames()).toBe(50);
  });

  it('pause stops the audio at once (clear) and resume sends again what had not played, marks included', () => {
    const clock = new ManualClock();
    const media: Buffer[] = [];
    const sent: string[] = [];
    const heard: MarkId[] = [];
    const p = new OutboundPlayer({
      clock,
      sendMedia: (frame) => {
        media.push(frame);
        sent.push('media');
      },
      sendMark: (name) => sent.push(`mark:${name}`),
      sendClear: () => sent.push('clear'),
      onMarkPlayed: (name) => heard.push(name),
    });
    // Frame i carries byte value i, so what is sent again can be identified.
    let m12: MarkId | undefined;
    for (let i = 0; i < 30; i++) {
      p.write(Buffer.alloc(160, i));
      if (i === 12) m12 = p.mark();
    }
    // Its name on the wire (the only mark of this player).
    const wire = 'm1';
    clock.advance(150); // frames 0–6 have played, 7 is playing, 0–16 were sent
    expect(media).toHaveLength(17);
    p.pause();
    expect(sent.at(-1)).toBe('clear');
    clock.advance(500);
    expect(media).toHaveLength(17); // nothing while paused
    // Twilio echoes the pending mark at the clear: not heard.
    p.handleMarkEcho(wire);
    expect(heard).toEqual([]);
    p.resume();
    // The frame that was playing, then the rest in order; the lead refills at once.
    expect(media.slice(17).map((f) => f[0])).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    clock.advance(2000);
    expect(media.slice(17).map((f) => f[0])).toEqual(Array.from({ length: 23 }, (_, i) => i + 7));
    // The mark went out again at its place and, played this time, counts.
    expect(sent.filter((x) => x === `mark:${wire}`)).toHaveLength(2);
    p.handleMarkEcho(wire);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBe(m12);
    expect(p.heardBytes).toBe(13 * 160);
  });

  it('estimates what was played within a frame and rewinds to it on clear', () => {
    const clock = new ManualClock();
    const { p } = player(clock);
    p.write(Buffer.alloc(160 * 50));
    clock.advance(310);
    expect(p.estimatedPlayedBytes()).toBe(2480);
    expect(p.clear()).toBe(2480);
    // The stream goes on from what was heard.
    expect(p.write(Buffer.alloc(0))).toBe(2480);
    expect(p.isPlaying).toBe(false);
  });
});
