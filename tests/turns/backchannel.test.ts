import { describe, expect, it } from 'vitest';
import { isBackchannel, nonBackchannelWords } from '../../src/turns/backchannel.js';
import { normalizeWords } from '../../src/turns/normalize-words.js';

describe('backchannel detection', () => {
  it('recognises acknowledgements however the STT spells or punctuates them', () => {
    for (const text of [
      'Mm-hmm.',
      'mm hmm',
      'MHM',
      'Uh-huh!',
      'uh huh',
      'Okay.',
      'ok',
      'Right, right.',
      'Yeah yeah',
      'Yes.',
      'Sure',
      'Got it.',
      'I see.',
      'Cool',
      'Great!',
      'Alright',
      'all right',
      'uh',
      'Um...',
      'Interesting.',
      'Thank you.',
      'Sounds good.',
      'Fair enough.',
      'I know.',
      "That's right.",
      'Right on.',
    ]) {
      expect(isBackchannel(text), text).toBe(true);
    }
  });

  it('does not count empty text or real words as backchannel', () => {
    for (const text of [
      '',
      '...',
      'wait',
      'No.',
      'Okay, but what about the salary?',
      'sorry, can you repeat that',
      'yes please stop',
    ]) {
      expect(isBackchannel(text), text).toBe(false);
    }
  });

  it('leaves the words that are not part of a backchannel phrase', () => {
    expect(nonBackchannelWords(normalizeWords('Okay, got it. So what is next?'))).toEqual(['so', 'what', 'is', 'next']);
    expect(nonBackchannelWords(normalizeWords('Yeah, I see what you mean'))).toEqual(['what', 'you', 'mean']);
  });
});

describe('open-ended interims', () => {
  it('hold back a trailing word that may still become a backchannel phrase', () => {
    expect(nonBackchannelWords(['right', 'got'], true)).toEqual([]);
    expect(nonBackchannelWords(['right', 'got'], false)).toEqual(['got']);
    expect(nonBackchannelWords(['i'], true)).toEqual([]);
    expect(nonBackchannelWords(['i', 'think'], true)).toEqual(['i', 'think']);
  });
});

describe('word normalization', () => {
  it('drops case and punctuation, joins hyphenated words, keeps apostrophes', () => {
    expect(normalizeWords("Mm-hmm, I'm  SURE… it’s fine!")).toEqual(['mmhmm', "i'm", 'sure', "it's", 'fine']);
  });
});
