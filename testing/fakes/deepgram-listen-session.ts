/**
 * One fake `/v1/listen` WebSocket session: counts μ-law bytes as audio time, feeds the
 * ListenEngine, sends what it decides as Deepgram wire messages (after a configurable
 * transport latency), and handles the client control messages KeepAlive, Finalize and
 * CloseStream. Closes with 1011 after `idleTimeoutMs` without audio or KeepAlive, as the
 * real service does after 10 s (NET-0001). In replay mode it sends recorded events instead of
 * the script's (deepgram-listen-replay.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import {
  type EngineEvent,
  ListenEngine,
  type ListenEngineOptions,
  parseListenQuery,
  type SpokenWord,
} from './deepgram-listen-engine.js';
import {
  ListenArrivals,
  type ListenProfileChoice,
  profileBehaviour,
  resolveProfile,
} from './deepgram-listen-profile.js';
import { ListenReplay, type RecordedListenEvent, toListenWireMessage } from './deepgram-listen-replay.js';
import { toListenWire } from './deepgram-listen-wire.js';
import type { ListenFault } from './fault-plan.js';

const BYTES_PER_SECOND = 8000;

export interface ListenSessionOptions extends ListenEngineOptions {
  /** Delay between the audio that triggers a message and its delivery, ms. Default 0. */
  latencyMs?: number;
  /** Close with 1011 after this long without audio or KeepAlive, ms. Default 10000. */
  idleTimeoutMs?: number;
  /** Keep every audio byte received (for tests comparing bytes). Default false. */
  keepAudio?: boolean;
  /**
   * Replay mode: send these recorded events at their audio times instead of playing the script
   * (Finalize then adds nothing: the recording already holds what it produced). Default none.
   */
  replay?: readonly RecordedListenEvent[];
  /**
   * A seeded behaviour profile (deepgram-listen-profile.ts): cadence, revisions, punctuation,
   * and its processing lag and jitter, which replace `latencyMs`. Default none: the fixed cadence.
   */
  profile?: ListenProfileChoice;
  /** Faults to strike at given audio times (a 1011 close or a TCP drop). Default none. */
  faults?: readonly ListenFault[];
  /**
   * A session that does not start at the call's audio time 0 (a reconnect resending recent audio):
   * given the audio received so far, the words in it on this session's axis, or undefined while it
   * cannot yet tell where that audio sits in the call. Until then nothing is transcribed, as a real
   * Deepgram transcribes what it hears rather than a script. Default none (the script from 0 s).
   */
  locate?: (audio: Buffer) => readonly SpokenWord[] | undefined;
}

export type ListenCloseReason =
  | 'client'
  | 'close-stream'
  | 'idle-timeout'
  | 'dropped'
  | 'server-shutdown'
  | 'fault-1011'
  | 'fault-drop';

/** What a test can see of one session. */
export interface ListenSessionRecord {
  readonly index: number;
  readonly requestId: string;
  /** Query parameters as sent (all strings). */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly script: readonly SpokenWord[];
  readonly bytesReceived: number;
  /** Binary (audio) messages received. */
  readonly audioMessages: number;
  /** Audio seconds received: bytes / 8000. */
  readonly audioS: number;
  readonly keepAlives: number;
  /** Types of the JSON control messages received, in order (e.g. KeepAlive, Finalize). */
  readonly controlMessages: readonly string[];
  /** Every JSON message sent to the client, in order. */
  readonly sent: readonly Record<string, unknown>[];
  /** Audio seconds received when each `sent` message went out (same order). */
  readonly sentAtS: readonly number[];
  /** Replay mode: recorded events not sent yet (0 when not replaying). */
  readonly replayPending: number;
  /** Audio received, when the fake keeps audio. */
  readonly audio: Buffer;
  readonly closed: boolean;
  readonly closeReason: ListenCloseReason | undefined;
  /** Kill the TCP connection without a close frame (the client sees 1006). */
  drop(): void;
  /** The caller says these words (on this session's audio axis, not yet reached). */
  say(words: readonly SpokenWord[]): void;
  /** Strikes `fault` once this session has received `fault.atAudioS` of audio. */
  faultAt(fault: ListenFault): void;
}

export class ListenSession implements ListenSessionRecord {
  readonly requestId = randomUUID();
  readonly query: Readonly<Record<string, string>>;
  bytesReceived = 0;
  audioMessages = 0;
  keepAlives = 0;
  readonly controlMessages: string[] = [];
  readonly sent: Record<string, unknown>[] = [];
  readonly sentAtS: number[] = [];
  closed = false;
  closeReason: ListenCloseReason | undefined;
  private readonly engine: ListenEngine;
  private readonly replay: ListenReplay | undefined;
  private readonly arrivals: ListenArrivals | undefined;
  private readonly audioChunks: Buffer[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private closingStream = false;
  private readonly faults: ListenFault[];
  /** Audio kept while `locate` cannot place it yet (undefined once placed, or without `locate`). */
  private unplaced: Buffer[] | undefined;

  constructor(
    readonly index: number,
    private readonly ws: WebSocket,
    url: URL,
    readonly headers: IncomingHttpHeaders,
    readonly script: readonly SpokenWord[],
    private readonly options: ListenSessionOptions,
  ) {
    this.query = Object.fromEntries(url.searchParams);
    const profile = options.profile;
    this.engine = new ListenEngine([...script], parseListenQuery(url.searchParams), {
      ...options,
      ...(profile && { behaviour: profileBehaviour(profile) }),
    });
    this.arrivals = profile ? new ListenArrivals(resolveProfile(profile.profile), profile.seed) : undefined;
    this.replay = options.replay ? new ListenReplay(options.replay) : undefined;
    this.faults = [...(options.faults ?? [])];
    if (options.locate) this.unplaced = [];
  }

  faultAt(fault: ListenFault): void {
    this.faults.push(fault);
  }

  get replayPending(): number {
    return this.replay?.pending ?? 0;
  }

  get audioS(): number {
    return this.bytesReceived / BYTES_PER_SECOND;
  }

  get audio(): Buffer {
    return Buffer.concat(this.audioChunks);
  }

  say(words: readonly SpokenWord[]): void {
    this.engine.addWords(words);
  }

  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.markClosed('client'));
    this.ws.on('error', () => this.markClosed('dropped'));
    this.armIdleTimer();
  }

  drop(): void {
    this.markClosed('dropped');
    this.ws.terminate();
  }

  shutdown(): void {
    this.markClosed('server-shutdown');
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed || this.closingStream) return;
    if (isBinary) {
      const chunk = toBuffer(data);
      this.bytesReceived += chunk.length;
      this.audioMessages++;
      if (this.options.keepAudio) this.audioChunks.push(chunk);
      this.armIdleTimer();
      if (this.strikeFault()) return;
      if (this.unplaced && !this.place(chunk)) return;
      if (this.replay) this.deliverReplayed(this.replay.advance(this.audioS));
      else this.deliver(this.engine.advance(this.audioS));
      return;
    }
    const type = controlType(toBuffer(data).toString('utf8'));
    this.controlMessages.push(type);
    switch (type) {
      case 'KeepAlive':
        this.keepAlives++;
        this.armIdleTimer();
        return;
      case 'Finalize':
        if (!this.replay) this.deliver(this.engine.finalize(true));
        return;
      case 'CloseStream':
        this.closeStream();
        return;
      default:
        // The real service answers unknown messages with an error; the fake ignores them.
        return;
    }
  }

  /** Placing a resent stretch of audio: true once its words are known (the engine may run). */
  private place(chunk: Buffer): boolean {
    const unplaced = this.unplaced ?? [];
    unplaced.push(chunk);
    const words = this.options.locate?.(Buffer.concat(unplaced));
    if (!words) return false;
    this.unplaced = undefined;
    this.engine.addWords(words);
    return true;
  }

  /** Strikes the first fault whose audio time has come; true when the session is gone. */
  private strikeFault(): boolean {
    const index = this.faults.findIndex((f) => this.audioS >= f.atAudioS);
    const fault = this.faults[index];
    if (!fault) return false;
    this.faults.splice(index, 1);
    if (fault.kind === 'drop') {
      this.markClosed('fault-drop');
      this.ws.terminate();
    } else {
      this.markClosed('fault-1011');
      this.ws.close(1011, 'NET-0000: internal server error (fake fault)');
    }
    return true;
  }

  private closeStream(): void {
    this.closingStream = true;
    clearTimeout(this.idleTimer);
    if (!this.replay) this.deliver(this.engine.finalize(false));
    this.later(() => {
      this.send({
        type: 'Metadata',
        transaction_key: 'deprecated',
        request_id: this.requestId,
        sha256: 'fake',
        created: new Date().toISOString(),
        duration: this.audioS,
        channels: 1,
      });
      this.markClosed('close-stream');
      this.ws.close(1000);
    });
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.markClosed('idle-timeout');
      this.ws.close(1011, 'NET-0001: no audio received within the timeout window');
    }, this.options.idleTimeoutMs ?? 10_000);
  }

  private deliver(events: EngineEvent[]): void {
    for (const event of events) {
      const message = toListenWire(event, this.requestId);
      this.later(() => this.send(message));
    }
  }

  private deliverReplayed(events: SttEvent[]): void {
    for (const event of events) {
      const message = toListenWireMessage(event, this.requestId);
      this.later(() => this.send(message));
    }
  }

  /** Runs `fn` after the transport latency (the profile's, jittered, in order); equal delays keep their order. */
  private later(fn: () => void): void {
    const nowMs = performance.now();
    const latency = this.arrivals ? this.arrivals.arrivalMs(nowMs) - nowMs : (this.options.latencyMs ?? 0);
    if (latency <= 0) fn();
    else setTimeout(fn, latency);
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.sent.push(message);
    this.sentAtS.push(this.audioS);
    this.ws.send(JSON.stringify(message));
  }

  private markClosed(reason: ListenCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    clearTimeout(this.idleTimer);
  }
}

function controlType(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'type' in parsed && typeof parsed.type === 'string') return parsed.type;
  } catch {
    // not JSON
  }
  return 'invalid';
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
