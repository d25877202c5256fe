import { expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw } from '../../src/media/audio-codec.js';
import { callWav, mixCallPcm } from '../../tools/replay/call-wav.js';

/** μ-law of a constant level, `ms` long. */
function level(value: number, ms: number): Buffer {
  return pcm16ToMulaw(new Int16Array((ms * 8000) / 1000).fill(value));
}

it('places each side at its media time and sums them where they overlap', () => {
  const caller = [
    { atMs: 0, bytes: level(1000, 20) },
    { atMs: 20, bytes: level(1000, 20) },
  ];
  const agent = [{ atMs: 30, bytes: level(-3000, 40) }];
  const pcm = mixCallPcm({ caller, agent });

  const c = mulawToPcm16(level(1000, 1))[0]!;
  const a = mulawToPcm16(level(-3000, 1))[0]!;
  expect(pcm.length).toBe(70 * 8); // the agent's frame ends last, at 70 ms
  expect(pcm[0]).toBe(Math.round(c * 0.8)); // caller alone
  expect(pcm[35 * 8]).toBe(Math.round(c * 0.8 + a * 0.8)); // both talking
  expect(pcm[50 * 8]).toBe(Math.round(a * 0.8)); // agent alone
});

it('keeps silence between turns and clips instead of wrapping when both sides are loud', () => {
  const pcm = mixCallPcm({
    caller: [
      { atMs: 0, bytes: level(32000, 20) },
      { atMs: 100, bytes: level(30000, 20) },
    ],
    agent: [{ atMs: 100, bytes: level(30000, 20) }],
  });
  expect(pcm[50 * 8]).toBe(0);
  expect(pcm[105 * 8]).toBe(32767);
});

it('writes an 8 kHz 16-bit mono WAV whose data is the mix', () => {
  const audio = { caller: [{ atMs: 0, bytes: level(500, 20) }], agent: [{ atMs: 10, bytes: level(-500, 20) }] };
  const wav = callWav(audio);
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.readUInt16LE(22)).toBe(1); // mono
  expect(wav.readUInt32LE(24)).toBe(8000);
  expect(wav.readUInt16LE(34)).toBe(16);
  const pcm = mixCallPcm(audio);
  expect(wav.readUInt32LE(40)).toBe(pcm.length * 2);
  expect(wav.readInt16LE(44 + 15 * 8 * 2)).toBe(pcm[15 * 8]);
});
