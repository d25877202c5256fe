/**
 * The call hands caller audio to the STT at the quiet pace (larger messages, fewer writes) only
 * after two seconds without a sound from the caller — longer than the STT's utterance end
 * (1 s) takes to come, so nothing the turn-taking weighs is delayed — and the first frame of a
 * voice, however soft, goes at the live pace.
 */
import { expect, it } from 'vitest';
import { SeededRandom } from '../../testing/seeded-random.js';
import { frames, synthesize } from '../../testing/synthetic-audio.js';
import { sessionHarness } from './session-harness.js';

it.each([1, 2, 3, 4, 5])(
  'a caller silent for 2 s is sent at the quiet pace until they speak (seed %i)',
  async (seed) => {
    const h = sessionHarness();
    const voiceFromMs = 3000 + seed * 40;
    const audio = frames(
      synthesize(new SeededRandom(seed), {
        durationMs: 4000,
        noiseDb: -60,
        voiceDb: -30,
        spans: [
          { kind: 'voice', fromMs: 200, toMs: 700 },
          { kind: 'voice', fromMs: voiceFromMs, toMs: 3900 },
        ],
      }),
    );
    for (const { atMs, frame } of audio) h.session.onAudio(frame, atMs);
    const paceAt = (endMs: number) => h.sttPaces[endMs / 20 - 1];
    const where = `seed ${seed}`;
    expect(h.sttPaces, where).toHaveLength(audio.length);
    expect(paceAt(2600), where).toBe('live'); // 1.9 s after the first voice ended
    expect(paceAt(2800), where).toBe('quiet');
    expect(paceAt(voiceFromMs), where).toBe('quiet');
    expect(paceAt(voiceFromMs + 40), where).toBe('live');
    expect(paceAt(3900), where).toBe('live');
    h.session.onStreamEnded('stop');
  },
);
