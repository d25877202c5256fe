import { describe, expect, it } from 'vitest';
import { mulawToPcm16, pcm16ToMulaw } from '../../src/media/audio-codec.js';
import { CallAudioMixer } from '../../src/recording/call-audio-mixer.js';

/** A μ-law frame of one constant 16-bit level. */
function level(value: number, samples = 160): Buffer {
  return pcm16ToMulaw(new Int16Array(samples).fill(value));
}

function mixerWithOutput(windowSamples = 1600) {
  const chunks: Buffer[] = [];
  const mixer = new CallAudioMixer({ windowSamples, onPcm: (pcm) => chunks.push(Buffer.from(pcm)) });
  const samples = () => {
    const all = Buffer.concat(chunks);
    return new Int16Array(all.buffer, all.byteOffset, all.length / 2);
  };
  return { mixer, chunks, samples };
}

/** The value the mixer writes for one side at `value` (μ-law rounding, then the 0.8 side gain). */
function mixed(...values: number[]): number {
  return Math.round(values.reduce((sum, v) => sum + (mulawToPcm16(level(v, 1))[0] ?? 0) * 0.8, 0));
}

describe('call audio mixer', () => {
  it('puts the caller at its timestamps and plays agent frames back to back from when they were sent', () => {
    const { mixer, samples } = mixerWithOutput();
    mixer.putCaller(160, level(1000));
    // Three agent frames sent at once at sample 0 play one after another: 0, 160, 320.
    expect([0, 0, 0].map((at) => mixer.playAgent(at, level(-2000)))).toEqual([0, 160, 320]);
    mixer.take(640);
    const out = samples();
    expect(out.length).toBe(640);
    expect(out[0]).toBe(mixed(-2000));
    expect(out[200]).toBe(mixed(1000, -2000));
    expect(out[500]).toBe(0);
  });

  it('drops the agent audio a clear finds unplayed, and the next reply starts from the clear', () => {
    const { mixer, samples } = mixerWithOutput();
    for (let i = 0; i < 5; i++) mixer.playAgent(0, level(3000));
    mixer.clearAgent(240);
    expect(mixer.playAgent(400, level(-3000))).toBe(400);
    mixer.take(800);
    const out = samples();
    expect(out[239]).toBe(mixed(3000));
    expect(out.slice(240, 400).every((s) => s === 0)).toBe(true);
    expect(out[400]).toBe(mixed(-3000));
    expect(out.slice(560).every((s) => s === 0)).toBe(true);
  });

  it('hands on audio older than its window by itself, and drops (and counts) caller audio too late for it', () => {
    const { mixer, chunks, samples } = mixerWithOutput(800);
    for (let at = 0; at < 2400; at += 160) mixer.putCaller(at, level(500));
    expect(mixer.finishedSamples).toBe(2400 - 800);
    expect(chunks.length).toBeGreaterThan(0);
    mixer.putCaller(0, level(9000));
    expect(mixer.droppedLateSamples).toBe(160);
    mixer.take(2400);
    expect(samples().length).toBe(2400);
    expect(samples().every((s) => s === mixed(500))).toBe(true);
  });

  it('clips when both sides are loud at once instead of wrapping round', () => {
    const { mixer, samples } = mixerWithOutput();
    mixer.putCaller(0, level(32000));
    mixer.playAgent(0, level(32000));
    mixer.take(160);
    expect(samples()[0]).toBe(32767);
  });
});
