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
  // "30%" is smart_format's "thirty percent"; normalizeWords would drop the sign.
  const tokens = normalizeWords(text.replace(/(\d)\s*%/g, '$1 percent')).filter((t) => !FILLERS.has(t));
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
    const compound = compoundValue(token, tokens[i + 1]);
    if (compound !== undefined) {
      out.push(String(compound));
      i += 1;
      continue;
    }
    const value = numberValue(token);
    out.push(VARIANTS[token] ?? (value === undefined ? token : String(value)));
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

/** Counts smart_format may write as digits: units and teens, tens, and a ten with its unit. */
const UNITS =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
    ' ',
  );
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety'.split(' ');

/** The value of a number word ("forty", "sixtythree" from "sixty-three"), if it is one. */
function numberValue(token: string): number | undefined {
  const unit = UNITS.indexOf(token);
  if (unit >= 0) return unit;
  for (const [i, ten] of TENS.entries()) {
    if (token === ten) return (i + 2) * 10;
    const rest = token.startsWith(ten) ? UNITS.indexOf(token.slice(ten.length)) : -1;
    if (rest >= 1 && rest <= 9) return (i + 2) * 10 + rest;
  }
  return undefined;
}

/** "twenty five" read as one count (25), as smart_format writes it; undefined when it is not one. */
function compoundValue(first: string, second: string | undefined): number | undefined {
  if (second === undefined || !TENS.includes(first)) return undefined;
  const unit = UNITS.indexOf(second);
  return unit >= 1 && unit <= 9 ? (numberValue(first) ?? 0) + unit : undefined;
}
