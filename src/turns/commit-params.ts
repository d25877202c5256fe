/**
 * When the commit router decides an utterance is finished. Durations are ms on the router's
 * clock. Silences are measured from the end of the caller's last word (its audio time, mapped
 * onto the clock at the STT's least lag, `SttTiming`), because that is what the caller waits
 * through; the router adds what this call's STT needs to show new speech (learnt per call),
 * so a wait is never shorter than the time it takes to hear the caller go on.
 */
export interface CommitParams {
  /**
   * Words that sound complete are committed once the silence after them exceeds this plus the
   * time the STT takes to show a new word (`SttTiming.wordReportMs`, ~500–700 ms); after the
   * STT's endpoint, this (or the silence it heard, if longer) plus its `speech-started` report
   * delay. Default 350: fluent speakers leave 150–350 ms between sentences of one answer; a gap
   * that long, plus the STT's delay in showing the next word, is the blind spot a commit must
   * wait out.
   */
  completeGapMs: number;
  /**
   * With `speech_final` (the STT heard ≥ endpointing of silence) on complete words, the commit
   * comes this long after it arrived, unless the caller's habit asks for longer. Default 100:
   * lets a correction racing the endpoint land first.
   */
  endSignalStableMs: number;
  /**
   * Silence waited out after words that hang ("and", "the", "In my last role", "No questions,"),
   * or a short answer from an STT that writes no punctuation ("yes"), before adding the
   * STT's onset report delay. Default 1500: thinking pauses run 400–1,500 ms.
   */
  hangingPauseMs: number;
  /**
   * Silence waited out after a preface to an open question ("Sure.", "Okay, so") or an answer
   * of two words or fewer to it, plus the onset report delay. Default 1000.
   */
  prefacePauseMs: number;
  /**
   * The longest pause of this caller's own (`CallerPauses.habitMs`) that complete words also
   * wait out, plus the onset report delay, and the whole wait once the caller has paused
   * mid-phrase. Default 1500, as `hangingPauseMs`.
   */
  maxHabitMs: number;
  /**
   * Hard limit: silence after which any words are committed, however they end. Default 3000:
   * past any thinking pause we wait out, so a caller who trailed off is answered.
   */
  maxSilenceMs: number;
  /**
   * After the STT connection drops, how long commits wait for the reconnected socket's results
   * for the audio the old one had been sent. Default 3000: reconnecting takes well under 1 s, and
   * the resent seconds are transcribed faster than real time; a socket that never comes back
   * must not hold the turn for ever.
   */
  sttGapHoldMs: number;
  /**
   * A `speculate` decision on complete words that end in a full stop (or ? !) after this much
   * silence, so the reply is prepared before the commit. Default 0: the LLM's first token takes
   * ~300 ms and TTS ~150 ms more, so only a start right at the end of the last word puts audio
   * inside 800 ms of it; the STT's full stop is the evidence that a sentence, at least, ended.
   */
  speculateSilenceMs: number;
  /**
   * The same for complete words from an STT that does not punctuate its interims. Default 120:
   * without the full stop, a little silence is the evidence (a speaker mid-sentence leaves
   * 20–120 ms between words). When the interims are punctuated and these words have no full
   * stop, the speculation waits for the STT's endpoint instead.
   */
  speculateUnmarkedSilenceMs: number;
  /**
   * On a short answer from an STT that writes no punctuation ("yes": whole, or the start of "yes,
   * now is fine"), which waits out a pause as hanging words do, a `speculate` this long before the
   * commit is due. Default 600: LLM first token ~300 ms, a first clause ~100 ms, TTS first byte
   * ~150 ms, so the reply is ready at the commit; a caller who goes on in the last 600 ms of the
   * wait costs that attempt. (Hanging words get none: they end an answer too rarely to pay for one.)
   */
  speculateAheadMs: number;
  /**
   * Speculative replies started per utterance, at most, the last of them kept for the STT's end
   * signal (`speech_final`, `UtteranceEnd`); later ends of thought wait for the commit. Default 30:
   * without punctuation every gap between sentences looks like an end, so a 40 s answer brings
   * 15–25 attempts; a cap of 12 ran out before the real end and its reply started at the commit,
   * ~300 ms later (unpunctuated p50 1,058 → 759 ms, bench:turns, 8 seeds). A caller going on
   * after a 150–350 ms gap is heard by the VAD before the LLM's first token (~300 ms), so such an
   * attempt costs its prompt and no TTS.
   * A thrown-away speculation costs its LLM call and the TTS of whatever it had written by then
   * (held audio is synthesised ahead, never played); the call counts both (`CallSummary.wasted`).
   */
  maxSpeculations: number;
  /**
   * `speech_final` counts as an end signal only when its result's audio window reaches this far
   * past the last word (the silence the STT actually heard). Default 250: Deepgram's default
   * endpointing (10 ms) fires inside ordinary word gaps; 300–500 ms passes.
   */
  endpointMinSilenceMs: number;
  /**
   * After `speech-started` past the last word, commits wait for its words this long at most
   * (a cough or breath brings none). Default 1200.
   */
  onsetHoldMs: number;
  /**
   * A transcript whose words all have a confidence below this is noise (a cough, a breath,
   * line noise) and neither starts nor extends an utterance. Default 0.4: clear speech scores
   * above ~0.8 on Deepgram nova; noise transcribed as a word scores far lower.
   */
  minConfidence: number;
}

/** Stage names are the interview's (`greeting`, `self_intro`, `past_experience`, `closing`). */
export type StageCommitParams = Partial<Record<string, Partial<CommitParams>>>;

/** Used when a stage has no overrides (e.g. `self_intro`, `closing`). */
export const defaultCommitParams: Readonly<CommitParams> = Object.freeze({
  completeGapMs: 350,
  endSignalStableMs: 100,
  hangingPauseMs: 1500,
  prefacePauseMs: 1000,
  maxHabitMs: 1500,
  maxSilenceMs: 3000,
  sttGapHoldMs: 3000,
  speculateSilenceMs: 0,
  speculateUnmarkedSilenceMs: 120,
  speculateAheadMs: 600,
  maxSpeculations: 30,
  endpointMinSilenceMs: 250,
  onsetHoldMs: 1200,
  minConfidence: 0.4,
});

/** Per-stage overrides on top of `defaultCommitParams`. */
export const defaultStageCommitParams: Readonly<StageCommitParams> = Object.freeze({
  /** Long answers recalled on the spot, with real thinking pauses: give up later on trailing words. */
  past_experience: { maxSilenceMs: 3500 },
});

/** The parameters in force for `stage`: defaults, then `base`, then the stage's overrides. */
export function resolveCommitParams(
  stage: string | undefined,
  base: Partial<CommitParams> = {},
  stages: StageCommitParams = defaultStageCommitParams,
): CommitParams {
  const stageOverrides = stage === undefined ? undefined : stages[stage];
  return { ...defaultCommitParams, ...base, ...stageOverrides };
}
