import type { RawData, WebSocket } from 'ws';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AudioSink, MarkId } from './audio-sink.js';
import { OutboundPlayer } from './outbound-player.js';
import {
  buildClearMessage,
  buildMarkMessage,
  mediaMessageBuilder,
  parseTwilioMessage,
  type StartInfo,
  type TwilioInbound,
} from './twilio-messages.js';

const CLEAR_SENT: SentMessage = { event: 'clear' };

/** What a call can do with its media stream. */
export interface MediaSink {
  /** The agent's voice out (an OutboundPlayer). */
  readonly audio: AudioSink;
  /** Media time now: the last inbound timestamp advanced by the clock since it arrived, ms. */
  mediaNowMs(): number;
  /** Ends the call: closes the socket (with nothing after <Connect> in the TwiML, Twilio hangs up). */
  hangUp(): void;
}

/**
 * How a stream ended: Twilio's `stop` or the socket closing (the caller's side), our own hang-up
 * (`agent-hung-up`), or the service cutting it off because it is shutting down.
 */
export type StreamEndReason = 'stop' | 'socket-closed' | 'agent-hung-up' | 'server-shutdown' | 'erased';

/** The per-call behaviour plugged onto a stream when it starts (the orchestrator, in production). */
export interface CallHandler {
  onAudio(mulaw: Buffer, timestampMs: number): void;
  onDtmf(digit: string): void;
  /** A mark the call placed in `MediaSink.audio` was played (never one flushed by a clear). */
  onMarkPlayed(mark: MarkId): void;
  onStreamEnded(reason: StreamEndReason): void;
  /** The service's drain timeout ran out: say a short goodbye and hang up after it. */
  onServiceDraining?(): void;
}

export type CallHandlerFactory = (start: StartInfo, sink: MediaSink, logger: Logger, tap?: MediaTap) => CallHandler;

/** What the session sent, when it was audio or a clear: so a tap need not parse its own JSON again. */
export type SentMessage = { event: 'media'; mulaw: Buffer } | { event: 'clear' };

/**
 * Sees every message of a stream as it crosses the socket (call recording). `parsed` and `sent`
 * are the session's own reading of the message, given when it has one: the audio recording
 * uses them instead of parsing and decoding fifty messages a second a call again.
 */
export interface MediaTap {
  inbound(text: string, atMs: number, parsed?: TwilioInbound): void;
  outbound(text: string, atMs: number, sent?: SentMessage): void;
  closed(atMs: number): void;
}

export interface MediaSessionOptions {
  socket: WebSocket;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  createCall: CallHandlerFactory;
  /** Called once when the stream ends, however it ends. */
  onClosed?: () => void;
  /** Called on `start`, before the call handler exists. */
  onStarted?: (start: StartInfo) => void;
  /** Pacing lead for the outbound player, ms. */
  leadMs?: number;
  /** Recording hook; sees raw messages both ways, on the session clock. */
  tap?: MediaTap;
}

/**
 * One Twilio media stream: parses every message, drops bad ones (logged once per kind), and
 * routes the rest to the call handler created on `start`. A bad message never ends the call.
 */
export class MediaSession {
  private readonly options: MediaSessionOptions;
  private logger: Logger;
  private handler: CallHandler | undefined;
  private player: OutboundPlayer | undefined;
  private streamSid: string | undefined;
  private lastMediaTimestampMs = 0;
  private lastMediaArrivedAt: number | undefined;
  private readonly loggedDrops = new Set<string>();
  private ended = false;
  private endReasonOnClose: StreamEndReason = 'socket-closed';

  constructor(options: MediaSessionOptions) {
    this.options = options;
    this.logger = options.logger;
    options.socket.on('message', (data, isBinary) => this.handleRaw(data, isBinary));
    options.socket.on('close', () => this.end(this.endReasonOnClose));
    options.socket.on('error', (err) => this.logger.warn({ err }, 'media socket error'));
  }

  private handleRaw(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.drop('binary frame');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
    const parsed = parseTwilioMessage(text);
    this.options.tap?.inbound(text, this.options.clock.now(), parsed.ok ? parsed.message : undefined);
    if (!parsed.ok) return this.drop(parsed.reason);
    const msg = parsed.message;
    switch (msg.event) {
      case 'connected':
        return;
      case 'start':
        if (this.handler) return this.drop('second start');
        return this.start(msg.start);
      case 'media':
        if (!this.handler) return this.drop('media before start');
        if (msg.streamSid !== this.streamSid) return this.drop('media for another stream');
        this.lastMediaTimestampMs = msg.timestampMs;
        this.lastMediaArrivedAt = this.options.clock.now();
        return this.handler.onAudio(msg.payload, msg.timestampMs);
      case 'dtmf':
        if (!this.handler) return this.drop('dtmf before start');
        if (msg.streamSid !== this.streamSid) return this.drop('dtmf for another stream');
        return this.handler.onDtmf(msg.digit);
      case 'mark':
        if (!this.player) return this.drop('mark before start');
        if (msg.streamSid !== this.streamSid) return this.drop('mark for another stream');
        return this.player.handleMarkEcho(msg.name);
      case 'stop':
        // Twilio's stop names its stream; one naming another stream (or none) ends nothing.
        if (this.handler && msg.streamSid !== this.streamSid) return this.drop('stop for another stream');
        this.endReasonOnClose = 'stop';
        this.end('stop');
        this.options.socket.close(1000);
        return;
    }
  }

  private start(start: StartInfo): void {
    const { socket, clock } = this.options;
    this.streamSid = start.streamSid;
    this.logger = this.logger.child({ callSid: start.callSid, streamSid: start.streamSid });
    this.options.onStarted?.(start);
    const send = (message: string, sent?: SentMessage) => {
      if (socket.readyState !== socket.OPEN) return;
      this.options.tap?.outbound(message, clock.now(), sent);
      socket.send(message);
    };
    const streamSid = start.streamSid;
    const mediaMessage = mediaMessageBuilder(streamSid);
    this.player = new OutboundPlayer({
      clock,
      ...(this.options.leadMs === undefined ? {} : { leadMs: this.options.leadMs }),
      sendMedia: (frame) => send(mediaMessage(frame), { event: 'media', mulaw: frame }),
      sendMark: (name) => send(buildMarkMessage(streamSid, name)),
      sendClear: () => send(buildClearMessage(streamSid), CLEAR_SENT),
      onMarkPlayed: (mark) => this.handler?.onMarkPlayed(mark),
      onStall: (cause) => this.options.metrics.agentAudioStalls.inc({ cause }),
    });
    const sink: MediaSink = {
      audio: this.player,
      mediaNowMs: () =>
        this.lastMediaArrivedAt === undefined ? 0 : this.lastMediaTimestampMs + (clock.now() - this.lastMediaArrivedAt),
      hangUp: () => {
        this.endReasonOnClose = 'agent-hung-up';
        this.end('agent-hung-up');
        socket.close(1000, 'call ended');
      },
    };
    this.handler = this.options.createCall(start, sink, this.logger, this.options.tap);
    this.logger.info({ customParameters: Object.keys(start.customParameters) }, 'media stream started');
  }

  /**
   * The service is shutting down and cannot wait for this call any longer: the call ends as the
   * service's doing (never the caller's), then the socket closes with 1001 (going away).
   */
  shutDown(): void {
    this.endReasonOnClose = 'server-shutdown';
    this.end('server-shutdown');
    this.options.socket.close(1001, 'server shutting down');
  }

  /** The call was erased while live: it ends at once as the erasure's doing, and the socket closes. */
  endForErasure(): void {
    this.endReasonOnClose = 'erased';
    this.end('erased');
    this.options.socket.close(1000, 'call erased');
  }

  /** Drain timeout: the call says its goodbye and hangs up itself; a stream with no call yet just ends. */
  drain(): void {
    if (this.handler?.onServiceDraining) this.handler.onServiceDraining();
    else this.shutDown();
  }

  private drop(reason: string): void {
    this.options.metrics.messagesDropped.inc({ reason });
    if (this.loggedDrops.has(reason)) return;
    this.loggedDrops.add(reason);
    this.logger.warn({ reason }, 'media message dropped');
  }

  private end(reason: StreamEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.player?.close();
    this.options.tap?.closed(this.options.clock.now());
    this.handler?.onStreamEnded(reason);
    this.options.onClosed?.();
    this.logger.info({ reason }, 'media stream ended');
  }
}
