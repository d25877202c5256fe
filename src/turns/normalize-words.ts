/**
 * Word tokens for comparing transcripts: lower case, punctuation dropped, hyphenated words
 * joined ("Mm-hmm," → "mmhmm"), apostrophes kept ("I'm" → "i'm"). Deepgram's interim and final
 * renderings of the same speech differ in casing and punctuation (smart_format), so stability
 * and phrase matching compare these tokens, never raw text.
 */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/(\p{L})-(?=\p{L})/gu, '$1')
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .split(/\s+/)
    .map((token) => token.replace(/^'+|'+$/g, ''))
    .filter((token) => token.length > 0);
}

/** One string key for a token list; equal keys mean the same words. */
export function wordsKey(tokens: readonly string[]): string {
  return tokens.join(' ');
}
