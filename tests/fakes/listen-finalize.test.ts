/**
 * The fake Deepgram answers `Finalize` as the docs describe, "in most cases": a profile's
 * `finalizeAnsweredRate` decides per request, and an unanswered one changes nothing (the words
 * still come final at the endpoint), so the product is tested against both.
 */
import { expect, it } from 'vitest';
import { ListenEngine } from '../../testing/fakes/deepgram-listen-engine.js';
import { LISTEN_PROFILES, profileBehaviour } from '../../testing/fakes/deepgram-listen-profile.js';
import { SERVICE_LISTEN_SETTINGS } from '../../testing/stt-timeline.js';

const WORDS = [
  { word: 'I', startS: 0.1, endS: 0.2 },
  { word: 'agree.', startS: 0.25, endS: 0.6 },
];

function engineAnswering(rate: number) {
  const profile = { ...LISTEN_PROFILES.measured, finalizeAnsweredRate: rate };
  return new ListenEngine(WORDS, SERVICE_LISTEN_SETTINGS, { behaviour: profileBehaviour({ profile, seed: 3 }) });
}

it('answers a Finalize with a from_finalize final of every word begun', () => {
  const engine = engineAnswering(1);
  engine.advance(0.72);
  const [result] = engine.finalize(true);
  expect(result).toMatchObject({ type: 'Results', isFinal: true, fromFinalize: true, speechFinal: false });
  expect(result?.type === 'Results' && result.words.map((w) => w.word)).toEqual(['i', 'agree']);
});

it('leaves a Finalize it does not answer without effect: the endpoint still finals the words', () => {
  const engine = engineAnswering(0);
  engine.advance(0.72);
  expect(engine.finalize(true)).toEqual([]);
  const later = engine.advance(1.5).filter((e) => e.type === 'Results' && e.isFinal);
  expect(later.map((e) => e.type === 'Results' && e.speechFinal)).toContain(true);
});

it('always answers CloseStream', () => {
  const engine = engineAnswering(0);
  engine.advance(0.72);
  expect(engine.finalize(false)).toHaveLength(1);
});
