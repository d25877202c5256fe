/**
 * Translates Deepgram live messages into SttEvents on the call's audio axis. Pure.
 *
 * Each Deepgram connection counts audio time from its own start. After a reconnect the new
 * connection is sent audio from call time `offsetS`, so its times are shifted by that offset.
 * The resent audio overlaps what the old connection already finalised (up to `settledUntilS`):
 * words that start before it were already delivered, so they are dropped from the new
 * connection's results, as are results and SpeechStarted lying wholly inside it.
 * Metadata (the end-of-stream summary) is ignored. Empty finals are kept as transcript events
 * with text '' (Deepgram sends them on silence; consumers ignore them).
 */
import type { listen } from '@deepgram/sdk';
import type { SttEvent, SttWord } from './stt-stream.js';

/** Float slack when comparing second values that went through JSON, s. */
const EPSILON_S = 1e-6;

export interface ConnectionAxis {
  /** Call audio seconds at this connection's audio time 0. */
  offsetS: number;
  /** Call audio seconds already covered by finals delivered before this connection. */
  settledUntilS: number;
  /**
   * Where the last word of those finals ends (default `settledUntilS`). A final's window can end
   * inside a word it does not hold yet; that word must survive the reconnect, so words are
   * deduplicated against this, not against the window's end.
   */
  wordsSettledUntilS?: number;
}

export function translateListenMessage(message: unknown, axis: ConnectionAxis): SttEvent | undefined {
  if (!message || typeof message !== 'object' || !('type' in message)) return undefined;
  switch (message.type) {
    case 'Results':
      return translateResults(message as listen.ListenV1Results, axis);
    case 'SpeechStarted': {
      const atS = (message as listen.ListenV1SpeechStarted).timestamp + axis.offsetS;
      if (!Number.isFinite(atS) || atS < axis.settledUntilS - EPSILON_S) return undefined;
      return { type: 'speech-started', atS };
    }
    case 'UtteranceEnd': {
      const lastWordEndS = (message as listen.ListenV1UtteranceEnd).last_word_end + axis.offsetS;
      if (!Number.isFinite(lastWordEndS)) return undefined;
      return { type: 'utterance-end', lastWordEndS };
    }
    default:
      return undefined;
  }
}

function translateResults(message: listen.ListenV1Results, axis: ConnectionAxis): SttEvent | undefined {
  const alternative = message.channel?.alternatives?.[0];
  const windowStartS = message.start + axis.offsetS;
  const windowEndS = windowStartS + message.duration;
  if (!Number.isFinite(windowEndS)) return undefined;

  const wordsSettledUntilS = axis.wordsSettledUntilS ?? axis.settledUntilS;
  const allWords = (alternative?.words ?? []).map((w) => toSttWord(w, axis.offsetS));
  const words = allWords.filter((w) => w.word.startS >= wordsSettledUntilS - EPSILON_S);
  if (axis.settledUntilS > 0 && windowEndS <= axis.settledUntilS + EPSILON_S && words.length === 0) return undefined;
  const trimmed = words.length !== allWords.length;
  const startS = Math.min(
    Math.max(windowStartS, axis.settledUntilS),
    words[0]?.word.startS ?? Number.POSITIVE_INFINITY,
  );
  return {
    type: 'transcript',
    isFinal: message.is_final === true,
    speechFinal: message.speech_final === true,
    // Only rebuild the text when words were dropped; otherwise keep Deepgram's formatting.
    text: trimmed ? words.map((w) => w.shown).join(' ') : (alternative?.transcript ?? ''),
    words: words.map((w) => w.word),
    startS,
    durationS: Math.max(0, windowEndS - startS),
  };
}

function toSttWord(
  w: listen.ListenV1Results.Channel.Alternatives.Item.Words.Item,
  offsetS: number,
): { word: SttWord; shown: string } {
  return {
    word: {
      word: w.word,
      ...(w.punctuated_word !== undefined && { punctuated: w.punctuated_word }),
      startS: w.start + offsetS,
      endS: w.end + offsetS,
      confidence: w.confidence,
    },
    shown: w.punctuated_word ?? w.word,
  };
}
