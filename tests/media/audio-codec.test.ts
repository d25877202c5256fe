import { describe, expect, it } from 'vitest';
import { encodeWav, MULAW_VALUES, mulawToPcm16, pcm16ToMulaw, resamplePcm16 } from '../../src/media/audio-codec.js';

describe('audio codec', () => {
  it('round-trips μ-law through PCM (μ-law is its own fixed point after one pass)', () => {
    const mulaw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const again = pcm16ToMulaw(mulawToPcm16(mulaw));
    // 0x7f and 0xff both mean zero; every other code survives exactly.
    for (let i = 0; i < 256; i++) if (i !== 0x7f) expect(again[i]).toBe(i);
    expect(mulawToPcm16(Buffer.from([0xff]))[0]).toBe(0);
  });

  it('resamples by the rate ratio, keeping a tone’s shape', () => {
    const tone = Int16Array.from({ length: 8000 }, (_, i) =>
      Math.round(10000 * Math.sin((2 * Math.PI * 200 * i) / 8000)),
    );
    const up = resamplePcm16(tone, 8000, 16000);
    expect(up.length).toBe(16000);
    expect(up[2 * 10]).toBeCloseTo(tone[10]!, -2);
    expect(resamplePcm16(up, 16000, 8000).length).toBe(8000);
  });

  it('writes a valid mono 16-bit WAV header', () => {
    const wav = encodeWav(new Int16Array([1, -1, 2]), 8000);
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(40)).toBe(6);
    expect(wav.length).toBe(50);
  });
});

it('the μ-law table gives each code the value the decoder gives it (the VAD and the mixer decode by lookup)', () => {
  const codes = Buffer.from(Array.from({ length: 256 }, (_, code) => code));
  expect(Array.from(MULAW_VALUES)).toEqual(Array.from(mulawToPcm16(codes)));
  expect(MULAW_VALUES[0xff]).toBe(0);
  expect(MULAW_VALUES[0x00]).toBe(-32124);
});
