/**
 * The speech-to-text port. Provider events are translated into these by the adapter; nothing
 * downstream sees Deepgram's field names. Times named `…S` are seconds of *audio time* (how
 * much caller audio the provider had received), which equals Twilio media time for the stream.
 */
export interface SttWord {
  /** The word as recognised, lower case without punctuation. */
  word: string;
  /** As written in the transcript (casing, punctuation, smart_format), when the provider gives it. */
  punctuated?: string;
  /** Audio seconds. */
  startS: number;
  endS: number;
  confidence: number;
}

export type SttEvent =
  | {
      type: 'transcript';
      /** false: interim, the window will be re-sent; true: this window is settled. */
      isFinal: boolean;
      /** An endpoint (silence ≥ endpointing) closed the utterance. */
      speechFinal: boolean;
      /** The window's transcript (may be ""). */
      text: string;
      words: SttWord[];
      /** Audio window start and length, seconds. */
      startS: number;
      durationS: number;
    }
  | { type: 'speech-started' /** Audio seconds where speech began. */; atS: number }
  | { type: 'utterance-end' /** Audio seconds of the last finalised word's end. */; lastWordEndS: number };

/**
 * How soon caller audio must reach the provider. `live` (the default): at the stream's usual
 * grain, and anything waiting goes with it at once. `quiet`: the caller has made no sound for a
 * while, so it may wait in larger messages (fewer writes; nothing the turn-taking weighs is due).
 */
export type AudioPace = 'live' | 'quiet';

export interface SttStream {
  /** Caller audio, μ-law 8 kHz mono, any length; sent as it arrives, at `pace`. */
  sendAudio(mulaw: Buffer, pace?: AudioPace): void;
  /** Ask the provider to flush what it has into final results now. */
  finalize(): void;
  /** Finish: flush, then close. Resolves once closed; never rejects. */
  close(): Promise<void>;
}

export interface SttOpenOptions {
  onEvent: (event: SttEvent) => void;
  /** A failure that ended the stream for good (after reconnect attempts). */
  onError: (error: Error) => void;
  /**
   * The connection dropped with `sentUntilS` of call audio sent; results for the audio after the
   * last ones delivered come late (after a reconnect), so silence in the results is not silence.
   */
  onGap?: (gap: { sentUntilS: number }) => void;
  signal?: AbortSignal;
}

export interface SttProvider {
  /** Opens the stream; resolves when audio can be sent (audio sent earlier is buffered). */
  open(options: SttOpenOptions): SttStream;
}
