/**
 * One call's live Deepgram connection. Owns the provider quirks: audio buffered until the
 * socket opens, KeepAlive while no audio flows (Deepgram closes an idle socket after 10 s),
 * reconnect after a mid-call drop with the recent audio resent and times mapped back onto the
 * call's audio axis, Finalize, and CloseStream on close.
 *
 * The SDK's own reconnect is disabled (it would silently restart audio time at 0); this class
 * reconnects itself, through withRetry.
 */
import type { DeepgramClient } from '@deepgram/sdk';
import type { Clock, Timer } from '../lib/clock.js';
import { AppError, ErrorCodes } from '../lib/errors.js';
import { withRetry } from '../lib/retry.js';
import type { Logger } from '../observability/logger.js';
import { translateListenMessage } from './deepgram-results.js';
import { RecentAudio } from './recent-audio.js';
import type { AudioPace, SttEvent, SttOpenOptions, SttStream } from './stt-stream.js';

type ListenConnectArgs = Parameters<DeepgramClient['listen']['v1']['connect']>[0];
type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

/** μ-law 8 kHz mono: one byte a sample. */
const BYTES_PER_SECOND = 8000;

export interface DeepgramSttStreamSettings {
  client: DeepgramClient;
  /** Query parameters (and the typed Authorization the SDK requires) for every connection. */
  connectArgs: ListenConnectArgs;
  clock: Clock;
  logger: Logger;
  keepAliveIntervalMs: number;
  resendBufferMs: number;
  connectAttempts: number;
  reconnectBaseDelayMs: number;
  connectTimeoutMs: number;
  closeTimeoutMs: number;
  /** Audio a WebSocket message carries at least, bytes (Twilio's frames are batched up to it). */
  chunkBytes: number;
  /** The same while the caller is quiet (`AudioPace` 'quiet'), bytes. */
  quietChunkBytes: number;
}

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

export class DeepgramSttStream implements SttStream {
  private state: State = 'idle';
  private socket: ListenSocket | undefined;
  /** Identifies the current connection; messages from older ones are ignored. */
  private generation = 0;
  private readonly recent: RecentAudio;
  /** Call audio seconds at the current connection's audio time 0. */
  private offsetS = 0;
  /** Call audio seconds covered by the finals delivered so far. */
  private settledUntilS = 0;
  /** settledUntilS when the current connection opened: its results before this are repeats. */
  private axisSettledUntilS = 0;
  /** Call audio seconds where the last final word delivered ends, and its value when the connection opened. */
  private wordsSettledUntilS = 0;
  private axisWordsSettledUntilS = 0;
  private lastUtteranceEndS = Number.NEGATIVE_INFINITY;
  private lastSentAtMs = 0;
  /** Frames sent to us but not yet to the socket, waiting to make up a chunk. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The last audio came at the quiet pace: chunks are quietChunkBytes. */
  private quiet = false;
  private keepAliveTimer: Timer | undefined;
  private closeTimer: Timer | undefined;
  private connectAbort: AbortController | undefined;
  private dropsWithoutProgress = 0;
  private resolveClosed: () => void = () => {};
  private readonly closed: Promise<void>;

  constructor(
    private readonly settings: DeepgramSttStreamSettings,
    private readonly handlers: SttOpenOptions,
  ) {
    this.recent = new RecentAudio((settings.resendBufferMs / 1000) * BYTES_PER_SECOND);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** Starts connecting; audio sent meanwhile is kept and flushed on open. */
  start(): void {
    if (this.state !== 'idle') return;
    this.handlers.signal?.addEventListener('abort', () => void this.close(), { once: true });
    if (this.handlers.signal?.aborted) {
      void this.close();
      return;
    }
    void this.connect(ErrorCodes.STT_CONNECT_FAILED);
  }

  sendAudio(mulaw: Buffer, pace: AudioPace = 'live'): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.recent.push(mulaw);
    if (this.state !== 'open') return;
    const wasQuiet = this.quiet;
    this.quiet = pace === 'quiet';
    this.queue(mulaw);
    // The caller stirred: what waited for a quiet chunk goes now, with this frame.
    if (wasQuiet && !this.quiet) this.flushPending();
  }

  finalize(): void {
    if (this.state !== 'open' || !this.socket) return;
    this.flushPending();
    try {
      this.socket.sendFinalize({ type: 'Finalize' });
    } catch (err) {
      this.settings.logger.warn({ err }, 'stt finalize not sent');
    }
  }

  close(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return this.closed;
    const socket = this.state === 'open' ? this.socket : undefined;
    // The connect signal also closes an open socket, so it only cancels a connect in progress.
    if (this.state === 'connecting') this.connectAbort?.abort();
    this.state = 'closing';
    this.keepAliveTimer?.cancel();
    if (!socket) {
      this.finishClose();
      return this.closed;
    }
    try {
      this.flushPending();
      socket.sendCloseStream({ type: 'CloseStream' });
      // Deepgram answers CloseStream with its last results and Metadata, then closes.
      this.closeTimer = this.settings.clock.setTimeout(() => this.finishClose(), this.settings.closeTimeoutMs);
    } catch {
      this.finishClose();
    }
    return this.closed;
  }

  private async connect(failureCode: typeof ErrorCodes.STT_CONNECT_FAILED | typeof ErrorCodes.STT_STREAM_FAILED) {
    this.state = 'connecting';
    this.connectAbort = new AbortController();
    const signal = this.connectAbort.signal;
    try {
      const socket = await withRetry(() => this.openSocket(signal), {
        attempts: this.settings.connectAttempts,
        baseDelayMs: this.settings.reconnectBaseDelayMs,
        isRetryable: () => true,
        signal,
        clock: this.settings.clock,
      });
      if (this.state !== 'connecting') {
        socket.close();
        return;
      }
      this.onOpen(socket);
    } catch (err) {
      if (this.state !== 'connecting') return;
      this.fail(
        new AppError(failureCode, 'Deepgram live connection could not be opened', { retryable: true, cause: err }),
      );
    }
  }

  private async openSocket(signal: AbortSignal): Promise<ListenSocket> {
    const generation = ++this.generation;
    const socket = await this.settings.client.listen.v1.connect({
      ...this.settings.connectArgs,
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: this.settings.connectTimeoutMs / 1000,
      abortSignal: signal,
    });
    socket.on('message', (message) => this.onMessage(generation, message));
    socket.on('close', (event) => this.onSocketClosed(generation, event.code));
    socket.on('error', (err) => this.settings.logger.debug({ err }, 'stt socket error'));
    socket.connect();
    try {
      await socket.waitForOpen();
    } catch (event) {
      socket.close();
      throw new Error('Deepgram live socket failed to open', { cause: event });
    }
    return socket;
  }

  private onOpen(socket: ListenSocket): void {
    this.socket = socket;
    this.state = 'open';
    const { startByte, chunks } = this.recent.snapshot();
    this.offsetS = startByte / BYTES_PER_SECOND;
    this.axisSettledUntilS = this.settledUntilS;
    this.axisWordsSettledUntilS = this.wordsSettledUntilS;
    this.settings.logger.debug({ offsetS: this.offsetS, generation: this.generation }, 'stt socket open');
    this.lastSentAtMs = this.settings.clock.now();
    // The kept audio includes any frames a dropped socket never got; it goes in whole chunks too.
    this.dropPending();
    for (const chunk of chunks) this.queue(chunk);
    this.flushPending();
    this.armKeepAlive();
  }

  /** Adds a frame to the chunk being made up; sends the chunk once it is whole. */
  private queue(mulaw: Buffer): void {
    this.pending.push(mulaw);
    this.pendingBytes += mulaw.length;
    if (this.pendingBytes >= (this.quiet ? this.settings.quietChunkBytes : this.settings.chunkBytes))
      this.flushPending();
  }

  /** Sends the frames waiting for a whole chunk, as one message. */
  private flushPending(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.dropPending();
    this.transmit(chunk);
    this.recent.trim();
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  private transmit(chunk: Buffer): void {
    try {
      this.socket?.sendMedia(chunk);
      this.lastSentAtMs = this.settings.clock.now();
    } catch {
      // The socket is going down; its close event starts the reconnect, which resends this audio.
    }
  }

  /** Checks every interval; sends KeepAlive when nothing was sent for a whole interval (gap ≤ 2 intervals). */
  private armKeepAlive(): void {
    const { clock, keepAliveIntervalMs } = this.settings;
    this.keepAliveTimer?.cancel();
    this.keepAliveTimer = clock.setTimeout(() => {
      if (this.state !== 'open' || !this.socket) return;
      // Audio stopped short of a whole chunk: it is sent rather than a KeepAlive.
      this.flushPending();
      if (clock.now() - this.lastSentAtMs >= keepAliveIntervalMs) {
        try {
          this.socket.sendKeepAlive({ type: 'KeepAlive' });
          this.lastSentAtMs = clock.now();
        } catch {
          // closing; the close event handles it
        }
      }
      this.armKeepAlive();
    }, keepAliveIntervalMs);
  }

  private onMessage(generation: number, message: unknown): void {
    if (generation !== this.generation) return;
    this.dropsWithoutProgress = 0;
    const event = translateListenMessage(message, {
      offsetS: this.offsetS,
      settledUntilS: this.axisSettledUntilS,
      wordsSettledUntilS: this.axisWordsSettledUntilS,
    });
    if (!event || this.isDuplicate(event)) return;
    if (event.type === 'transcript' && event.isFinal) {
      this.settledUntilS = Math.max(this.settledUntilS, event.startS + event.durationS);
      const lastWord = event.words.at(-1);
      if (lastWord) this.wordsSettledUntilS = Math.max(this.wordsSettledUntilS, lastWord.endS);
    }
    try {
      this.handlers.onEvent(event);
    } catch (err) {
      this.settings.logger.error({ err }, 'stt event handler threw');
    }
  }

  private isDuplicate(event: SttEvent): boolean {
    if (event.type !== 'utterance-end') return false;
    if (event.lastWordEndS <= this.lastUtteranceEndS + 1e-6) return true;
    this.lastUtteranceEndS = event.lastWordEndS;
    return false;
  }

  private onSocketClosed(generation: number, code: number): void {
    if (generation !== this.generation) return;
    if (this.state === 'closing') {
      this.finishClose();
      return;
    }
    if (this.state !== 'open') return;
    this.socket = undefined;
    this.keepAliveTimer?.cancel();
    this.dropsWithoutProgress++;
    this.settings.logger.warn({ code, drops: this.dropsWithoutProgress }, 'stt socket dropped; reconnecting');
    if (this.dropsWithoutProgress > this.settings.connectAttempts) {
      this.fail(
        new AppError(ErrorCodes.STT_STREAM_FAILED, 'Deepgram live connection keeps dropping', { retryable: true }),
      );
      return;
    }
    try {
      this.handlers.onGap?.({ sentUntilS: this.recent.totalBytes / BYTES_PER_SECOND });
    } catch (err) {
      this.settings.logger.error({ err }, 'stt gap handler threw');
    }
    void this.connect(ErrorCodes.STT_STREAM_FAILED);
  }

  private fail(error: AppError): void {
    this.finishClose();
    this.settings.logger.error({ err: error }, 'stt stream failed');
    this.handlers.onError(error);
  }

  private finishClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.keepAliveTimer?.cancel();
    this.closeTimer?.cancel();
    const socket = this.socket;
    this.socket = undefined;
    try {
      socket?.close();
    } catch {
      // already closed
    }
    this.resolveClosed();
  }
}
