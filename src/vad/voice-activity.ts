/**
 * A local voice-activity detector for the caller's 8 kHz μ-law audio: 20 ms frames in, speech
 * onsets and offsets out, stamped in media time, tens of milliseconds after they happen
 * (instead of the STT's ~250–700 ms). Pure and synchronous; no model, no dependency.
 *
 * A frame is voiced when its energy stands `onsetDb` above a noise floor that follows the
 * quietest recent frames, and it is periodic the way a voice is (normalised autocorrelation
 * peak ≥ `minPeriodicity` at a pitch of 70–400 Hz): steady line noise raises the floor instead
 * of triggering, and hiss or a click has no pitch. An onset needs `onsetFrames` voiced frames
 * in a row and is stamped at the first of them; an offset needs `hangoverMs` of unvoiced
 * frames and is stamped at the end of the last voiced one. A click of one or two frames is
 * reported as nothing.
 */
import { MULAW_VALUES } from '../media/audio-codec.js';

export type VoiceActivityEvent =
  /** Media ms where the voiced run began. */
  | { type: 'voice-started'; atMs: number }
  /** Media ms where the last voiced frame ended; `durationMs` from the onset. */
  | { type: 'voice-stopped'; atMs: number; durationMs: number };

export interface VoiceActivityOptions {
  /** Energy above the noise floor that counts as voice, dB. Default 12. */
  onsetDb?: number;
  /** Voiced frames in a row before an onset is reported. Default 2 (40 ms): a click is shorter. */
  onsetFrames?: number;
  /** Unvoiced time before an offset is reported, ms. Default 100: stop consonants and word gaps are shorter. */
  hangoverMs?: number;
  /** Normalised autocorrelation at the pitch lag for a frame to be periodic, 0–1. Default 0.45. */
  minPeriodicity?: number;
  /** The floor rises this much a second towards louder frames, dB (falls at once to quieter ones). Default 3. */
  floorRiseDbPerS?: number;
  /** Frames quieter than this are silence whatever the floor, dBFS. Default −55. */
  absoluteFloorDb?: number;
  /** Energy above the floor that ends the line's quiet (`quietForMs`), dB. Default 6: half an onset. */
  stirDb?: number;
}

const SAMPLE_RATE = 8000;
const FRAME_SAMPLES = 160;
const FRAME_MS = 20;
/** Pitch lags searched: 400 Hz (20 samples) down to ~70 Hz (114 samples, within two frames). */
const MIN_LAG = 20;
const MAX_LAG = 114;
/** Every μ-law code as a sample in −1…1: a frame is decoded by lookup, nothing allocated. */
const MULAW_UNIT = Float32Array.from(MULAW_VALUES, (s) => s / 32768);

export class VoiceActivityDetector {
  private readonly onsetDb: number;
  private readonly onsetFrames: number;
  private readonly hangoverFrames: number;
  private readonly minPeriodicity: number;
  private readonly floorRisePerFrameDb: number;
  private readonly absoluteFloorDb: number;
  private readonly stirDb: number;
  private floorDb: number | undefined;
  /** The previous frame and this one, for pitch lags longer than a frame. */
  private readonly window = new Float32Array(FRAME_SAMPLES * 2);
  /** The pitch lag of the last periodic frame, tried first on the next (isPeriodic). */
  private readonly pitchHint = { lag: 0 };
  private voiced = false;
  private run = 0;
  private runStartMs = 0;
  private onsetMs = 0;
  private lastVoicedEndMs = 0;
  private unvoiced = 0;
  /** Media ms where the line's quiet began (the end of the last frame that stirred), and the last frame's end. */
  private quietFromMs: number | undefined;
  private lastFrameEndMs = 0;

  constructor(options: VoiceActivityOptions = {}) {
    this.onsetDb = options.onsetDb ?? 12;
    this.onsetFrames = options.onsetFrames ?? 2;
    this.hangoverFrames = Math.ceil((options.hangoverMs ?? 100) / FRAME_MS);
    this.minPeriodicity = options.minPeriodicity ?? 0.45;
    this.floorRisePerFrameDb = ((options.floorRiseDbPerS ?? 3) * FRAME_MS) / 1000;
    this.absoluteFloorDb = options.absoluteFloorDb ?? -55;
    this.stirDb = options.stirDb ?? 6;
  }

  /**
   * How long the line has been quiet after the last frame pushed, ms: since the end of the last
   * frame that was voiced or stood `stirDb` above the floor (a soft or unvoiced start of speech
   * counts; steady line noise does not). Zero right after such a frame, before any onset.
   */
  quietForMs(): number {
    return this.lastFrameEndMs - (this.quietFromMs ?? this.lastFrameEndMs);
  }

  /** Whether the caller is speaking now (after the last frame). */
  get speaking(): boolean {
    return this.voiced;
  }

  /** One 20 ms frame (160 μ-law bytes) that starts at media `atMs`; returns what it decided. */
  push(mulaw: Buffer, atMs: number): VoiceActivityEvent[] {
    this.window.copyWithin(0, FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const code = mulaw[i];
      this.window[FRAME_SAMPLES + i] = code === undefined ? 0 : (MULAW_UNIT[code] ?? 0);
    }
    const energyDb = frameDb(this.window, FRAME_SAMPLES);
    const frameVoiced = this.isVoiced(energyDb);
    this.trackQuiet(energyDb, frameVoiced, atMs);
    this.trackFloor(energyDb, frameVoiced);
    return this.step(frameVoiced, atMs);
  }

  private isVoiced(energyDb: number): boolean {
    if (energyDb < this.absoluteFloorDb) return false;
    if (this.floorDb !== undefined && energyDb < this.floorDb + this.onsetDb) return false;
    return isPeriodic(this.window, this.minPeriodicity, this.pitchHint);
  }

  private trackQuiet(energyDb: number, frameVoiced: boolean, atMs: number): void {
    this.lastFrameEndMs = atMs + FRAME_MS;
    const stirred =
      frameVoiced ||
      (energyDb >= this.absoluteFloorDb && (this.floorDb === undefined || energyDb >= this.floorDb + this.stirDb));
    if (stirred || this.quietFromMs === undefined) this.quietFromMs = stirred ? this.lastFrameEndMs : atMs;
  }

  /** The floor drops to any quieter frame at once and creeps up through unvoiced ones. */
  private trackFloor(energyDb: number, frameVoiced: boolean): void {
    if (this.floorDb === undefined || energyDb < this.floorDb) this.floorDb = energyDb;
    else if (!frameVoiced) this.floorDb = Math.min(energyDb, this.floorDb + this.floorRisePerFrameDb);
  }

  private step(frameVoiced: boolean, atMs: number): VoiceActivityEvent[] {
    if (frameVoiced) {
      if (this.run === 0) this.runStartMs = atMs;
      this.run += 1;
      this.unvoiced = 0;
      this.lastVoicedEndMs = atMs + FRAME_MS;
      if (!this.voiced && this.run >= this.onsetFrames) {
        this.voiced = true;
        this.onsetMs = this.runStartMs;
        return [{ type: 'voice-started', atMs: this.onsetMs }];
      }
      return [];
    }
    this.run = 0;
    if (!this.voiced) return [];
    this.unvoiced += 1;
    if (this.unvoiced < this.hangoverFrames) return [];
    this.voiced = false;
    return [{ type: 'voice-stopped', atMs: this.lastVoicedEndMs, durationMs: this.lastVoicedEndMs - this.onsetMs }];
  }
}

/** Mean power of the newest `n` samples, dBFS (−120 for digital silence). */
function frameDb(window: Float32Array, n: number): number {
  let sum = 0;
  for (let i = window.length - n; i < window.length; i++) sum += (window[i] ?? 0) ** 2;
  return 10 * Math.log10(sum / n + 1e-12);
}

/**
 * Whether the newest frame correlates with the window at some pitch lag (400 Hz down to ~70 Hz)
 * by `threshold` or more, normalised. Only that yes/no is needed, so the search stops at the
 * first lag that passes, trying first the one that passed last (`hint`, updated): a voice's
 * pitch moves little from one frame to the next. Each lag's value is computed exactly as a full
 * search would (the same sums in the same order), so the answer is the full search's.
 */
export function isPeriodic(window: Float32Array, threshold: number, hint: { lag: number } = { lag: 0 }): boolean {
  // The full search starts from 0: it passes any threshold at or below that.
  if (threshold <= 0) return true;
  const end = window.length;
  const start = end - FRAME_SAMPLES;
  let a = 0;
  for (let i = start; i < end; i++) {
    const x = window[i]!;
    a += x * x;
  }
  const first = hint.lag;
  if (first >= MIN_LAG && first <= MAX_LAG && correlation(window, start, a, first) >= threshold) return true;
  for (let lag = MIN_LAG; lag <= MAX_LAG; lag++) {
    if (lag === first || !(correlation(window, start, a, lag) >= threshold)) continue;
    hint.lag = lag;
    return true;
  }
  return false;
}

/** Normalised autocorrelation of window[start…] at `lag`; `a` is the energy of window[start…]. */
function correlation(window: Float32Array, start: number, a: number, lag: number): number {
  let dot = 0;
  let b = 0;
  for (let i = start; i < window.length; i++) {
    const x = window[i]!;
    const y = window[i - lag]!;
    dot += x * y;
    b += y * y;
  }
  return dot / Math.sqrt(a * b + 1e-12);
}

/** Samples a second of the audio this detector takes. */
export const VAD_SAMPLE_RATE = SAMPLE_RATE;
