import { describe, expect, it } from 'vitest';
import { GoingOnClaims } from '../../src/turns/going-on-claims.js';

/** `shownAfter` for an STT whose words start at these audio ms. */
const wordsStartingAt =
  (...startsMs: number[]) =>
  (afterMs: number) =>
    startsMs.some((s) => s > afterMs);

describe('GoingOnClaims', () => {
  it('waits on a claim until it lapses, and not after', () => {
    const claims = new GoingOnClaims();
    expect(claims.waitUntil(1000, 1300, 1800)).toBe(1800);
    expect(claims.waitUntil(1000, 1800, 1800)).toBeUndefined();
  });

  /** Opens a claim on the word ending at `wordEndMs`, to lapse 800 ms on, and judges it at `judgeAtMs`. */
  function claimAndJudge(claims: GoingOnClaims, wordEndMs: number, judgeAtMs: number, ...startsMs: number[]) {
    claims.waitUntil(wordEndMs, wordEndMs + 300, wordEndMs + 800);
    claims.review(judgeAtMs, wordsStartingAt(...startsMs));
  }

  it('is believed however many claims a new word confirmed, and no longer after two lapsed with none', () => {
    const claims = new GoingOnClaims();
    for (let k = 0; k < 10; k++) claimAndJudge(claims, k * 1000, k * 1000 + 600, k * 1000 + 100);
    expect(claims.trusted).toBe(true);
    // A word late, but within a second of the lapse: confirmed.
    claimAndJudge(claims, 20_000, 21_500, 20_100);
    expect(claims.trusted).toBe(true);
    claimAndJudge(claims, 30_000, 31_801);
    expect(claims.trusted).toBe(true);
    // A word that comes only long after the lapse does not save the claim.
    claimAndJudge(claims, 40_000, 42_000, 41_000);
    expect(claims.trusted).toBe(false);
    expect(claims.waitUntil(50_000, 50_300, 50_800)).toBeUndefined();
  });

  it('judges nothing when the VAD takes its claim back before the lapse (the voice ended soon after all)', () => {
    const claims = new GoingOnClaims();
    for (let k = 0; k < 3; k++) {
      claims.waitUntil(k * 10_000, k * 10_000 + 300, k * 10_000 + 800);
      expect(claims.waitUntil(k * 10_000, k * 10_000 + 350, undefined)).toBeUndefined();
      claims.review(k * 10_000 + 5000, wordsStartingAt());
    }
    expect(claims.trusted).toBe(true);
  });

  it('is not confirmed by the last word re-timed: only a word starting after it counts', () => {
    const claims = new GoingOnClaims();
    for (const wordEndMs of [10_000, 20_000]) {
      claims.waitUntil(wordEndMs, wordEndMs + 300, wordEndMs + 800);
      // A final moves the same word's end on by 40 ms: it still starts before the claimed end.
      claims.review(wordEndMs + 500, wordsStartingAt(wordEndMs - 300));
      claims.review(wordEndMs + 2000, wordsStartingAt(wordEndMs - 300));
    }
    expect(claims.trusted).toBe(false);
  });

  it('judges a claim by its latest deadline when the VAD extends it', () => {
    const claims = new GoingOnClaims();
    for (const wordEndMs of [10_000, 20_000]) {
      claims.waitUntil(wordEndMs, wordEndMs + 300, wordEndMs + 800);
      claims.waitUntil(wordEndMs, wordEndMs + 700, wordEndMs + 1500);
      // 2.2 s on: past the first deadline's grace, within the second's.
      claims.review(wordEndMs + 2200, wordsStartingAt(wordEndMs + 1200));
    }
    expect(claims.trusted).toBe(true);
  });
});
