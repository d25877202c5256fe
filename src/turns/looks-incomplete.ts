import { normalizeWords } from './normalize-words.js';

/**
 * Words that leave a sentence hanging whatever punctuation the STT added: conjunctions,
 * articles, hesitation fillers. Deepgram often puts a period at a pause ("I was at Acme and."
 * does not happen, but "The." does), so these win over punctuation.
 */
const ALWAYS_HANGING = new Set([
  'and',
  'but',
  'or',
  'nor',
  'because',
  'cause',
  'cuz',
  'so',
  'plus',
  'the',
  'a',
  'an',
  'my',
  'our',
  'their',
  'his',
  'her',
  'your',
  'its',
  'um',
  'uh',
  'er',
  'erm',
  'hmm',
  'hm',
  'mm',
  'uhm',
]);

/**
 * Words that usually hang ("I worked on", "and then I", "I was") but can end a real sentence
 * ("that's what I'm interested in.", "yes I was."): hanging only without terminal punctuation.
 */
const HANGING_UNLESS_PUNCTUATED = new Set([
  'to',
  'of',
  'in',
  'on',
  'at',
  'for',
  'with',
  'from',
  'about',
  'into',
  'by',
  'as',
  'like',
  'then',
  'that',
  'which',
  'who',
  'where',
  'if',
  'when',
  'while',
  'although',
  'though',
  'since',
  'i',
  'was',
  'were',
  'is',
  'am',
  'are',
  "i'm",
  "i've",
  "i'd",
  'we',
  'had',
  'have',
  'would',
  'will',
  // Openers that announce the answer ("I think …", "I guess …", "I mean …"); a speaker
  // often pauses right after them. "I don't know" is a whole answer, so not "know".
  'think',
  'guess',
  'mean',
  'believe',
  'suppose',
  'feel',
]);

/** "I think so." ends in "so" but is complete. */
const COMPLETE_BEFORE_SO = new Set(['think', 'hope', 'guess', 'believe', 'said', 'say', 'suppose']);

/**
 * True when `text` reads like a sentence the speaker has not finished: it ends in a comma,
 * dash, colon or ellipsis, in a conjunction, article or filler ("and", "the", "um"), or — with
 * no terminal punctuation — in a preposition, pronoun or auxiliary ("at", "I", "was").
 * A heuristic for how long to wait, never a reason to drop words.
 */
export function looksIncomplete(text: string): boolean {
  const trimmed = text.trimEnd();
  if (/(,|-|–|—|:|\.\.\.|…)$/.test(trimmed)) return true;
  const tokens = normalizeWords(trimmed);
  const last = tokens.at(-1);
  if (last === undefined) return false;
  if (last === 'so') return !COMPLETE_BEFORE_SO.has(tokens.at(-2) ?? '');
  if (ALWAYS_HANGING.has(last)) return true;
  const punctuated = /[.?!]$/.test(trimmed);
  return !punctuated && HANGING_UNLESS_PUNCTUATED.has(last);
}
