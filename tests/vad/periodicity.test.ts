import { describe, expect, it } from 'vitest';
import { mulawToPcm16 } from '../../src/media/audio-codec.js';
import { isPeriodic } from '../../src/vad/voice-activity.js';
import { SeededRandom } from '../../testing/seeded-random.js';
import { type AudioSpan, frames, synthesize } from '../../testing/synthetic-audio.js';

/** The detector's original test: the best normalised autocorrelation over every pitch lag, then the threshold. */
function referencePeriodicity(window: Float32Array): number {
  const start = window.length - 160;
  let best = 0;
  for (let lag = 20; lag <= 114; lag++) {
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let i = start; i < window.length; i++) {
      const x = window[i] ?? 0;
      const y = window[i - lag] ?? 0;
      dot += x * y;
      a += x * x;
      b += y * y;
    }
    const r = dot / Math.sqrt(a * b + 1e-12);
    if (r > best) best = r;
  }
  return best;
}

/** Every two-frame window (previous frame + this one, as floats) of a clip of voice, pauses, clicks and noise. */
function windows(seed: number, noiseDb: number): Float32Array[] {
  const random = new SeededRandom(seed);
  const spans: AudioSpan[] = [];
  for (let t = 200; t < 5500; ) {
    const length = random.between(150, 900);
    spans.push({ kind: random.next() < 0.2 ? 'click' : 'voice', fromMs: t, toMs: t + length });
    t += length + random.between(60, 600);
  }
  const out: Float32Array[] = [];
  const window = new Float32Array(320);
  for (const { frame } of frames(synthesize(random, { durationMs: 6000, noiseDb, spans }))) {
    window.copyWithin(0, 160);
    const pcm = mulawToPcm16(frame);
    for (let i = 0; i < 160; i++) window[160 + i] = (pcm[i] ?? 0) / 32768;
    out.push(window.slice());
  }
  return out;
}

describe('isPeriodic (the voice detector’s pitch test, stopping at the first lag that passes)', () => {
  it('decides exactly as the full search over every lag, at any threshold and whatever lag it tries first', () => {
    let checked = 0;
    let periodic = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      for (const noiseDb of [-60, -45, -30]) {
        let hint = { lag: 0 };
        for (const window of windows(seed, noiseDb)) {
          const best = referencePeriodicity(window);
          for (const threshold of [-0.5, 0, 0.2, 0.45, 0.7, 0.95, 1.5]) {
            const where = `seed ${seed}, noise ${noiseDb}, threshold ${threshold}, best ${best}`;
            expect(isPeriodic(window, threshold, hint), where).toBe(best >= threshold);
            expect(isPeriodic(window, threshold), where).toBe(best >= threshold);
            checked++;
            if (best >= threshold) periodic++;
          }
          if (checked % 7 === 0) hint = { lag: 0 };
        }
      }
    }
    // Both answers were exercised many times.
    expect(periodic).toBeGreaterThan(1000);
    expect(checked - periodic).toBeGreaterThan(1000);
  });

  it('remembers the lag that passed, so the next frame of a steady voice tries it first', () => {
    const voice = windows(7, -60);
    const hint = { lag: 0 };
    const passed = voice.filter((w) => isPeriodic(w, 0.45, hint));
    expect(passed.length).toBeGreaterThan(20);
    expect(hint.lag).toBeGreaterThanOrEqual(20);
    expect(hint.lag).toBeLessThanOrEqual(114);
  });
});
