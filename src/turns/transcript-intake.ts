/**
 * What of an STT result the commit router takes in: the words not already answered, and whether
 * the result is noise rather than speech. Pure.
 */
import type { SttEvent } from '../stt/stt-stream.js';
import { normalizeWords } from './normalize-words.js';
import type { WindowResult } from './utterance-text.js';

/** Float slack on audio seconds that went through JSON. */
export const EPSILON_S = 1e-3;

/** A lone one of these starts nothing: coughs and breaths come out of STT as fillers. */
const LONE_NOISE_WORDS = new Set(['uh', 'um', 'hm', 'hmm', 'mm', 'ah', 'er', 'erm', 'uhm', 'oh']);

/** The result without words of an utterance already answered (a window re-sent after the reply). */
export function freshPart(event: Extract<SttEvent, { type: 'transcript' }>, closedUntilS: number): WindowResult {
  if (!event.words.some((w) => w.startS < closedUntilS - EPSILON_S)) return { text: event.text, words: event.words };
  const words = event.words.filter((w) => w.startS >= closedUntilS - EPSILON_S);
  return { text: words.map((w) => w.punctuated ?? w.word).join(' '), words };
}

/**
 * No words; words all below `minConfidence`; or a lone filler when no utterance is open (it may
 * continue one, "I was at Acme… um", but not start or resume one).
 */
export function isNoise(result: WindowResult, minConfidence: number, utteranceOpen: boolean): boolean {
  const tokens = normalizeWords(result.text);
  if (tokens.length === 0) return true;
  if (result.words.length > 0 && result.words.every((w) => w.confidence < minConfidence)) return true;
  return tokens.length === 1 && LONE_NOISE_WORDS.has(tokens[0]!) && !utteranceOpen;
}
