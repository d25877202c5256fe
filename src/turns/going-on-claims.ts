/**
 * Whether this call's VAD can be believed when it says the caller spoke past the last word the
 * STT showed. A claim is waited on until the STT would have shown the next word, then judged: a
 * new word by then, or soon after (an STT now and then runs later than its usual delay),
 * confirms it; none refutes it (the VAD heard a voice the STT does not transcribe: a television,
 * a far-off talker, a filler the STT leaves out). A clean line refutes almost none, since at an
 * answer's real end the VAD hears silence; a noisy room refutes one at the end of every answer,
 * however many its answers confirm on the way. So after `minRefuted` refutations the call stops
 * waiting on claims: a noisy room costs a couple of replies' speed, not every reply's, and the
 * router is as it was without them. Pure; clock and audio ms.
 */
export interface GoingOnClaimsOptions {
  /** Refutations after which claims are no longer waited on. Default 2: one can be a cough. */
  minRefuted?: number;
  /** How long after a claim lapses a new word still confirms it, ms. Default 1000. */
  graceMs?: number;
}

export class GoingOnClaims {
  private readonly minRefuted: number;
  private readonly graceMs: number;
  private open: { wordEndMs: number; untilMs: number } | undefined;
  private refuted = 0;

  constructor(options: GoingOnClaimsOptions = {}) {
    this.minRefuted = options.minRefuted ?? 2;
    this.graceMs = options.graceMs ?? 1000;
  }

  /** False once `minRefuted` claims were refuted. */
  get trusted(): boolean {
    return this.refuted < this.minRefuted;
  }

  /**
   * The STT's last word ends at audio `lastWordEndMs`, at clock `nowMs`; the VAD says words past it
   * are coming, to be shown by clock `vadUntilMs` (undefined: it says nothing). Returns until when
   * to wait for them: undefined when there is no claim, it has lapsed, or this call's claims are
   * no longer believed.
   */
  waitUntil(lastWordEndMs: number, nowMs: number, vadUntilMs: number | undefined): number | undefined {
    const open = this.open?.wordEndMs === lastWordEndMs ? this.open : undefined;
    if (vadUntilMs === undefined) {
      // The VAD took it back before it lapsed (the voice ended soon after all): no claim to judge.
      if (open && nowMs < open.untilMs) this.open = undefined;
      return undefined;
    }
    if (!this.trusted || nowMs >= vadUntilMs) return undefined;
    if (open) open.untilMs = Math.max(open.untilMs, vadUntilMs);
    else this.open = { wordEndMs: lastWordEndMs, untilMs: vadUntilMs };
    return vadUntilMs;
  }

  /**
   * Judges the open claim at clock `nowMs`: `shownAfter(ms)` tells whether the STT now shows a word
   * that starts after audio `ms` (a new word, not the last one re-timed).
   */
  review(nowMs: number, shownAfter: (audioMs: number) => boolean): void {
    const open = this.open;
    if (!open) return;
    const judgedBy = open.untilMs + this.graceMs;
    if (nowMs <= judgedBy && shownAfter(open.wordEndMs)) {
      this.open = undefined;
    } else if (nowMs > judgedBy) {
      this.refuted += 1;
      this.open = undefined;
    }
  }
}
