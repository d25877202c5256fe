import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two secrets of any length: compares their SHA-256 digests, so the
 * lengths always match and the time taken says nothing about how much of the guess was right.
 */
export function secretsEqual(guess: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(guess), digest(secret));
}
