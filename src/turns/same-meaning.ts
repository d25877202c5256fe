import { normalizeWords, wordsKey } from './normalize-words.js';

/**
 * When two renderings of the caller's words mean the same, so a reply written for one serves
 * the other. Deliberately narrow: the same words up to what a recognizer changes between an
 * interim and its final without any change in the speech — casing and punctuation, hesitation
 * fillers, counts written as words or digits ("twelve" / "12"), and a few words written split,
 * joined or spelt otherwise ("per cent" / "percent", "ok" / "okay"). Any other difference, a
 * word revised into another word included ("Acne" / "Acme"), is a different meaning.
 */
export function meaningKey(text: string): string {
  const tokens = normalizeWords(text).filter((t) => !FILLERS.has(t));
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const pair = `${tokens[i]} ${tokens[i + 1] ?? ''}`;
    const joined = JOINED[pair];
    if (joined !== undefined) {
      out.push(joined);
      i += 1;
      continue;
    }
    const token = tokens[i]!;
    out.push(VARIANTS[token] ?? NUMBERS[token] ?? token);
  }
  return wordsKey(out);
}

export function sameMeaning(a: string, b: string): boolean {
  return meaningKey(a) === meaningKey(b);
}

/** Hesitation sounds carry no meaning (Deepgram drops them unless `filler_words=true`). */
const FILLERS = new Set(['um', 'uh', 'er', 'erm', 'uhm']);

/** Two tokens a recognizer may also write as one. */
const JOINED: Readonly<Record<string, string>> = {
  'per cent': 'percent',
  'in to': 'into',
  'some times': 'sometimes',
  'every one': 'everyone',
  'can not': 'cannot',
  'on line': 'online',
  'set up': 'setup',
  'all right': 'alright',
  'uh huh': 'uhhuh',
  'mm hmm': 'mmhmm',
};

/** One token spelt in several ways (after normalizeWords, which drops hyphens). */
const VARIANTS: Readonly<Record<string, string>> = {
  ok: 'okay',
  mhm: 'mmhmm',
  mhmm: 'mmhmm',
  yea: 'yeah',
};

/** Counts smart_format may write as digits. */
const NUMBERS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'zero',
    'one',
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'eleven',
    'twelve',
    'thirteen',
    'fourteen',
    'fifteen',
    'sixteen',
    'seventeen',
    'eighteen',
    'nineteen',
    'twenty',
  ].map((word, value) => [word, String(value)]),
);
