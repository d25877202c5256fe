import { describe, expect, it } from 'vitest';
import { VoiceActivityDetector, type VoiceActivityEvent } from '../../src/vad/voice-activity.js';
import { SeededRandom } from '../../testing/seeded-random.js';
import { type AudioSpan, frames, type SyntheticAudioOptions, synthesize } from '../../testing/synthetic-audio.js';

function detect(seed: number, options: SyntheticAudioOptions): VoiceActivityEvent[] {
  const vad = new VoiceActivityDetector();
  return frames(synthesize(new SeededRandom(seed), options)).flatMap(({ atMs, frame }) => vad.push(frame, atMs));
}

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe('voice activity on synthetic caller audio', () => {
  it.each([
    ['quiet line', -60],
    ['noisy line', -40],
  ] as const)('finds a voice in a %s within tens of ms of its onset and offset', (_name, noiseDb) => {
    for (const seed of SEEDS) {
      const random = new SeededRandom(seed * 31);
      const fromMs = Math.round(random.between(400, 900));
      const toMs = fromMs + Math.round(random.between(200, 1500));
      const events = detect(seed, { durationMs: toMs + 600, noiseDb, spans: [{ kind: 'voice', fromMs, toMs }] });
      const where = `seed ${seed}, noise ${noiseDb} dBFS, voice ${fromMs}–${toMs} ms`;
      expect(
        events.map((e) => e.type),
        where,
      ).toEqual(['voice-started', 'voice-stopped']);
      const [started, stopped] = events as [VoiceActivityEvent, Extract<VoiceActivityEvent, { type: 'voice-stopped' }>];
      expect(Math.abs(started.atMs - fromMs), where).toBeLessThanOrEqual(40);
      expect(Math.abs(stopped.atMs - toMs), where).toBeLessThanOrEqual(40);
      expect(Math.abs(stopped.durationMs - (toMs - fromMs)), where).toBeLessThanOrEqual(60);
    }
  });

  it('reports nothing on line noise alone, however loud and whatever its level does', () => {
    for (const seed of SEEDS) {
      for (const noiseDb of [-60, -45, -30]) {
        expect(detect(seed, { durationMs: 4000, noiseDb, spans: [] }), `seed ${seed} noise ${noiseDb}`).toEqual([]);
      }
    }
  });

  it('reports nothing for clicks on the line', () => {
    for (const seed of SEEDS) {
      const spans: AudioSpan[] = [500, 1300, 2100].map((fromMs) => ({ kind: 'click', fromMs, toMs: fromMs + 5 }));
      expect(detect(seed, { durationMs: 3000, noiseDb: -55, spans }), `seed ${seed}`).toEqual([]);
    }
  });

  it('keeps one run through the short gaps between words, and splits at a pause', () => {
    const spans: AudioSpan[] = [
      { kind: 'voice', fromMs: 500, toMs: 800 },
      { kind: 'voice', fromMs: 860, toMs: 1200 },
      { kind: 'voice', fromMs: 1800, toMs: 2200 },
    ];
    const events = detect(3, { durationMs: 2800, noiseDb: -55, spans });
    expect(events.map((e) => e.type)).toEqual(['voice-started', 'voice-stopped', 'voice-started', 'voice-stopped']);
  });
});

/**
 * quietForMs: how long the line has made no sound worth sending promptly to the STT (the STT's
 * messages grow while the caller is quiet). It must end on the first frame of a voice, sooner
 * than the onset (two voiced frames), and for a voice too soft to be an onset; line noise alone,
 * at any level, never ends it.
 */
describe('how long the caller has been quiet', () => {
  let onsets = 0;
  function quietAfterEachFrame(seed: number, options: SyntheticAudioOptions): { endMs: number; quietMs: number }[] {
    const vad = new VoiceActivityDetector();
    onsets = 0;
    return frames(synthesize(new SeededRandom(seed), options)).map(({ atMs, frame }) => {
      onsets += vad.push(frame, atMs).filter((e) => e.type === 'voice-started').length;
      return { endMs: atMs + 20, quietMs: vad.quietForMs() };
    });
  }

  it('grows through line noise alone, at any level', () => {
    for (const seed of SEEDS) {
      for (const noiseDb of [-60, -45, -30]) {
        const after = quietAfterEachFrame(seed, { durationMs: 4000, noiseDb, spans: [] });
        expect(after.at(-1)?.quietMs, `seed ${seed} noise ${noiseDb}`).toBeGreaterThanOrEqual(3900);
      }
    }
  });

  it.each([
    ['a voice', -22],
    ['a voice too soft for an onset', -53],
  ] as const)('ends on the first whole frame of %s, and counts again from its end', (_name, voiceDb) => {
    for (const seed of SEEDS) {
      const fromMs = 1000 + seed * 20;
      const toMs = fromMs + 600;
      const after = quietAfterEachFrame(seed, {
        durationMs: toMs + 2500,
        noiseDb: -62,
        voiceDb,
        spans: [{ kind: 'voice', fromMs, toMs }],
      });
      const where = `seed ${seed}, voice ${voiceDb} dBFS at ${fromMs}–${toMs} ms`;
      if (voiceDb < -52) expect(onsets, where).toBe(0);
      expect(after.find((f) => f.endMs === fromMs)?.quietMs, where).toBeGreaterThanOrEqual(fromMs - 20);
      expect(after.find((f) => f.endMs === fromMs + 40)?.quietMs, where).toBe(0);
      const last = after.at(-1)!;
      expect(Math.abs(last.quietMs - (last.endMs - toMs)), where).toBeLessThanOrEqual(60);
    }
  });
});
