/**
 * The local VAD's events for a caller's word timeline: the words become synthetic voice over
 * line noise (synthetic-audio.ts), each 20 ms frame goes through the real VoiceActivityDetector,
 * and each event is stamped with its arrival: the end of the frame that decided it. Audio time 0
 * is clock time 0, as in stt-timeline.ts.
 */
import { VoiceActivityDetector, type VoiceActivityEvent } from '../src/vad/voice-activity.js';
import type { SpokenWord } from './fakes/deepgram-listen-engine.js';
import { SeededRandom } from './seeded-random.js';
import { frames, synthesize } from './synthetic-audio.js';

export interface TimedVoiceEvent {
  atMs: number;
  event: VoiceActivityEvent;
}

/** Audio is synthesised in pieces this long, so a long call never needs one huge buffer. */
const PIECE_MS = 60_000;

export function voiceTimeline(words: readonly SpokenWord[], seed: number): TimedVoiceEvent[] {
  const random = new SeededRandom(seed ^ 0x1f3d5b79);
  const untilMs = Math.max(0, ...words.map((w) => w.endS * 1000)) + 2000;
  const vad = new VoiceActivityDetector();
  const out: TimedVoiceEvent[] = [];
  for (let fromMs = 0; fromMs < untilMs; fromMs += PIECE_MS) {
    const toMs = Math.min(untilMs, fromMs + PIECE_MS);
    const spans = words
      .filter((w) => w.endS * 1000 > fromMs && w.startS * 1000 < toMs)
      .map((w) => ({
        kind: 'voice' as const,
        fromMs: Math.max(0, w.startS * 1000 - fromMs),
        toMs: Math.min(toMs, w.endS * 1000) - fromMs,
      }));
    const audio = synthesize(random.fork(fromMs), { durationMs: toMs - fromMs, spans, noiseDb: -50 });
    for (const { atMs, frame } of frames(audio)) {
      for (const event of vad.push(frame, fromMs + atMs)) out.push({ atMs: fromMs + atMs + 20, event });
    }
  }
  return out;
}
