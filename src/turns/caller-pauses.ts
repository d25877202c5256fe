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
   * A pause this caller is likely to make again, ms: the second-longest remembered (one long
   * pause can be a one-off; two make a habit); 0 while fewer than two were seen.
   */
  get habitMs(): number {
    if (this.pauses.length < 2) return 0;
    return [...this.pauses].sort((a, b) => b - a)[1] ?? 0;
  }
}
