/**
 * When the caller stops speaking, the call asks the STT to finalize at once (Deepgram's
 * `Finalize`), right after handing it the frame on which the VAD heard the silence: the last
 * words then come settled within the STT's lag instead of at its next interim or endpoint. A
 * click is no speech and asks nothing.
 */
import { expect, it } from 'vitest';
import { SeededRandom } from '../../testing/seeded-random.js';
import { frames, synthesize } from '../../testing/synthetic-audio.js';
import { sessionHarness } from './session-harness.js';

it.each([1, 2, 3, 4, 5])('asks the STT to finalize once, just after each stretch of voice ends (seed %i)', (seed) => {
  const h = sessionHarness();
  const spans = [
    { kind: 'voice' as const, fromMs: 300, toMs: 1300 + seed * 20 },
    { kind: 'voice' as const, fromMs: 2500, toMs: 3100 },
  ];
  const audio = frames(synthesize(new SeededRandom(seed), { durationMs: 4000, noiseDb: -60, voiceDb: -30, spans }));
  for (const { atMs, frame } of audio) h.session.onAudio(frame, atMs);
  const where = `seed ${seed}`;
  expect(h.sttFinalizedAfter, where).toHaveLength(2);
  spans.forEach((span, i) => {
    // Frames handed over by then, as audio ms: after the voice ended, within the VAD's hangover and a frame or two.
    const handedMs = h.sttFinalizedAfter[i]! * 20;
    expect(handedMs, where).toBeGreaterThan(span.toMs);
    expect(handedMs, where).toBeLessThanOrEqual(span.toMs + 160);
  });
  h.session.onStreamEnded('stop');
});

it('asks nothing for a click on the line', () => {
  const h = sessionHarness();
  const spans = [{ kind: 'voice' as const, fromMs: 500, toMs: 600 }];
  const audio = frames(synthesize(new SeededRandom(7), { durationMs: 1500, noiseDb: -60, voiceDb: -30, spans }));
  for (const { atMs, frame } of audio) h.session.onAudio(frame, atMs);
  expect(h.sttFinalizedAfter).toEqual([]);
  h.session.onStreamEnded('stop');
});
