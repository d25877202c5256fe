import { normalizeWords } from './normalize-words.js';

/**
 * Listener feedback that never takes the turn: acknowledgements, agreement tokens, and the
 * coughs and breaths STT transcribes as fillers. Written as spoken; matched on normalized
 * tokens, so "Mm-hmm.", "mm hmm" and "MMHMM" all match.
 */
export const BACKCHANNEL_PHRASES: readonly string[] = [
  'mm-hmm',
  'mm hmm',
  'mhm',
  'mhmm',
  'mmhm',
  'uh-huh',
  'uh huh',
  'hmm',
  'hm',
  'mm',
  'mmm',
  'okay',
  'ok',
  'right',
  'yeah',
  'yea',
  'yep',
  'yup',
  'yes',
  'sure',
  'got it',
  'gotcha',
  'i see',
  'cool',
  'great',
  'alright',
  'all right',
  'nice',
  'perfect',
  'exactly',
  'totally',
  'absolutely',
  'of course',
  'oh',
  'ah',
  'aha',
  'wow',
  'uh',
  'um',
  'er',
  'erm',
  'uhm',
  'oh okay',
  'makes sense',
  'sounds good',
  'fair enough',
  'i understand',
  'understood',
  'indeed',
  'interesting',
  'good',
  'fine',
  'true',
  'awesome',
  'wonderful',
  'thanks',
  'thank you',
  'i know',
  'i agree',
  "that's right",
  "that's true",
  'for sure',
  'right on',
];

/**
 * Hesitation words. Not backchannels (they can open a real sentence: "so, I was…"), but one of
 * them alone is no interruption however long it is drawn out.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'um',
  'uh',
  'er',
  'erm',
  'uhm',
  'hmm',
  'hm',
  'mm',
  'ah',
  'oh',
  'well',
  'so',
  'like',
  'just',
]);

const PHRASES: readonly string[][] = BACKCHANNEL_PHRASES.map(normalizeWords).sort((a, b) => b.length - a.length);

/**
 * Splits tokens into backchannel phrases and the rest, matching the longest phrase first at
 * each position ("got it" before "got"). Returns the tokens that are not part of any phrase.
 * With `openEnded` (an interim still growing), trailing tokens that begin a phrase ("got" of
 * "got it", "i" of "i see") are left out until the next result shows how the phrase ends.
 */
export function nonBackchannelWords(tokens: readonly string[], openEnded = false): string[] {
  const rest: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const phrase = PHRASES.find((p) => p.every((token, k) => tokens[i + k] === token));
    if (phrase) {
      i += phrase.length;
    } else if (openEnded && startsPhrase(tokens.slice(i))) {
      break;
    } else {
      rest.push(tokens[i]!);
      i += 1;
    }
  }
  return rest;
}

/** True when `tail` is the beginning, not the whole, of some backchannel phrase. */
function startsPhrase(tail: readonly string[]): boolean {
  return PHRASES.some((p) => p.length > tail.length && tail.every((token, k) => p[k] === token));
}

/** True when `text` has words and every one belongs to a backchannel ("Okay, got it. Mm-hmm."). */
export function isBackchannel(text: string): boolean {
  const tokens = normalizeWords(text);
  return tokens.length > 0 && nonBackchannelWords(tokens).length === 0;
}
