/**
 * When the commit router decides an utterance is finished. All durations are milliseconds of
 * arrival time on the router's clock (when STT results came in), because that is what the
 * caller waits through. Defaults assume Deepgram streaming with interim results: a new interim
 * every ~100–300 ms while words are coming, a final at each endpoint.
 */
export interface CommitParams {
  /**
   * The transcript must stay unchanged (no new or revised words) this long to count as stable.
   * Default 550: conversational speech brings a word every ~300–400 ms (2.5–3.5 words/s); seen
   * through interims every ~150–250 ms the transcript changes at least every ~500 ms while the
   * caller talks (measured on `scripted-partials`), so a longer quiet means they have stopped.
   * Slower speakers get an early commit that a `resumed` undoes before the reply is audible.
   */
  stableForMs: number;
  /**
   * Consecutive transcript results (interim or final) that must carry the same words before a
   * `stable` commit. Default 2: one repeat shows the STT has settled on the words (the next
   * interim or the endpoint's final). If no repeat ever comes, `maxWaitMs` still commits.
   */
  stablePartials: number;
  /**
   * Extra wait when the text looks unfinished (`looksIncomplete`: "and", "um", "the", a comma).
   * Default 1000: hesitation pauses run 600–900 ms; the next word shows in an interim ~150 ms
   * after it starts, one interim period (≤ 250 ms) and the STT latency later, so 550 + 1000 ms
   * from the last change covers a 900 ms pause even without a `speech-started` event.
   */
  incompletePenaltyMs: number;
  /**
   * Hard limit from the last new word to the commit, whatever the text looks like and whether
   * or not partials repeat. Default 2000: longer than any hesitation we wait out, short enough
   * that a caller who trailed off is not left in silence; a resume can still undo it.
   */
  maxWaitMs: number;
  /**
   * Stable this long (plus the incomplete penalty when it applies) → a `speculate` decision, so
   * the LLM can start before the commit. Default 150: the last word shows in an interim
   * 100–350 ms after it ends and the end signal comes ~400 ms after it, so at 300 the
   * speculation barely led the commit (bench: 380 vs 412 ms after speech end); at 150 it leads
   * by ~150–250 ms of the LLM's first-token wait, at the cost of more thrown-away requests
   * (`stats.speculationsWasted`; they cost prompt tokens, never audio).
   */
  speculateAfterMs: number;
  /**
   * A speculation also needs the latest result to show this much silence after its last word
   * (window end − last word end), or else full stability (`stableForMs`). Default 0 (off).
   * Measured by the bench (quick run): 0 → voice-to-voice p50 869 ms with 5.1 thrown-away LLM
   * calls a turn; 100 → p50 911 ms with 2.4. Thrown-away calls cost prompt tokens, not audio,
   * so latency wins by default; raise it where tokens are dear.
   */
  speculateMinSilenceMs: number;
  /**
   * After `speech_final` or `UtteranceEnd`, a text that looks complete commits once it has been
   * stable this long. Default 150: the STT's endpoint already means silence; the short wait lets
   * a correction that races the endpoint land first. Incomplete text ignores end signals
   * (Deepgram endpoints fire inside hesitation pauses).
   */
  endSignalStableMs: number;
  /**
   * `speech_final` counts as an end signal only when its result's audio window reaches this far
   * past the last word (the silence the STT actually heard). Default 250: Deepgram's default
   * endpointing (10 ms) fires inside ordinary word gaps; 300–500 ms, which Deepgram recommends
   * for conversation, passes. `UtteranceEnd` (≥ 1000 ms by definition) always counts.
   */
  endpointMinSilenceMs: number;
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
  stableForMs: 550,
  stablePartials: 2,
  incompletePenaltyMs: 1000,
  maxWaitMs: 2000,
  speculateAfterMs: 150,
  speculateMinSilenceMs: 0,
  endSignalStableMs: 150,
  endpointMinSilenceMs: 250,
  minConfidence: 0.4,
});

/** Per-stage overrides on top of `defaultCommitParams`. */
export const defaultStageCommitParams: Readonly<StageCommitParams> = Object.freeze({
  /**
   * Answers like "yes, that's me" or "sure, go ahead": answer fast. Below the ~500 ms gap a
   * fluent speaker can leave between interim updates, so a longer answer may get an early commit,
   * which the next word resumes long before any reply is audible.
   */
  greeting: { stableForMs: 450, incompletePenaltyMs: 700, maxWaitMs: 1500, speculateAfterMs: 120 },
  /** Long answers recalled on the spot, with real thinking pauses: be patient. */
  past_experience: { stableForMs: 650, incompletePenaltyMs: 1200, maxWaitMs: 3000, speculateAfterMs: 200 },
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
