/**
 * What the local voice-activity detector (src/vad) tells the commit router: how soon it would
 * report a caller going on (learnt from its own onsets, tens of ms, where the STT needs
 * ~300–900 ms to show a new word), and whether it has heard silence since the last word the
 * STT showed. Audio ms are the media axis the STT's word times share; clock ms the router's.
 */
import type { VoiceActivityEvent } from '../vad/voice-activity.js';

export interface VoiceEvidenceOptions {
  /**
   * The VAD's voice may end up to this long after the last shown word's end for its silence to
   * be that word's, ms. Default 60: the energy of a word's end decays for tens of ms; a voice
   * running on longer holds a word the STT has not shown yet (the shortest last word of an
   * answer, "I", lasts ~100 ms).
   */
  lateMs?: number;
  /** …and may end up to this long before it (an STT's word end runs late on a fading word), ms. Default 200. */
  earlyMs?: number;
  /** Onsets before the report delay is trusted. Default 2 (one answer's first words give them). */
  minOnsets?: number;
  /**
   * Unvoiced audio the VAD needs before it reports an offset, ms: its `hangoverMs` and a frame.
   * Default 120 (src/vad's 100 ms hangover).
   */
  offsetAfterMs?: number;
}

/** Onset report delays kept (newest). */
const KEEP = 32;

export class VoiceEvidence {
  private readonly lateMs: number;
  private readonly earlyMs: number;
  private readonly minOnsets: number;
  private readonly offsetAfterMs: number;
  private readonly onsetLagsMs: number[] = [];
  private voicing = false;
  /** Audio ms where the voiced run going on now began. */
  private voicingSinceMs = 0;
  /** Audio ms where the latest voiced run began and ended, and the clock ms its end was reported. */
  private stopped: { sinceMs: number; atMs: number; saidAtMs: number } | undefined;

  constructor(options: VoiceEvidenceOptions = {}) {
    this.lateMs = options.lateMs ?? 60;
    this.earlyMs = options.earlyMs ?? 200;
    this.minOnsets = options.minOnsets ?? 2;
    this.offsetAfterMs = options.offsetAfterMs ?? 120;
  }

  /** A VAD event that reached the router at clock `nowMs`. */
  voice(event: VoiceActivityEvent, nowMs: number): void {
    if (event.type === 'voice-started') {
      this.voicing = true;
      this.voicingSinceMs = event.atMs;
      this.stopped = undefined;
      this.onsetLagsMs.push(nowMs - event.atMs);
      if (this.onsetLagsMs.length > KEEP) this.onsetLagsMs.shift();
      return;
    }
    this.voicing = false;
    this.stopped = { sinceMs: this.voicingSinceMs, atMs: event.atMs, saidAtMs: nowMs };
  }

  /**
   * Whether the VAD heard the caller speak past the word ending at audio `lastWordEndMs`, as of
   * clock `nowMs`: a voiced run that began after it, one that ended well after it, or one that
   * has gone on so long past it that the VAD would have reported a silence by now. If so, the
   * audio ms by which the next word had begun (that run's onset, or the word's end plus a gap the
   * VAD does not split on): words the STT has not shown yet are coming.
   */
  nextWordBy(lastWordEndMs: number, nowMs: number): number | undefined {
    const wordGapEndMs = lastWordEndMs + this.offsetAfterMs;
    // Voice this far past the word is not the word's own end running late (lateMs) nor a dip
    // inside it (offsetAfterMs): the STT's word times and the audio need not agree closely.
    const pastMs = lastWordEndMs + this.lateMs + this.offsetAfterMs;
    if (this.voicing) {
      if (this.voicingSinceMs > lastWordEndMs) return this.voicingSinceMs;
      // Judged on the onset report delay, a little sooner than the VAD's offset would come: a
      // voice that ends soon after all takes the claim back (GoingOnClaims judges none then).
      const offsetDueBy = this.reportedBy(pastMs);
      return offsetDueBy !== undefined && nowMs > offsetDueBy ? wordGapEndMs : undefined;
    }
    if (!this.stopped || this.stopped.atMs <= pastMs) return undefined;
    return this.stopped.sinceMs > lastWordEndMs ? this.stopped.sinceMs : Math.min(wordGapEndMs, this.stopped.atMs);
  }

  /** Clock ms by which the VAD would have reported speech starting at audio `atMs`; undefined until learnt. */
  reportedBy(atMs: number): number | undefined {
    if (this.onsetLagsMs.length < this.minOnsets) return undefined;
    const sorted = [...this.onsetLagsMs].sort((a, b) => a - b);
    // The slowest recent report but one: a late timer once must not set every wait.
    const lag = sorted[Math.max(0, sorted.length - 2)]!;
    return atMs + lag;
  }

  /**
   * The clock ms the VAD said the caller went quiet at the end of the word ending at audio
   * `lastWordEndMs`, if it did and has heard no voice since.
   */
  silentAfter(lastWordEndMs: number): number | undefined {
    if (this.voicing || !this.stopped) return undefined;
    const late = this.stopped.atMs - lastWordEndMs;
    if (late > this.lateMs || late < -this.earlyMs) return undefined;
    return this.stopped.saidAtMs;
  }
}
