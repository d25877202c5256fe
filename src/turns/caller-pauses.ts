/**
 * This caller's own thinking pauses so far: silences inside an answer after which they went
 * on. A listener who has heard someone stop for a second mid-answer waits longer for them; a
 * fluent caller keeps the quick turn-taking.
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
  private readonly pauses: number[] = [];

  constructor(options: CallerPausesOptions = {}) {
    this.minPauseMs = options.minPauseMs ?? 400;
    this.keep = options.keep ?? 12;
  }

  /** The caller went on after a silence of `gapMs` (audio ms) inside an answer. */
  wentOnAfter(gapMs: number): void {
    if (gapMs < this.minPauseMs) return;
    this.pauses.push(gapMs);
    if (this.pauses.length > this.keep) this.pauses.shift();
  }

  /**
   * A pause this caller may make again, ms: half as long again as the longest remembered, since
   * someone who stopped for a second to think stops about as long next time, often longer (the
   * router caps it with `maxHabitMs`); 0 until a first pause was seen. One pause is evidence
   * enough: waiting for a second one put the reply into the pause that made it.
   */
  get habitMs(): number {
    if (this.pauses.length === 0) return 0;
    return HABIT_MARGIN * Math.max(...this.pauses);
  }
}
