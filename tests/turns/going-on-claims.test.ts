import { describe, expect, it } from 'vitest';
import { GoingOnClaims } from '../../src/turns/going-on-claims.js';

describe('GoingOnClaims', () => {
  it('waits on a claim until it lapses, and not after', () => {
    const claims = new GoingOnClaims();
    expect(claims.waitUntil(1000, 1300, 1800)).toBe(1800);
    expect(claims.waitUntil(1000, 1800, 1800)).toBeUndefined();
    expect(claims.waitUntil(1000, 1300, undefined)).toBeUndefined();
  });

  it('is believed however many claims a new word confirmed, and no longer after two lapsed with none', () => {
    const claims = new GoingOnClaims();
    for (let k = 0; k < 10; k++) {
      claims.waitUntil(k * 1000, k * 1000 + 300, k * 1000 + 800);
      claims.waitUntil(k * 1000 + 500, k * 1000 + 600, undefined); // the next word came in time
    }
    expect(claims.trusted).toBe(true);
    claims.waitUntil(20_000, 20_300, 20_800);
    claims.review(20_500, 21_500); // a word, late but within the grace: confirmed
    expect(claims.trusted).toBe(true);
    claims.waitUntil(30_000, 30_300, 30_800);
    claims.review(30_000, 31_801); // no word by a second after the lapse
    expect(claims.trusted).toBe(true);
    claims.waitUntil(40_000, 40_300, 40_800);
    // A word that comes only long after the lapse does not save the claim.
    claims.review(41_000, 42_000);
    expect(claims.trusted).toBe(false);
    expect(claims.waitUntil(50_000, 50_300, 50_800)).toBeUndefined();
  });
});
