import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';

function player(clock: ManualClock) {
  const sent: string[] = [];
  const media: Buffer[] = [];
  const p = new OutboundPlayer({
    clock,
    sendMedia: (frame) => {
      media.push(frame);
      sent.push('media');
    },
    sendMark: (name) => sent.push(`mark:${name}`),
    sendClear: () => sent.push('clear'),
  });
  return { p, sent, media };
}

describe('holding the agent audio while the caller may be backchanneling', () => {
  it('stops feeding without a clear, says how much Twilio still plays, and releases from where it stopped', () => {
    const clock = new ManualClock();
    const { p, sent, media } = player(clock);
    for (let i = 0; i < 40; i++) p.write(Buffer.alloc(160, i));
    clock.advance(150);
    expect(media).toHaveLength(17);
    // 17 frames sent = 340 ms of audio, 150 ms played: 190 ms still at Twilio.
    expect(p.hold()).toBe(190);
    expect(p.isHeld).toBe(true);
    clock.advance(300);
    expect(media).toHaveLength(17);
    expect(sent).not.toContain('clear');
    p.release();
    // Nothing is sent twice or skipped: frame 17 follows frame 16, the lead refilled at once.
    expect(media.slice(17).map((f) => f[0])).toEqual([17, 18, 19, 20, 21, 22, 23, 24, 25, 26]);
    clock.advance(1000);
    expect(media.map((f) => f[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('a clear during a hold ends it: the next reply plays', () => {
    const clock = new ManualClock();
    const { p, media } = player(clock);
    p.write(Buffer.alloc(160 * 30));
    clock.advance(100);
    p.hold();
    clock.advance(100);
    p.clear();
    expect(p.isHeld).toBe(false);
    const before = media.length;
    p.write(Buffer.alloc(160 * 5));
    expect(media.length).toBe(before + 5);
  });

  it('holding twice keeps one hold and reports the shrinking remainder', () => {
    const clock = new ManualClock();
    const { p } = player(clock);
    p.write(Buffer.alloc(160 * 30));
    expect(p.hold()).toBe(200);
    clock.advance(120);
    expect(p.hold()).toBe(80);
    clock.advance(200);
    expect(p.hold()).toBe(0);
  });
});
