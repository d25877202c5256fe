/** What the barge-in policy (barge-in-policy.ts) weighs, and how much. */
export interface BargeInParams {
  /**
   * Non-backchannel words that make caller speech an interruption. Default 2: one stray word
   * ("no", "so") is too often a reaction, two are the start of a sentence.
   */
  minWords: number;
  /**
   * One non-backchannel, non-filler word interrupts once the speech has lasted this long, audio
   * ms from speech start (VAD, or the first word) to the word's end. Default 400: a deliberate
   * "Sorry?", "Hello?" or "Wait!" with its onset; quicker single words wait for a second word.
   */
  minSpeechMs: number;
  /**
   * One non-backchannel word that no revision could turn into one ("sorry", "wait"; not "write"
   * or "ok", turns/sounds-like.ts) interrupts once the caller's voice has gone on this long, clock
   * ms from the segment's first VAD onset, and goes on still. Default 250: about when the held
   * audio runs out (the player's ~200 ms lead after an onset reported tens of ms late), so the
   * caller hears the agent stop there instead of it coming back after the release.
   */
  minVoicedMs: number;
  /** Words below this confidence are ignored (coughs, line noise). Default 0.4, as for commits. */
  minConfidence: number;
  /**
   * A silence this long between caller words (audio ms) starts a new count, so an "mm-hmm" now
   * and a "so" ten seconds later never add up to two words. Default 1000 (Deepgram's
   * `utterance_end_ms` minimum); an `utterance-end` event also starts a new count.
   */
  segmentGapMs: number;
  /**
   * Hold on voice: at the caller's voice onset (local VAD, tens of ms after it) while the agent
   * speaks, emit `hold`: no new agent frames go out, but no `clear`, so Twilio plays on what it
   * holds (~200 ms). Real words then `interrupt` (the agent has already gone quiet for the
   * caller, or stops at once); otherwise `release` comes before the caller hears a gap. Default
   * true.
   */
  holdOnVoice: boolean;
  /**
   * How long past the end of the held audio a hold may last before `release`, ms: the longest
   * the caller hears no agent audio while we wait for words. Default 60: an audible gap starts
   * at ~120 ms; the other half is for the released frame's trip to Twilio.
   */
  releaseAfterDrainMs: number;
  /**
   * Voice that has gone on this long (clock ms from the VAD's onset report) is longer than any
   * backchannel (200–700 ms), so one word that is not backchannel, the interim's unsettled tip
   * included, interrupts. Default 800. Words are still needed: noise or a cough may run long.
   */
  longVoiceMs: number;
}

export const defaultBargeInParams: Readonly<BargeInParams> = Object.freeze({
  minWords: 2,
  minSpeechMs: 400,
  minVoicedMs: 250,
  minConfidence: 0.4,
  segmentGapMs: 1000,
  holdOnVoice: true,
  releaseAfterDrainMs: 60,
  longVoiceMs: 800,
});
