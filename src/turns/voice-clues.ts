/**
 * What the local VAD adds to the commit router's evidence, on the router's clock: when it has
 * heard a pause after the last word the STT showed, and until when it says words past that word
 * are coming (claims this call has not disproved, `GoingOnClaims`). Audio ms are the STT's word
 * times; `SttTiming` maps them onto the clock.
 */
import { FRAME_MS } from '../media/audio-codec.js';
import type { VoiceActivityEvent } from '../vad/voice-activity.js';
import { GoingOnClaims } from './going-on-claims.js';
import type { SttTiming } from './stt-timing.js';
import { VoiceEvidence } from './voice-evidence.js';

export class VoiceClues {
  private readonly evidence = new VoiceEvidence();
  private readonly claims = new GoingOnClaims();

  constructor(private readonly timing: SttTiming) {}

  /** A VAD event that reached the router at clock `nowMs`. */
  voice(event: VoiceActivityEvent, nowMs: number): void {
    this.evidence.voice(event, nowMs);
  }

  /** Every event: an open claim is judged; `shownAfter(ms)`: the STT shows a word starting after audio `ms`. */
  review(nowMs: number, shownAfter: (audioMs: number) => boolean): void {
    this.claims.review(nowMs, shownAfter);
  }

  /**
   * When the VAD shows a silence of `pauseMs` after the word ending at `lastWordEndMs`; +∞ without
   * its evidence. The VAD stamps an onset at its first voiced frame, and a word that begins inside
   * a frame may voice only the next one: the silence is over a frame after the learnt report delay.
   */
  pauseOverAt(lastWordEndMs: number, pauseMs: number): number {
    const saidAt = this.evidence.silentAfter(lastWordEndMs);
    const reportedBy = this.evidence.reportedBy(lastWordEndMs + pauseMs + FRAME_MS);
    if (saidAt === undefined || reportedBy === undefined) return Number.POSITIVE_INFINITY;
    return Math.max(saidAt, reportedBy);
  }

  /**
   * Until when the caller is heard going on past the word ending at `lastWordEndMs`, so a next
   * word is still to be shown (undefined: not). It lapses once the STT would have shown that
   * word, and the call stops asking once such claims went unconfirmed (a voice the STT does not
   * transcribe: a television, a far-off talker).
   */
  goingOnUntil(lastWordEndMs: number, nowMs: number): number | undefined {
    const nextWordMs = this.evidence.nextWordBy(lastWordEndMs, nowMs);
    const shownBy =
      nextWordMs === undefined ? undefined : this.timing.audioToClockMs(nextWordMs / 1000) + this.timing.wordReportMs;
    return this.claims.waitUntil(lastWordEndMs, nowMs, shownBy);
  }
}
