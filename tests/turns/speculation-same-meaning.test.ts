import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import { meaningKey, sameMeaning } from '../../src/turns/same-meaning.js';

type Transcript = Extract<SttEvent, { type: 'transcript' }>;

/** A result whose words sit 300 ms apart from 0 s; the window ends `silenceS` after the last. */
function result(text: string, isFinal: boolean, silenceS = 0.05): Transcript {
  const words = text.split(' ').map((word, i) => ({ word, startS: i * 0.3, endS: i * 0.3 + 0.25, confidence: 0.95 }));
  const endS = (words.at(-1)?.endS ?? 0) + silenceS;
  return { type: 'transcript', isFinal, speechFinal: false, text, words, startS: 0, durationS: endS };
}

describe('same meaning', () => {
  it.each([
    ['Delivery dropped by twelve percent.', 'delivery dropped by 12 per cent'],
    ['Okay, I moved into sales.', 'ok i moved in to sales'],
    ['I um led the team.', 'I led the team'],
    ['Mm-hmm, all right.', 'mhm alright'],
    // smart_format writes tens, compounds and percentages as digits in the final.
    ['about forty people', 'About 40 people.'],
    ['a team of twenty five', 'A team of 25.'],
    ['sixty-three services', '63 services'],
    ['it fell thirty percent', 'It fell 30%.'],
  ])('holds for "%s" and "%s"', (a, b) => expect(sameMeaning(a, b)).toBe(true));

  it.each([
    ['I worked at Acne', 'I worked at Acme'],
    ['I led the platform team', 'I led the payments team'],
    ['for years', 'four years'],
    ['I was at Acme', 'I was at Acme for'],
    ['a nice', 'an ice'],
    ['forty two', '40 2 more'],
    ['thirty percent', '13%'],
  ])('does not hold for "%s" and "%s"', (a, b) => expect(sameMeaning(a, b)).toBe(false));

  it('ignores casing and punctuation only through normalizeWords', () => {
    expect(meaningKey('Yes, this is Sam.')).toBe('yes this is sam');
  });
});

describe('a speculation through a change of wording', () => {
  function setup() {
    const clock = new ManualClock(100);
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    return { clock, router, decisions };
  }

  it('is adopted when the final re-writes the words with the same meaning', () => {
    const { clock, router, decisions } = setup();
    router.handle(result('it dropped by twelve per cent', false));
    clock.advance(300);
    expect(decisions.map((d) => d.type)).toEqual(['speculate']);
    router.handle({ ...result('It dropped by 12 percent.', true, 0.35), speechFinal: true });
    clock.advance(2000);
    expect(decisions.map((d) => d.type)).toEqual(['speculate', 'commit']);
    expect(decisions.at(-1)).toMatchObject({
      text: 'It dropped by 12 percent.',
      speculated: true,
      speculatedText: 'it dropped by twelve per cent',
    });
    expect(router.stats).toMatchObject({ speculations: 1, speculationsWasted: 0, speculationsAdopted: 1 });
  });

  it('is thrown away when the last word is revised into another word', () => {
    const { clock, router, decisions } = setup();
    router.handle(result('I worked at Acne', false));
    clock.advance(300);
    router.handle({ ...result('I worked at Acme.', true, 0.35), speechFinal: true });
    clock.advance(2000);
    expect(decisions.map((d) => d.type)).toEqual(['speculate', 'speculation-invalidated', 'speculate', 'commit']);
    expect(decisions.at(-1)).toMatchObject({
      text: 'I worked at Acme.',
      speculated: true,
      speculatedText: 'I worked at Acme.',
    });
    expect(router.stats).toMatchObject({ speculations: 2, speculationsWasted: 1 });
  });
});
