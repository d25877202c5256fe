/**
 * Records one call as a fixture while it happens (RECORD_CALLS). As the stream's MediaTap it
 * sees every inbound Twilio message and learns the media clock from the media timestamps; the
 * port wrappers (recording-providers.ts) hand it what STT, the LLM and TTS did, stamped on that
 * clock. Nothing here blocks or throws into the call: lines are queued to a FixtureWriter and
 * flushed on `close()`. Everything written goes through the Scrubber first.
 */
import type { Clock } from '../lib/clock.js';
import type { ChatMessage, ToolSpec } from '../llm/reply-stream.js';
import type { MediaTap } from '../media/media-session.js';
import type { StartInfo } from '../media/twilio-messages.js';
import type { SttEvent } from '../stt/stt-stream.js';
import {
  FIXTURE_VERSION,
  type FixtureLine,
  type LlmReplyLine,
  llmRequestHash,
  type MetaLine,
  type OutcomeLine,
  type TtsLine,
} from './fixture-format.js';
import { FixtureWriter } from './fixture-writer.js';
import { Scrubber } from './scrubber.js';

/** What the stream's `start` tells the recorder (enough to name the folder). */
export type RecordedStart = Pick<StartInfo, 'callSid' | 'streamSid' | 'customParameters'>;

export interface CallRecorderOptions {
  /** The fixture folder, or a function choosing it when the stream starts. */
  dir: string | ((start: RecordedStart) => string);
  /** The session's clock (the one the MediaTap is called with). */
  clock: Clock;
  /** The meta line's description: one line saying what the call shows. */
  description: string;
  /** Default false (a recorded live call). */
  synthetic?: boolean;
  /** Default: the `interviewId` stream parameter, else 'default'. */
  interviewId?: string;
  /** How the call was placed, so a replay can place it alike. Default absent. */
  context?: MetaLine['context'];
  /** Secret values to cut out of everything written (auth token, API keys). Default none. */
  secrets?: readonly string[];
}

export interface LlmReplyRecord {
  pieces: LlmReplyLine['pieces'];
  toolCalls: LlmReplyLine['toolCalls'];
  finishReason: string | null;
  aborted: boolean;
  error?: { code: string; message: string };
}

export type TtsRecord = Omit<TtsLine, 'type' | 'atMs' | 'id' | 'audioFile' | 'bytes' | 'text'> & {
  text: string;
  audio: Buffer;
  /** Media time the request was made. */
  startedAtMs: number;
};

export type OutcomeRecord = Omit<OutcomeLine, 'type' | 'atMs'>;

export class CallRecorder implements MediaTap {
  private readonly scrubber: Scrubber;
  private writer: FixtureWriter | undefined;
  /** Lines that came before `start` (when the folder is chosen then). */
  private early: FixtureLine[] = [];
  private startedAtClock: number | undefined;
  private startedAtWall: number | undefined;
  private lastMediaTimestampMs = 0;
  private lastMediaAtClock: number | undefined;
  private sttStreams = 0;
  private llmRequests = 0;
  private ttsRequests = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: CallRecorderOptions) {
    this.scrubber = new Scrubber({ secrets: options.secrets ?? [] });
  }

  /** The folder being written; undefined until the stream started when `dir` is a function. */
  get dir(): string | undefined {
    return this.writer?.dir;
  }

  /** Media time of a wall-clock instant (epoch ms), e.g. a stored transcript line's `at`; 0 before start. */
  mediaMsAtWall(wallMs: number): number {
    if (this.startedAtWall === undefined) return 0;
    return Math.max(0, wallMs - this.startedAtWall);
  }

  /** Media time now: the last media timestamp advanced by the clock since, ms (0 before start). */
  mediaNowMs(): number {
    return this.mediaTimeAt(this.options.clock.now());
  }

  inbound(text: string, atClockMs: number): void {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      // Kept (bounded) so a replay sends the same garbage the service once got.
      const raw = text.slice(0, 2000);
      this.write({
        type: 'twilio-in',
        atMs: this.mediaTimeAt(atClockMs),
        event: 'unparsed',
        message: { event: 'unparsed', raw },
      });
      return;
    }
    const event = typeof message.event === 'string' ? message.event : 'unknown';
    if (event === 'start' && this.startedAtClock === undefined) this.onStart(message, atClockMs);
    if (event === 'media') return this.recordMedia(message, atClockMs);
    this.write({
      type: 'twilio-in',
      atMs: this.mediaTimeAt(atClockMs),
      event,
      message: this.scrubber.value({ ...message, event }),
    });
  }

  /** Outbound messages are not part of the format (the agent's side is rebuilt by replay). */
  outbound(_text: string, _atClockMs: number): void {}

  closed(_atClockMs: number): void {}

  /** A new STT stream of this call; returns its index for `stt()`. */
  sttStreamOpened(): number {
    return this.sttStreams++;
  }

  stt(stream: number, audioS: number, event: SttEvent): void {
    this.write({ type: 'stt', atMs: this.mediaNowMs(), stream, audioS, event: this.scrubber.value(event) });
  }

  /** Records an LLM request; returns its id for `llmReply()`. */
  llmRequest(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): number {
    const id = this.llmRequests++;
    const scrubbed = this.scrubber.value([...messages]);
    const scrubbedTools = this.scrubber.value([...tools]);
    this.write({
      type: 'llm-request',
      atMs: this.mediaNowMs(),
      id,
      hash: llmRequestHash(scrubbed, scrubbedTools),
      messages: scrubbed,
      tools: scrubbedTools,
    });
    return id;
  }

  llmReply(id: number, reply: LlmReplyRecord): void {
    this.write({ type: 'llm-reply', atMs: this.mediaNowMs(), id, ...this.scrubber.value(reply) });
  }

  tts(record: TtsRecord): void {
    const writer = this.writerOrUndefined();
    if (!writer) return; // before start there is no folder, and such speech is no call's
    const { audio, startedAtMs, text, ...rest } = record;
    this.write({
      type: 'tts',
      atMs: startedAtMs,
      id: this.ttsRequests++,
      text: this.scrubber.text(text),
      audioFile: writer.writeTtsAudio(audio),
      bytes: audio.length,
      ...rest,
    });
  }

  outcome(record: OutcomeRecord): void {
    this.write({ type: 'outcome', atMs: this.mediaNowMs(), ...this.scrubber.value(record) });
  }

  /** Flushes and closes the fixture; rejects with RECORDING_FAILED if it could not be written. */
  close(): Promise<void> {
    this.closing ??= this.writer ? this.writer.close() : Promise.resolve();
    return this.closing;
  }

  private onStart(message: Record<string, unknown>, atClockMs: number): void {
    this.startedAtClock = atClockMs;
    this.startedAtWall = this.options.clock.wallNow() - (this.options.clock.now() - atClockMs);
    const start = (message.start ?? {}) as Partial<StartInfo>;
    const info: RecordedStart = {
      callSid: typeof start.callSid === 'string' ? start.callSid : '',
      streamSid: typeof start.streamSid === 'string' ? start.streamSid : '',
      customParameters: start.customParameters ?? {},
    };
    const dir = typeof this.options.dir === 'string' ? this.options.dir : this.options.dir(info);
    this.writer = new FixtureWriter(dir);
    const meta: MetaLine = {
      type: 'meta',
      atMs: 0,
      version: FIXTURE_VERSION,
      synthetic: this.options.synthetic ?? false,
      description: this.options.description,
      interviewId: this.options.interviewId ?? info.customParameters.interviewId ?? 'default',
      created: new Date(this.options.clock.wallNow()).toISOString(),
      ...(this.options.context ? { context: this.scrubber.value(this.options.context) } : {}),
    };
    this.writer.writeLine(meta);
    for (const line of this.early) this.writer.writeLine(line);
    this.early = [];
  }

  private recordMedia(message: Record<string, unknown>, atClockMs: number): void {
    const writer = this.writerOrUndefined();
    const media = (message.media ?? {}) as Record<string, unknown>;
    const timestamp = Number(media.timestamp);
    if (!writer || typeof media.payload !== 'string') return; // media before start: the service drops it too
    if (Number.isFinite(timestamp)) {
      this.lastMediaTimestampMs = timestamp;
      this.lastMediaAtClock = atClockMs;
    }
    const { payload, ...rest } = media;
    const audio = writer.appendCallerAudio(Buffer.from(payload, 'base64'));
    this.write({
      type: 'twilio-in',
      atMs: this.mediaTimeAt(atClockMs),
      event: 'media',
      message: this.scrubber.value({ ...message, media: rest }),
      audio,
    });
  }

  private mediaTimeAt(clockMs: number): number {
    if (this.lastMediaAtClock !== undefined)
      return Math.max(0, this.lastMediaTimestampMs + clockMs - this.lastMediaAtClock);
    if (this.startedAtClock !== undefined) return Math.max(0, clockMs - this.startedAtClock);
    return 0;
  }

  private writerOrUndefined(): FixtureWriter | undefined {
    return this.closing ? undefined : this.writer;
  }

  private write(line: FixtureLine): void {
    if (this.closing) return;
    if (this.writer) this.writer.writeLine(line);
    else this.early.push(line);
  }
}
