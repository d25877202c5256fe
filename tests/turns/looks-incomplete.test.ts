import { describe, expect, it } from 'vitest';
import { looksIncomplete } from '../../src/turns/looks-incomplete.js';

describe('looksIncomplete', () => {
  it('flags sentences left hanging on a conjunction, article, filler or trailing comma', () => {
    for (const text of [
      'I worked at Acme and',
      'so',
      'It was, um',
      'We used the',
      'Mostly because',
      'I was, uh...',
      'I built the API,',
      'And then I',
      'I was',
      'I moved to',
      'The team was —',
      'I think',
      'Well, I guess',
      'I mean',
      'Um.',
      'My role was the.',
    ]) {
      expect(looksIncomplete(text), text).toBe(true);
    }
  });

  it('accepts finished sentences, including ones ending in "so" or a stranded preposition', () => {
    for (const text of [
      'I worked at Acme.',
      'Yes, this is Sam',
      'I think so.',
      'I hope so',
      "That's what I'm interested in.",
      'Yes I was.',
      'Three years',
      '',
      'Okay',
      "I don't know",
      'That is what I think.',
    ]) {
      expect(looksIncomplete(text), text).toBe(false);
    }
  });
});
