/**
 * This caller's own thinking pauses so far: silences inside an answer after which they went
 * on. A listener who has heard someone stop for a second mid-answer waits longer for them; a
 * fluent caller keeps the quick turn-taking. A pause inside a phrase (after "the", a comma, an
 * opener) marks a caller who thinks while speaking: their pauses between sentences, where they
 * plan the next one, run longer than those, so they get the whole thinking time.
 */
export interface CallerPausesOptions {
  /** Gaps between words shorter than this are ordinary speech, not pauses, ms. Default 400. */
  minPauseMs?: number;
  /** Pauses remembered, newest kept. Default 12 (a few answers). */
  keep?: number;
}

/** How much longer than their longest pause so far a caller may pause again. */
const HABIT_MARGIN = 1.5;

export class CallerPauses {
  private readonly minPauseMs: number;
  private readonly keep: number;
  private readonly pauses: { ms: number; midPhrase: boolean }[] = [];

  constructor(options: CallerPausesOptions = {}) {
    this.minPauseMs = options.minPauseMs ?? 400;
    this.keep = options.keep ?? 12;
  }

  /**
   * The caller went on after a silence of `gapMs` (audio ms) inside an answer; `midPhrase` says
   * whether the words before it could not have ended the answer (asked only of a real pause).
   */
  wentOnAfter(gapMs: number, midPhrase: () => boolean): void {
    if (gapMs < this.minPauseMs) return;
    this.pauses.push({ ms: gapMs, midPhrase: midPhrase() });
    if (this.pauses.length > this.keep) this.pauses.shift();
  }

  /**
   * A pause this caller may make again, ms, at most `capMs`: half as long again as the longest
   * remembered, since someone who stopped for a second to think stops about as long next time,
   * often longer; `capMs` once one of them fell mid-phrase; 0 until a first pause was seen. One
   * pause is evidence enough: waiting for a second one put the reply into the pause that made it.
   */
  habitMs(capMs: number): number {
    if (this.pauses.length === 0) return 0;
    if (this.pauses.some((p) => p.midPhrase)) return capMs;
    return Math.min(capMs, HABIT_MARGIN * Math.max(...this.pauses.map((p) => p.ms)));
  }
}
