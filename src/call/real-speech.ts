/**
 * Which transcripts count as the caller starting a turn, for the machine's
 * `candidate_speech_started` (which stops the silence prompts and arms the monologue cap):
 * words the STT is reasonably sure of that are not only fillers ("um") or backchannels
 * ("mm-hmm"). Noise and backchannels must never hold the silence ladder off.
 */
import type { SttEvent } from '../stt/stt-stream.js';
import { FILLER_WORDS, nonBackchannelWords } from '../turns/backchannel.js';
import { normalizeWords } from '../turns/normalize-words.js';

/** Below this word confidence, a word is treated as noise. Deepgram's noise guesses sit well under it. */
export const MIN_SPEECH_CONFIDENCE = 0.5;

export function countsAsSpeechStart(event: SttEvent): boolean {
  if (event.type !== 'transcript' || !event.text.trim()) return false;
  const sure = event.words.filter((w) => w.confidence >= MIN_SPEECH_CONFIDENCE).map((w) => w.word);
  const tokens = normalizeWords(sure.length === event.words.length ? event.text : sure.join(' '));
  return nonBackchannelWords(tokens).some((t) => !FILLER_WORDS.has(t));
}
