/**
 * When to ask the STT for its final results now (Deepgram's `Finalize`) rather than wait for
 * its own cadence: the moment the local VAD hears the caller stop. Deepgram otherwise shows the
 * last words at its next interim, 100–400 ms of audio later, and settles them with a final only
 * at its endpoint; a commit on the VAD's silence waits for settled words
 * (CommitRouter.voicePauseOverAt), so the flush lets a finished answer be committed ~350 ms
 * after its last word on any cadence. Asking costs nothing when there is nothing to flush, and
 * an STT that never answers leaves the turn-taking as it was: nothing waits for the reply.
 */
import type { VoiceActivityEvent } from '../vad/voice-activity.js';

/**
 * A voiced run shorter than this (ms) is no speech worth flushing (a click, a breath): the
 * shortest words ("no", "yes") last longer.
 */
const MIN_VOICE_MS = 120;

/** True when this VAD event is the caller going quiet after speech: flush the STT now. */
export function finalizesStt(event: VoiceActivityEvent): boolean {
  return event.type === 'voice-stopped' && event.durationMs >= MIN_VOICE_MS;
}
