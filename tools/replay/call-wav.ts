/**
 * The WAV of a call for a person to listen to: the caller's track and the agent audio the
 * phone actually played (after barge-in cuts), each placed at its media time and mixed into one
 * 8 kHz 16-bit mono file. Pure.
 */
import { encodeWav, msToBytes, mulawToPcm16, SAMPLE_RATE } from '../../src/media/audio-codec.js';
import type { TimedAudio } from './fixture-reader.js';

export interface CallAudio {
  /** Caller frames, μ-law, at their media times (e.g. callerFrames(fixture)). */
  caller: readonly TimedAudio[];
  /** Agent frames the caller heard, μ-law, at the media times they started playing. */
  agent: readonly TimedAudio[];
}

/**
 * Each side is scaled by this before summing, so two loud sides talking at once do not clip
 * harshly; speech rarely sits near full scale, so 0.8 keeps it loud enough.
 */
const SIDE_GAIN = 0.8;

/** Both sides mixed, as 16-bit samples at 8 kHz. */
export function mixCallPcm(audio: CallAudio): Int16Array {
  const end = (frames: readonly TimedAudio[]) =>
    frames.reduce((max, f) => Math.max(max, msToBytes(f.atMs) + f.bytes.length), 0);
  const length = Math.max(end(audio.caller), end(audio.agent));
  const mix = new Float64Array(length);
  for (const side of [audio.caller, audio.agent]) {
    for (const frame of side) {
      const start = msToBytes(frame.atMs);
      const pcm = mulawToPcm16(frame.bytes);
      for (let i = 0; i < pcm.length; i++) mix[start + i] = (mix[start + i] ?? 0) + (pcm[i] ?? 0) * SIDE_GAIN;
    }
  }
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i] ?? 0)));
  return out;
}

/** The mixed call as a WAV file (8 kHz, 16-bit PCM, mono). */
export function callWav(audio: CallAudio): Buffer {
  return encodeWav(mixCallPcm(audio), SAMPLE_RATE);
}
