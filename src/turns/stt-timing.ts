/**
 * How late this call's STT reports speech, learnt from its own results: the router cannot hear
 * the caller start again until the STT says so, so its waits are measured against these.
 * All figures are ms on the router's clock; audio seconds map onto it through `offsetMs`.
 */
export interface SttTimingDefaults {
  /**
   * Caller onset → the first result showing the new word, before enough words were seen.
   * Default 600: a word shows once ~150–250 ms of it is heard, at the next interim (up to
   * 400 ms later, ~150 ms on average) plus the STT's lag jitter.
   */
  wordReportMs: number;
  /** Caller onset → `speech-started`, before any was seen. Default 300: ~100–250 ms into speech plus lag jitter. */
  onsetReportMs: number;
}

export const defaultSttTimingDefaults: Readonly<SttTimingDefaults> = Object.freeze({
  wordReportMs: 600,
  onsetReportMs: 300,
});

/** Samples kept per figure; enough for a stable p90 over the last minute or so of speech. */
const WINDOW = 64;
/** Samples needed before a learnt figure replaces its default: words come by the dozen, onsets a few a turn. */
const MIN_WORD_SAMPLES = 8;
const MIN_ONSET_SAMPLES = 3;

export class SttTiming {
  /** Clock ms at audio time 0, at the STT's least lag (arrival − audio end of a result, minimum). */
  private offset: number | undefined;
  private readonly wordReports: number[] = [];
  private readonly onsetReports: number[] = [];

  constructor(private readonly defaults: SttTimingDefaults = defaultSttTimingDefaults) {}

  /** A result covering audio up to `windowEndS` arrived at `atMs`. */
  resultArrived(atMs: number, windowEndS: number): void {
    const offset = atMs - windowEndS * 1000;
    this.offset = this.offset === undefined ? offset : Math.min(this.offset, offset);
  }

  /** A word starting at `startS` was shown for the first time at `atMs`. */
  wordFirstShown(atMs: number, startS: number): void {
    // Kept against audio time alone: the offset is subtracted when read, once it is known.
    push(this.wordReports, atMs - startS * 1000);
  }

  /** `speech-started` for audio `atS` arrived at `atMs`. */
  onsetReported(atMs: number, atS: number): void {
    push(this.onsetReports, atMs - atS * 1000);
  }

  /** The clock ms at which audio time `s` could first have been reported. */
  audioToClockMs(s: number): number {
    return s * 1000 + (this.offset ?? 0);
  }

  /** How long after a caller's onset its first word shows, p90, ms. */
  get wordReportMs(): number {
    const raw = quantile90(this.wordReports, MIN_WORD_SAMPLES);
    return raw === undefined ? this.defaults.wordReportMs : Math.max(0, raw - (this.offset ?? 0));
  }

  /** How long after a caller's onset the STT says speech started (or else shows the word), p90, ms. */
  get onsetReportMs(): number {
    const raw = quantile90(this.onsetReports, MIN_ONSET_SAMPLES);
    const onset = raw === undefined ? this.defaults.onsetReportMs : Math.max(0, raw - (this.offset ?? 0));
    return Math.min(onset, this.wordReportMs);
  }
}

function push(samples: number[], value: number): void {
  samples.push(value);
  if (samples.length > WINDOW) samples.shift();
}

function quantile90(samples: readonly number[], minSamples: number): number | undefined {
  if (samples.length < minSamples) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.97))];
}
