import { BACKCHANNEL_PHRASES } from './backchannel.js';
import { normalizeWords } from './normalize-words.js';

/**
 * A rough sound key of one normalized token, for telling whether an interim's unsettled last
 * word could be a mishearing of a backchannel word. A recognizer that has not heard a word out
 * shows a homophone ("write" for "right") or a stem ("exact" for "exactly"), so the key keeps
 * only what survives those: consonant classes (voiced and voiceless alike, silent letters gone)
 * and vowel positions. Deliberately coarse: a false "sounds like" only means the word waits for
 * the next result, as before.
 */
export function soundKey(token: string): string {
  const key = token
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/^wr/, 'r')
    .replace(/^kn/, 'n')
    .replace(/gh/g, '')
    .replace(/ph/g, 'f')
    .replace(/sh|ch|x|z|c(?=[eiy])/g, 's')
    .replace(/ck|c|q|g/g, 'k')
    .replace(/d/g, 't')
    .replace(/b/g, 'p')
    .replace(/v/g, 'f')
    .replace(/(?<=.)e$/, '')
    .replace(/(?<=[aeiouy])[hw]/g, '')
    .replace(/y$/, 'i')
    .replace(/(?<=.)y/g, 'i')
    .replace(/[aeiou]+/g, 'V')
    .replace(/([a-zV])\1+/g, '$1');
  return key;
}

/** Each backchannel word's key, and each phrase's run together ("gotta" for "got it"). */
const BACKCHANNEL_KEYS: readonly string[] = [
  ...new Set(BACKCHANNEL_PHRASES.map(normalizeWords).flatMap((tokens) => [...tokens, tokens.join('')].map(soundKey))),
];

/**
 * True when `token` (normalized) sounds like a backchannel word or the start of one, so an
 * interim showing it as its unsettled last word may still settle into "right", "okay", "sure".
 */
export function soundsLikeBackchannel(token: string): boolean {
  const key = soundKey(token);
  return key.length <= 1 || BACKCHANNEL_KEYS.some((backchannel) => backchannel.startsWith(key));
}
