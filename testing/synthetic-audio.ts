/**
 * Synthetic caller audio for voice-activity tests and benchmarks, 8 kHz μ-law: a voice-like
 * signal (a glottal pulse train at a pitch of 90–220 Hz through two resonances, with a syllable
 * envelope), steady line noise, and clicks. Seeded, so every frame is reproducible.
 */
import { pcm16ToMulaw } from '../src/media/audio-codec.js';
import type { SeededRandom } from './seeded-random.js';

const RATE = 8000;

export interface AudioSpan {
  kind: 'voice' | 'click';
  fromMs: number;
  toMs: number;
}

export interface SyntheticAudioOptions {
  durationMs: number;
  spans: readonly AudioSpan[];
  /** Line noise level, dBFS; undefined for none. Default −50. */
  noiseDb?: number;
  /** Voice level, dBFS. Default −22. */
  voiceDb?: number;
}

/** The whole clip as μ-law bytes. */
export function synthesize(random: SeededRandom, options: SyntheticAudioOptions): Buffer {
  const n = Math.round((options.durationMs * RATE) / 1000);
  const pcm = new Float64Array(n);
  const noiseAmp = options.noiseDb === undefined ? 0 : 10 ** (options.noiseDb / 20) * Math.sqrt(3);
  for (let i = 0; i < n; i++) pcm[i] = noiseAmp * (2 * random.next() - 1);
  const voiceRms = 10 ** ((options.voiceDb ?? -22) / 20);
  for (const span of options.spans) {
    const from = Math.round((span.fromMs * RATE) / 1000);
    const to = Math.min(n, Math.round((span.toMs * RATE) / 1000));
    if (span.kind === 'click') {
      for (let i = from; i < Math.min(to, from + 40); i++) pcm[i] = (pcm[i] ?? 0) + 0.3 * (2 * random.next() - 1);
      continue;
    }
    addVoice(pcm, from, to, voiceRms, random);
  }
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((pcm[i] ?? 0) * 32767)));
  return pcm16ToMulaw(out);
}

/** Adds a voiced span whose RMS (at the envelope's peak) is `rms`. */
function addVoice(pcm: Float64Array, from: number, to: number, rms: number, random: SeededRandom): void {
  const voice = new Float64Array(Math.max(0, to - from));
  const pitchHz = random.between(90, 220);
  const syllableHz = random.between(3.5, 5.5);
  const f1 = random.between(500, 800);
  const f2 = random.between(1200, 2200);
  // Two-pole resonators shaping the pulse train like vowel formants.
  const res = [f1, f2].map((f) => {
    const r = 0.97;
    return { a1: 2 * r * Math.cos((2 * Math.PI * f) / RATE), a2: -r * r, y1: 0, y2: 0 };
  });
  let phase = 0;
  for (let i = from; i < to; i++) {
    phase += pitchHz / RATE;
    const pulse = phase >= 1 ? 1 : 0;
    if (phase >= 1) phase -= 1;
    let sum = 0;
    for (const r of res) {
      const v = pulse + r.a1 * r.y1 + r.a2 * r.y2;
      r.y2 = r.y1;
      r.y1 = v;
      sum += v;
    }
    const t = (i - from) / RATE;
    const edge = Math.min(1, (i - from) / 80, (to - i) / 80);
    const envelope = edge * (0.55 + 0.45 * Math.sin(2 * Math.PI * syllableHz * t) ** 2);
    voice[i - from] = envelope * sum;
  }
  let power = 0;
  for (const v of voice) power += v * v;
  const scale = rms / Math.sqrt(power / Math.max(1, voice.length) + 1e-12);
  for (let k = 0; k < voice.length; k++) pcm[from + k] = (pcm[from + k] ?? 0) + scale * (voice[k] ?? 0);
}

/** The clip cut into 20 ms frames with their media start times. */
export function frames(mulaw: Buffer): { atMs: number; frame: Buffer }[] {
  const out: { atMs: number; frame: Buffer }[] = [];
  for (let offset = 0; offset + 160 <= mulaw.length; offset += 160) {
    out.push({ atMs: (offset / RATE) * 1000, frame: mulaw.subarray(offset, offset + 160) });
  }
  return out;
}
