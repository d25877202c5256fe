/**
 * A local fake of Deepgram's v1 API on 127.0.0.1, speaking the real wire protocol so the real
 * `@deepgram/sdk` runs against it (docs/deepgram.md):
 *
 * - `WS /v1/listen?…` — live STT. Each session plays a *script* of caller words on its own
 *   audio-time axis (bytes received / 8000): the next script from `enqueueScript()` (FIFO), or
 *   else `scriptFor(sessionIndex, query)`, or else silence. Cadence rules: deepgram-listen-engine.ts.
 *   Replay mode: a session given recorded events (`enqueueReplay()` or `replayFor`) sends them
 *   back at their recorded audio times instead (deepgram-listen-replay.ts).
 * - `POST /v1/speak?…` — Aura REST TTS, streamed in chunks; audio from `speakAudioFor(text)` (replay)
 *   or else `expectedTtsAudio(text)`.
 * - `WS /v1/speak?…` — Aura streaming TTS (Speak/Flush/Clear/Close), same audio.
 *
 * Both check `Authorization: Token <key>` (missing → 401; a different key → 401 when `apiKey`
 * is set). Everything is inspectable: `listenSessions`, `speakRequests`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Clock } from '../../src/lib/clock.js';
import type { ListenEngineOptions, SpokenWord } from './deepgram-listen-engine.js';
import type { ListenProfileChoice } from './deepgram-listen-profile.js';
import type { RecordedListenEvent } from './deepgram-listen-replay.js';
import { ListenSession, type ListenSessionRecord } from './deepgram-listen-session.js';
import { type SpeakOptions, type SpeakRequestRecord, SpeakService } from './deepgram-speak.js';
import { type SpeakSocketRecord, SpeakSocketSession } from './deepgram-speak-socket.js';
import type { ListenFault } from './fault-plan.js';

export type { SpokenWord } from './deepgram-listen-engine.js';
export type { RecordedListenEvent } from './deepgram-listen-replay.js';
export { toListenWireMessage } from './deepgram-listen-replay.js';
export type { ListenCloseReason, ListenSessionRecord } from './deepgram-listen-session.js';
export type { SpeakRequestRecord } from './deepgram-speak.js';
export { expectedTtsAudio, expectedTtsDurationMs, TTS_MS_PER_CHAR } from './deepgram-speak.js';
export type { SpeakSocketRecord } from './deepgram-speak-socket.js';

export interface DeepgramFakeOptions extends ListenEngineOptions {
  /** When set, only `Token <apiKey>` is accepted; otherwise any `Token …`/`Bearer …`. */
  apiKey?: string;
  /** Script for a session when the FIFO is empty. Default: silence (no words). */
  scriptFor?: (sessionIndex: number, query: URLSearchParams) => SpokenWord[];
  /** Replay: recorded events for a session when the FIFO is empty (undefined: use `scriptFor`). Default none. */
  replayFor?: (sessionIndex: number, query: URLSearchParams) => readonly RecordedListenEvent[] | undefined;
  /** Listen: delay from the audio that triggers a message to its delivery, ms. Default 0. */
  transcriptLatencyMs?: number;
  /**
   * Listen: a seeded behaviour profile for every session (session `i` gets seed `seed + i`);
   * its lag replaces `transcriptLatencyMs`. Default none: the fixed cadence.
   */
  listenProfile?: ListenProfileChoice;
  /** Listen: close with 1011 after this long without audio or KeepAlive, ms. Default 10000. */
  idleTimeoutMs?: number;
  /** Listen: keep received audio on each session record. Default false. */
  keepAudio?: boolean;
  /** Speak: delay before the first audio byte, ms. Default 0. */
  speakFirstByteMs?: number;
  /** Speak: bytes a chunk. Default 1600 (200 ms of audio). */
  speakChunkBytes?: number;
  /** Speak: how much faster than real time audio is generated. Default 8. */
  speakRealtimeFactor?: number;
  /** Speak: each response stalls after this many bytes until `releaseSpeak()`. Default never. */
  speakStallAfterBytes?: number;
  /** Speak (REST and socket): the audio for a text, e.g. recorded; undefined: the fake's tone. Default the tone. */
  speakAudioFor?: (text: string) => Buffer | undefined;
  /** Speak: the first-byte delay for a text, e.g. recorded, ms; undefined: `speakFirstByteMs`. Default absent. */
  speakFirstByteMsFor?: (text: string) => number | undefined;
  /** Speak: times its delays on this clock (e.g. a ManualClock) instead of real timers. Default real timers. */
  speakClock?: Clock;
  /** Listen: faults for session `index` (a 1011 close or a drop at an audio time). Default none. */
  listenFaultsFor?: (sessionIndex: number) => readonly ListenFault[];
  /** Listen: for a session that hears resent audio, how it finds its words (ListenSessionOptions.locate). Default none. */
  listenLocateFor?: (sessionIndex: number) => ((audio: Buffer) => readonly SpokenWord[] | undefined) | undefined;
}

export interface DeepgramFake {
  /** `http://127.0.0.1:PORT`: the `DEEPGRAM_API_URL` / SDK `baseUrl`. */
  readonly url: string;
  readonly listenSessions: readonly ListenSessionRecord[];
  readonly speakRequests: readonly SpeakRequestRecord[];
  readonly speakSockets: readonly SpeakSocketRecord[];
  /** Live speak settings; tests may change them between requests. */
  readonly speakOptions: SpeakOptions;
  /** The script for the next listen session (FIFO, before `scriptFor`). */
  enqueueScript(words: SpokenWord[]): void;
  /** Recorded events for the next listen session (same FIFO as scripts). */
  enqueueReplay(events: readonly RecordedListenEvent[]): void;
  /** Resolves with session `index` once it has connected. */
  waitForListenSession(index: number): Promise<ListenSessionRecord>;
  /** Drops a listen session abruptly (no close frame); default the newest open one. */
  dropListenSession(index?: number): void;
  /** While set, listen upgrades are refused with this HTTP status (null: accept again). */
  refuseListen(status: number | null): void;
  /** The next `count` speak requests answer `status`. */
  failNextSpeak(status: number, count?: number): void;
  /** Lets stalled speak responses continue. */
  releaseSpeak(): void;
  close(): Promise<void>;
}

export async function startDeepgramFake(options: DeepgramFakeOptions = {}): Promise<DeepgramFake> {
  const fake = new DeepgramFakeServer(options);
  await fake.listen();
  return fake;
}

class DeepgramFakeServer implements DeepgramFake {
  url = '';
  readonly listenSessions: ListenSession[] = [];
  readonly speakSockets: SpeakSocketSession[] = [];
  readonly speakOptions: SpeakOptions;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly speak: SpeakService;
  private readonly scripts: ({ words: SpokenWord[] } | { replay: readonly RecordedListenEvent[] })[] = [];
  private refusal: number | null = null;
  private sessionWaiters: { index: number; resolve: (s: ListenSessionRecord) => void }[] = [];

  constructor(private readonly options: DeepgramFakeOptions) {
    this.speakOptions = {
      firstByteMs: options.speakFirstByteMs ?? 0,
      chunkBytes: options.speakChunkBytes ?? 1600,
      realtimeFactor: options.speakRealtimeFactor ?? 8,
      stallAfterBytes: options.speakStallAfterBytes,
      ...(options.speakAudioFor ? { audioFor: options.speakAudioFor } : {}),
      ...(options.speakFirstByteMsFor ? { firstByteMsFor: options.speakFirstByteMsFor } : {}),
      ...(options.speakClock ? { clock: options.speakClock } : {}),
    };
    this.speak = new SpeakService(this.speakOptions, (header) => this.authorized(header));
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
  }

  get speakRequests(): readonly SpeakRequestRecord[] {
    return this.speak.requests;
  }

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  enqueueScript(words: SpokenWord[]): void {
    this.scripts.push({ words });
  }

  enqueueReplay(events: readonly RecordedListenEvent[]): void {
    this.scripts.push({ replay: events });
  }

  waitForListenSession(index: number): Promise<ListenSessionRecord> {
    const existing = this.listenSessions[index];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => this.sessionWaiters.push({ index, resolve }));
  }

  dropListenSession(index?: number): void {
    const session = index === undefined ? this.listenSessions.findLast((s) => !s.closed) : this.listenSessions[index];
    session?.drop();
  }

  refuseListen(status: number | null): void {
    this.refusal = status;
  }

  failNextSpeak(status: number, count = 1): void {
    this.speak.failNext(status, count);
  }

  releaseSpeak(): void {
    this.speak.release();
  }

  async close(): Promise<void> {
    for (const session of this.listenSessions) session.shutdown();
    for (const socket of this.speakSockets) socket.shutdown();
    this.speak.release();
    this.wss.close();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private authorized(header: string | undefined): boolean {
    if (!header) return false;
    const match = /^(Token|Bearer) (.+)$/.exec(header);
    if (!match) return false;
    return this.options.apiKey === undefined || match[2] === this.options.apiKey;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'POST' && url.pathname === '/v1/speak') {
      this.speak.handle(req, res, url).catch(() => res.destroy());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ err_code: 'NOT_FOUND', err_msg: 'fake Deepgram has no such route' }));
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.url);
    const known = url.pathname === '/v1/listen' || url.pathname === '/v1/speak';
    const refusal = !known
      ? 404
      : !this.authorized(req.headers.authorization)
        ? 401
        : url.pathname === '/v1/listen'
          ? this.refusal
          : null;
    if (refusal !== null) {
      refuseUpgrade(socket, refusal);
      return;
    }
    if (url.pathname === '/v1/speak') {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new SpeakSocketSession(this.speakSockets.length, ws, url, req.headers, this.speakOptions);
        this.speakSockets.push(session);
        session.start();
      });
      return;
    }
    const index = this.listenSessions.length;
    const queued = this.scripts.shift();
    let script: SpokenWord[] = [];
    let replay: readonly RecordedListenEvent[] | undefined;
    if (queued) {
      if ('replay' in queued) replay = queued.replay;
      else script = queued.words;
    } else {
      replay = this.options.replayFor?.(index, url.searchParams);
      if (!replay) script = this.options.scriptFor?.(index, url.searchParams) ?? [];
    }
    const locate = queued ? undefined : this.options.listenLocateFor?.(index);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new ListenSession(index, ws, url, req.headers, script, {
        ...pickEngineOptions(this.options),
        ...(this.options.transcriptLatencyMs !== undefined && { latencyMs: this.options.transcriptLatencyMs }),
        ...(this.options.idleTimeoutMs !== undefined && { idleTimeoutMs: this.options.idleTimeoutMs }),
        ...(this.options.keepAudio !== undefined && { keepAudio: this.options.keepAudio }),
        ...(replay && { replay }),
        ...(this.options.listenFaultsFor && { faults: this.options.listenFaultsFor(index) }),
        ...(locate && { locate }),
        ...(this.options.listenProfile && {
          profile: { ...this.options.listenProfile, seed: this.options.listenProfile.seed + index },
        }),
      });
      this.listenSessions[index] = session;
      session.start();
      const ready = this.sessionWaiters.filter((w) => w.index === index);
      this.sessionWaiters = this.sessionWaiters.filter((w) => w.index !== index);
      for (const waiter of ready) waiter.resolve(session);
    });
  }
}

function pickEngineOptions(options: DeepgramFakeOptions): ListenEngineOptions {
  return {
    ...(options.interimIntervalMs !== undefined && { interimIntervalMs: options.interimIntervalMs }),
    ...(options.maxWindowMs !== undefined && { maxWindowMs: options.maxWindowMs }),
    ...(options.silentFinalIntervalMs !== undefined && { silentFinalIntervalMs: options.silentFinalIntervalMs }),
  };
}

function refuseUpgrade(socket: Socket, status: number): void {
  const body = JSON.stringify({ err_code: status === 401 ? 'INVALID_AUTH' : 'REFUSED', err_msg: 'fake Deepgram' });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
