/**
 * When the commit router would commit or speculate on the words as they stand: pure arithmetic
 * over the evidence the router holds (how finished the words sound, the silence so far, this
 * caller's pauses, this STT's report delays, its end signal, and the VAD's silence). Clock ms.
 */
import type { CommitReason } from './commit-decision.js';
import type { CommitParams } from './commit-params.js';
import type { Completeness } from './thought-completeness.js';

export interface DueEvidence {
  completeness: Completeness;
  /** Where the silence after the last word began, on the clock. */
  silenceStartMs: number;
  params: Readonly<CommitParams>;
  /** This caller's thinking pause habit, ms (0 when none seen). */
  habitMs: number;
  /** This STT's delay in showing a new word, and in reporting `speech-started`, ms. */
  wordReportMs: number;
  onsetReportMs: number;
  /** When the STT's own end signal (`speech_final`, `UtteranceEnd`) arrived, if it did. */
  endSignalAtMs: number | undefined;
  /** Silence after the last word the STT heard before that signal, ms. */
  endSignalHeardMs: number;
  /**
   * When the VAD shows a silence of `pauseMs` after the last word (+∞ without its evidence);
   * `settledOnly` also needs the words settled by a final.
   */
  voicePauseOverAt(pauseMs: number, settledOnly?: boolean): number;
}

export interface SpeculationState {
  /** A speculation on these words is already running. */
  running: boolean;
  /** Speculations left this utterance. */
  left: number;
  /** The VAD heard the caller speak past the last word the STT showed, and its next word is not shown yet. */
  goingOn: boolean;
  /** The words end with a full stop (or ? !) the STT wrote. */
  endsSentence: boolean;
  /** This STT punctuates its interims. */
  interimsPunctuated: boolean;
}

/** When the words as they stand would be committed, and why. */
export function commitDueAt(e: DueEvidence): { atMs: number; reason: CommitReason } {
  const p = e.params;
  const habitMs = Math.min(e.habitMs, p.maxHabitMs);
  // A silence of `pauseMs` is over once a caller going on after it would have been reported:
  // by the STT's speech-started, or sooner by the VAD when it heard the silence itself.
  const longPauseMs = (pauseMs: number) =>
    Math.min(e.silenceStartMs + pauseMs + e.onsetReportMs, e.voicePauseOverAt(pauseMs));
  switch (e.completeness) {
    case 'hanging':
    case 'short-unpunctuated':
      return { atMs: longPauseMs(Math.max(p.hangingPauseMs, habitMs)), reason: 'silence' };
    case 'preface':
      return { atMs: longPauseMs(Math.max(p.prefacePauseMs, habitMs)), reason: 'silence' };
    case 'complete': {
      const habitAt = habitMs > 0 ? longPauseMs(habitMs) : Number.NEGATIVE_INFINITY;
      const byWords = Math.max(
        Math.min(e.silenceStartMs + p.completeGapMs + e.wordReportMs, e.voicePauseOverAt(p.completeGapMs)),
        habitAt,
      );
      // The STT heard this much silence itself: a caller going on after it is announced by
      // speech-started, so only that report delay is left to wait out.
      const bySignal =
        e.endSignalAtMs === undefined
          ? Number.POSITIVE_INFINITY
          : Math.max(
              e.endSignalAtMs + p.endSignalStableMs,
              longPauseMs(Math.max(e.endSignalHeardMs, p.completeGapMs)),
              habitAt,
            );
      return bySignal < byWords ? { atMs: bySignal, reason: 'end-signal' } : { atMs: byWords, reason: 'silence' };
    }
    default: {
      const unreachable: never = e.completeness;
      return unreachable;
    }
  }
}

/**
 * When to start a reply on these words, if at all: soon after a full stop the STT wrote, a
 * little later on complete words from an STT that does not punctuate its interims, not before
 * the endpoint on complete words an interim left without a full stop (mid-sentence, likely),
 * and `speculateAheadMs` before the commit (`commitAtMs`) on a short answer from an STT that
 * writes no punctuation.
 */
export function speculateDueAt(e: DueEvidence, s: SpeculationState, commitAtMs: number): number | undefined {
  const p = e.params;
  // The VAD already hears the caller going on: a reply to these words would be thrown away.
  if (s.running || s.left <= 0 || s.goingOn) return undefined;
  // The last attempt is kept for the STT's own end signal, so a long answer that used up the
  // others on sentence ends still gets its reply started before the commit.
  if (s.left === 1) return e.completeness === 'complete' ? e.endSignalAtMs : undefined;
  // "yes" may be the whole answer, but only a long silence says so: a reply started just before
  // it is ready when the commit comes.
  if (e.completeness === 'short-unpunctuated') return commitAtMs - p.speculateAheadMs;
  if (e.completeness !== 'complete') return undefined;
  if (s.endsSentence) return e.silenceStartMs + p.speculateSilenceMs;
  if (!s.interimsPunctuated)
    return Math.min(
      e.silenceStartMs + p.speculateUnmarkedSilenceMs,
      e.voicePauseOverAt(p.speculateUnmarkedSilenceMs, false),
    );
  return e.endSignalAtMs;
}
