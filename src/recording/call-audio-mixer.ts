import { MULAW_VALUES } from '../media/audio-codec.js';

/**
 * Mixes a call's two sides into one 16-bit track as the caller heard it, a window at a time.
 * Positions are samples (8 kHz) on the media clock, from the stream's start. The caller's
 * frames land at their own timestamps; the agent's frames play back to back from when they
 * were sent (Twilio's buffer), and a `clear` removes what had not played yet. Audio older than
 * the window is final: `take()` (or a write that needs the room) hands it on as PCM.
 *
 * Cost: both sides are kept as μ-law bytes in fixed rings (8 KB per second of window each);
 * nothing is allocated per frame, one buffer per chunk handed on.
 */
export interface CallAudioMixerOptions {
  /** Receives each finished stretch of the mix, 16-bit little-endian mono PCM, in order. */
  onPcm: (pcm: Buffer) => void;
  /** Audio held before it is final, samples; default 32 000 (4 s at 8 kHz). */
  windowSamples?: number;
}

/** μ-law silence (the code for 0), what an empty ring cell holds. */
const SILENCE = 0xff;
/**
 * Each side is scaled by this before summing, so both sides loud at once (a barge-in) rarely
 * clip; speech seldom sits near full scale, so 0.8 keeps it loud enough.
 */
const SIDE_GAIN = 0.8;

/** Every μ-law code's 16-bit value, pre-scaled by SIDE_GAIN: one lookup a sample when mixing. */
const DECODED = Float32Array.from(MULAW_VALUES, (s) => s * SIDE_GAIN);

export class CallAudioMixer {
  private readonly capacity: number;
  private readonly caller: Uint8Array;
  private readonly agent: Uint8Array;
  /** First sample not yet handed on. */
  private flushed = 0;
  private callerEnd = 0;
  /** Where the agent audio sent so far stops playing. */
  private agentEnd = 0;
  private lateSamples = 0;

  constructor(private readonly options: CallAudioMixerOptions) {
    this.capacity = options.windowSamples ?? 32_000;
    this.caller = new Uint8Array(this.capacity).fill(SILENCE);
    this.agent = new Uint8Array(this.capacity).fill(SILENCE);
  }

  /** Samples handed on so far (the length of the finished mix). */
  get finishedSamples(): number {
    return this.flushed;
  }

  /** The end of everything placed: the caller's last frame or the agent's last sample queued. */
  get placedEnd(): number {
    return Math.max(this.callerEnd, this.agentEnd);
  }

  /** Caller samples that arrived after their place was already final, and were dropped. */
  get droppedLateSamples(): number {
    return this.lateSamples;
  }

  /** A caller frame (μ-law) at its media position. */
  putCaller(atSample: number, mulaw: Uint8Array): void {
    const skip = Math.max(0, this.flushed - atSample);
    this.lateSamples += Math.min(skip, mulaw.length);
    if (skip >= mulaw.length) return;
    const start = atSample + skip;
    const end = atSample + mulaw.length;
    this.makeRoom(end);
    this.copyIn(this.caller, start, mulaw.subarray(skip));
    this.callerEnd = Math.max(this.callerEnd, end);
  }

  /** An agent frame sent at `nowSample`: it plays once what was sent before it has. Returns where it starts. */
  playAgent(nowSample: number, mulaw: Uint8Array): number {
    const start = Math.max(nowSample, this.agentEnd, this.flushed);
    const end = start + mulaw.length;
    this.makeRoom(end);
    this.copyIn(this.agent, start, mulaw);
    this.agentEnd = end;
    return start;
  }

  /** Twilio's `clear` at `nowSample` (or the call's end): agent audio not yet played is gone. */
  clearAgent(nowSample: number): void {
    const from = Math.max(nowSample, this.flushed);
    if (this.agentEnd <= from) return;
    this.fill(this.agent, from, this.agentEnd);
    this.agentEnd = from;
  }

  /** Hands on the mix up to `upTo` (exclusive), a window at most per chunk; nothing when already done. */
  take(upTo: number): void {
    while (upTo > this.flushed) this.emit(Math.min(upTo, this.flushed + this.capacity));
  }

  private emit(end: number): void {
    const pcm = new Int16Array(end - this.flushed);
    for (let pos = this.flushed, i = 0; pos < end; pos++, i++) {
      const slot = pos % this.capacity;
      const sum = (DECODED[this.caller[slot] ?? SILENCE] ?? 0) + (DECODED[this.agent[slot] ?? SILENCE] ?? 0);
      pcm[i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : Math.round(sum);
      this.caller[slot] = SILENCE;
      this.agent[slot] = SILENCE;
    }
    this.flushed = end;
    // Int16Array is little-endian on every platform Node supports for this service (x64, arm64).
    this.options.onPcm(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  /** Finishes what is needed for [flushed, end) to fit in the window. */
  private makeRoom(end: number): void {
    this.take(end - this.capacity);
  }

  private copyIn(ring: Uint8Array, start: number, data: Uint8Array): void {
    const slot = start % this.capacity;
    const first = Math.min(data.length, this.capacity - slot);
    ring.set(data.subarray(0, first), slot);
    if (first < data.length) ring.set(data.subarray(first), 0);
  }

  private fill(ring: Uint8Array, from: number, to: number): void {
    for (let pos = from; pos < to; pos++) ring[pos % this.capacity] = SILENCE;
  }
}
