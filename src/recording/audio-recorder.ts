import type { Clock } from '../lib/clock.js';
import type { MediaTap, SentMessage } from '../media/media-session.js';
import { parseTwilioMessage, type StartInfo, type TwilioInbound } from '../media/twilio-messages.js';
import { CallAudioMixer } from './call-audio-mixer.js';
import { type WavFileResult, WavFileWriter } from './wav-file-writer.js';

/**
 * Records one media stream's audio as the caller heard it (RECORD_AUDIO), as its MediaTap: the
 * caller's frames at their media timestamps, the agent's frames as Twilio plays them (back to
 * back from when each was sent, emptied by `clear`, cut when the stream ends), mixed and written
 * to a WAV while the call goes. The media clock is the one the call uses: the last inbound
 * timestamp advanced by the clock since it arrived.
 *
 * Per message: nothing parsed or decoded again when the media session hands over its own reading
 * (`parsed`, `sent`); otherwise one parse. A PCM chunk is handed to the writer about once a second. Nothing here throws into the call.
 */
export interface RecordedStreamStart {
  callSid: string;
  streamSid: string;
  customParameters: Record<string, string>;
}

export interface AudioRecorderOptions {
  clock: Clock;
  /** The WAV for this stream, chosen when it starts (a promise may resolve later); undefined: none. */
  fileFor: (start: RecordedStreamStart) => string | Promise<string | undefined> | undefined;
  /** The stream started at `startedAt` (wall clock): offset 0 of the recording. */
  onStarted?: (start: RecordedStreamStart, startedAt: Date) => void;
  /** The recording is complete on disk (or stopped by a write failure). */
  onFinished?: (result: AudioRecordingResult) => void;
  /** How long caller audio may arrive late and still be mixed in, ms; default 1000. */
  lateToleranceMs?: number;
  /** Mixed audio is handed to the file about this often, ms of call; default 1000. */
  writeEveryMs?: number;
  /** The header's length is brought up to date at least this often, ms of call; default 5000. */
  headerEveryMs?: number;
}

export interface AudioRecordingResult extends WavFileResult {
  start: RecordedStreamStart;
  /** Length of the recording, ms. */
  durationMs: number;
  /** Caller audio that arrived too late to be mixed, ms. */
  droppedLateMs: number;
}

const SAMPLES_PER_MS = 8;
/** Largest frame decoded without allocating; Twilio's are 160 bytes (20 ms). */
const SCRATCH_BYTES = 4096;

type Json = Record<string, unknown>;

export class AudioRecorder implements MediaTap {
  private readonly mixer: CallAudioMixer;
  private readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  private writer: WavFileWriter | undefined;
  private start: RecordedStreamStart | undefined;
  private startedAtClock = 0;
  private lastTimestampMs: number | undefined;
  private lastTimestampAtClock = 0;
  /** Media time never runs backwards (a late frame's older timestamp must not rewind it), samples. */
  private nowFloor = 0;
  private finished: Promise<AudioRecordingResult | undefined> | undefined;
  private readonly toleranceSamples: number;
  private readonly writeEverySamples: number;

  constructor(private readonly options: AudioRecorderOptions) {
    this.toleranceSamples = (options.lateToleranceMs ?? 1000) * SAMPLES_PER_MS;
    this.writeEverySamples = (options.writeEveryMs ?? 1000) * SAMPLES_PER_MS;
    // The window holds the tolerance, one write's worth and the agent's lead, with room to spare.
    this.mixer = new CallAudioMixer({
      windowSamples: 2 * (this.toleranceSamples + this.writeEverySamples),
      onPcm: (pcm) => this.writer?.append(pcm),
    });
  }

  inbound(text: string, atMs: number, parsed?: TwilioInbound): void {
    if (this.finished) return;
    if (parsed) return this.onInbound(parsed, atMs);
    // No reading given (a replay, a test): parse it as the media session would.
    const reading = parseTwilioMessage(text);
    if (reading.ok) this.onInbound(reading.message, atMs);
  }

  outbound(text: string, atMs: number, sent?: SentMessage): void {
    if (this.finished || !this.writer) return;
    if (!sent) {
      const message = parseObject(text);
      const payload = message?.event === 'media' ? asObject(message.media)?.payload : undefined;
      if (typeof payload === 'string') sent = { event: 'media', mulaw: this.decode(payload) };
      else if (message?.event === 'clear') sent = { event: 'clear' };
    }
    if (sent?.event === 'media') this.mixer.playAgent(this.nowSample(atMs), sent.mulaw);
    else if (sent?.event === 'clear') this.mixer.clearAgent(this.nowSample(atMs));
  }

  private onInbound(message: TwilioInbound, atMs: number): void {
    if (message.event === 'start' && this.start === undefined) return this.begin(message.start, atMs);
    // As the media session does: media of another stream is not this call's.
    if (message.event !== 'media' || !this.writer || message.streamSid !== this.start?.streamSid) return;
    this.lastTimestampMs = message.timestampMs;
    this.lastTimestampAtClock = atMs;
    this.mixer.putCaller(Math.round(message.timestampMs * SAMPLES_PER_MS), message.payload);
    const horizon = this.nowSample(atMs) - this.toleranceSamples;
    if (horizon - this.mixer.finishedSamples >= this.writeEverySamples) this.mixer.take(horizon);
  }

  /** Resolves once the audio handed to the file so far is on disk (a crash keeps that much). */
  async written(): Promise<void> {
    await this.writer?.written();
  }

  closed(atMs: number): void {
    void this.finish(atMs);
  }

  /** Ends the recording at `atMs` (idempotent); resolves once the file is complete. */
  finish(atMs: number = this.options.clock.now()): Promise<AudioRecordingResult | undefined> {
    this.finished ??= this.close(atMs);
    return this.finished;
  }

  private async close(atMs: number): Promise<AudioRecordingResult | undefined> {
    const { start, writer } = this;
    if (!start || !writer) return undefined;
    const end = this.nowSample(atMs);
    // Agent audio still queued when the stream ended never played; the caller's side is all there.
    this.mixer.clearAgent(end);
    this.mixer.take(Math.max(end, this.mixer.placedEnd));
    const written = await writer.close();
    const result: AudioRecordingResult = {
      ...written,
      start,
      durationMs: written.dataBytes / 2 / SAMPLES_PER_MS,
      droppedLateMs: this.mixer.droppedLateSamples / SAMPLES_PER_MS,
    };
    this.options.onFinished?.(result);
    return result;
  }

  private begin(start: StartInfo, atMs: number): void {
    this.start = { callSid: start.callSid, streamSid: start.streamSid, customParameters: start.customParameters };
    this.startedAtClock = atMs;
    const { clock } = this.options;
    const startedAt = new Date(clock.wallNow() - (clock.now() - atMs));
    this.writer = new WavFileWriter({
      file: Promise.resolve(this.options.fileFor(this.start)),
      headerEveryBytes: (this.options.headerEveryMs ?? 5000) * SAMPLES_PER_MS * 2,
    });
    this.options.onStarted?.(this.start, startedAt);
  }

  /** Media time at clock time `atMs`, in samples (as MediaSink.mediaNowMs, but never backwards). */
  private nowSample(atMs: number): number {
    const ms =
      this.lastTimestampMs === undefined
        ? atMs - this.startedAtClock
        : this.lastTimestampMs + (atMs - this.lastTimestampAtClock);
    this.nowFloor = Math.max(this.nowFloor, Math.round(ms * SAMPLES_PER_MS));
    return this.nowFloor;
  }

  /** The payload's μ-law bytes, in the scratch buffer when they fit (valid until the next call). */
  private decode(base64: string): Buffer {
    if (base64.length > (SCRATCH_BYTES / 3) * 4) return Buffer.from(base64, 'base64');
    const bytes = this.scratch.write(base64, 0, 'base64');
    return this.scratch.subarray(0, bytes);
  }
}

function parseObject(text: string): Json | undefined {
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}
