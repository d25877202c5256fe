/**
 * A fake Twilio for tests, benchmarks and replay: it signs and posts the voice webhook like
 * Twilio, reads the TwiML, opens the signed Media Streams socket, and plays the call's two
 * sides on an injected clock:
 *  - caller → service: `connected`, `start`, then a `media` frame every 20 ms (silence unless
 *    caller audio is queued), with Twilio's string-typed sequenceNumber/chunk/timestamp;
 *  - service → caller: received audio is "played" at real time from when it arrives; a `mark`
 *    is echoed when playback passes it; `clear` drops unplayed audio and echoes every pending
 *    mark at once, as Twilio does.
 * Protocol: https://www.twilio.com/docs/voice/media-streams/websocket-messages
 */
import twilio from 'twilio';
import WebSocket from 'ws';
import type { Clock, Timer } from '../../src/lib/clock.js';

export interface WebhookAnswer {
  status: number;
  body: string;
  streamUrl?: string;
  parameters: Record<string, string>;
}

/** Posts a form-encoded, signed webhook the way Twilio does (signature over PUBLIC_URL + path). */
export async function postSignedWebhook(options: {
  localBaseUrl: string;
  publicUrl: string;
  path: string;
  authToken: string;
  params: Record<string, string>;
  /** Override the signature (e.g. a wrong one); `null` sends none. */
  signature?: string | null;
}): Promise<WebhookAnswer> {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.authToken, `${options.publicUrl}${options.path}`, options.params)
      : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const res = await fetch(`${options.localBaseUrl}${options.path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(options.params).toString(),
  });
  const body = await res.text();
  return { status: res.status, body, ...parseStreamTwiml(body) };
}

function unescapeXml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Reads <Connect><Stream url> and its <Parameter>s out of TwiML. */
export function parseStreamTwiml(xml: string): { streamUrl?: string; parameters: Record<string, string> } {
  const parameters: Record<string, string> = {};
  const connect = /<Connect>([\s\S]*?)<\/Connect>/.exec(xml)?.[1];
  if (!connect) return { parameters };
  const url = /<Stream\b[^>]*\burl="([^"]*)"/.exec(connect)?.[1];
  for (const m of connect.matchAll(/<Parameter\b[^>]*\bname="([^"]*)"[^>]*\bvalue="([^"]*)"/g)) {
    parameters[unescapeXml(m[1] ?? '')] = unescapeXml(m[2] ?? '');
  }
  return url === undefined ? { parameters } : { streamUrl: unescapeXml(url), parameters };
}

export interface ReceivedFrame {
  /** Clock time the frame arrived. */
  atMs: number;
  bytes: Buffer;
}

interface PlayItem {
  kind: 'audio' | 'mark';
  bytes?: Buffer;
  name?: string;
}

export interface PhoneStreamOptions {
  /** Where to connect (the local server), e.g. ws://127.0.0.1:PORT/twilio/media. */
  localWsUrl: string;
  /** The stream URL as written in the TwiML; the upgrade is signed over it. */
  signedUrl: string;
  authToken: string;
  clock: Clock;
  callSid?: string;
  streamSid?: string;
  customParameters?: Record<string, string>;
  /** Override the upgrade signature; `null` sends none. */
  signature?: string | null;
}

const FRAME_BYTES = 160;
const FRAME_MS = 20;

/** One Media Streams connection as Twilio would hold it. */
export class PhoneStream {
  readonly received: ReceivedFrame[] = [];
  readonly marksEchoed: { name: string; atMs: number; cleared: boolean }[] = [];
  readonly clears: number[] = [];
  /** Audio the caller actually heard, in play order, with when each frame started playing. */
  readonly heard: ReceivedFrame[] = [];
  /** Frames of the caller's queued speech as sent, at their media timestamps (silent frames are not kept). */
  readonly spoken: ReceivedFrame[] = [];
  readonly unexpected: string[] = [];
  closedByServer = false;
  closeCode: number | undefined;
  private socket: WebSocket | undefined;
  private readonly options: PhoneStreamOptions;
  readonly streamSid: string;
  private readonly callSid: string;
  private seq = 0;
  private chunk = 0;
  private startedAt = 0;
  private callerAudio: Buffer = Buffer.alloc(0);
  private mediaTimer: Timer | undefined;
  private playQueue: PlayItem[] = [];
  private playTimer: Timer | undefined;
  /** Clock time the frame playing now ends. */
  private playEndsAt = 0;
  private closeWaiters: (() => void)[] = [];

  constructor(options: PhoneStreamOptions) {
    this.options = options;
    this.streamSid = options.streamSid ?? `MZ${randomHex(32)}`;
    this.callSid = options.callSid ?? `CA${randomHex(32)}`;
  }

  /** Opens the signed socket; resolves on open, rejects with the HTTP status if refused. */
  connect(): Promise<void> {
    const signature =
      this.options.signature === undefined
        ? twilio.getExpectedTwilioSignature(this.options.authToken, this.options.signedUrl, {})
        : this.options.signature;
    const headers: Record<string, string> = signature === null ? {} : { 'x-twilio-signature': signature };
    const socket = new WebSocket(this.options.localWsUrl, { headers });
    this.socket = socket;
    socket.on('message', (data, isBinary) => this.onServerMessage(data.toString(), isBinary));
    socket.on('close', (code) => {
      this.closeCode = code;
      this.stopTimers();
      for (const wake of this.closeWaiters) wake();
      this.closeWaiters = [];
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Sends `connected` and `start`, then media every 20 ms on the clock. */
  start(): void {
    this.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.startedAt = this.options.clock.now();
    this.sendJson({
      event: 'start',
      sequenceNumber: String(++this.seq),
      streamSid: this.streamSid,
      start: {
        accountSid: `AC${'0'.repeat(32)}`,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: this.options.customParameters ?? {},
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    this.scheduleMedia();
  }

  /** Queues caller speech (μ-law 8 kHz); it goes out in the next frames, silence after. */
  say(mulaw: Buffer): void {
    this.callerAudio = Buffer.concat([this.callerAudio, mulaw]);
  }

  pressDigit(digit: string): void {
    this.sendJson({
      event: 'dtmf',
      sequenceNumber: String(++this.seq),
      streamSid: this.streamSid,
      dtmf: { track: 'inbound_track', digit },
    });
  }

  /** The caller hangs up: Twilio sends `stop` and closes the socket. */
  hangUp(): void {
    this.sendJson({
      event: 'stop',
      sequenceNumber: String(++this.seq),
      streamSid: this.streamSid,
      stop: { accountSid: `AC${'0'.repeat(32)}`, callSid: this.callSid },
    });
    this.stopTimers();
    this.socket?.close(1000);
  }

  /** Sends raw text or binary, for robustness tests. */
  sendRaw(data: string | Buffer): void {
    this.socket?.send(data);
  }

  /** Media time now, ms since start (what Twilio stamps on media). */
  mediaNowMs(): number {
    return this.options.clock.now() - this.startedAt;
  }

  whenClosed(): Promise<void> {
    if (this.socket?.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  get receivedBytes(): number {
    return this.received.reduce((n, f) => n + f.bytes.length, 0);
  }

  get heardBytes(): number {
    return this.heard.reduce((n, f) => n + f.bytes.length, 0);
  }

  /** Audio received but not yet played, ms. */
  get bufferedMs(): number {
    const bytes = this.playQueue.reduce((n, i) => n + (i.bytes?.length ?? 0), 0);
    return (bytes / 8000) * 1000;
  }

  private sendJson(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /**
   * Frame k (from 1) is due at start + k × 20 ms. On a real clock timers fire late, so each tick
   * sends every frame due by now: chained 20 ms timers would let the audio (and with it the
   * STT's audio axis) fall behind media time by a few percent.
   */
  private scheduleMedia(): void {
    const dueAt = this.startedAt + (this.chunk + 1) * FRAME_MS;
    this.mediaTimer = this.options.clock.setTimeout(() => {
      while (this.startedAt + (this.chunk + 1) * FRAME_MS <= this.options.clock.now()) this.sendFrame();
      this.scheduleMedia();
    }, dueAt - this.options.clock.now());
  }

  private sendFrame(): void {
    const frame = Buffer.alloc(FRAME_BYTES, 0xff);
    const speech = this.callerAudio.subarray(0, FRAME_BYTES);
    speech.copy(frame);
    this.callerAudio = this.callerAudio.subarray(speech.length);
    if (speech.length > 0) this.spoken.push({ atMs: (this.chunk + 1) * FRAME_MS, bytes: frame });
    this.sendJson({
      event: 'media',
      sequenceNumber: String(++this.seq),
      streamSid: this.streamSid,
      media: {
        track: 'inbound',
        chunk: String(++this.chunk),
        // The frame's own media time, as Twilio stamps it (not when a late timer sent it).
        timestamp: String(this.chunk * FRAME_MS),
        payload: frame.toString('base64'),
      },
    });
  }

  private onServerMessage(text: string, isBinary: boolean): void {
    if (isBinary) return void this.unexpected.push('binary');
    const msg = JSON.parse(text) as {
      event?: string;
      streamSid?: string;
      media?: { payload?: string };
      mark?: { name?: string };
    };
    if (msg.streamSid !== this.streamSid) this.unexpected.push(`wrong streamSid on ${msg.event}`);
    const now = this.options.clock.now();
    switch (msg.event) {
      case 'media': {
        const bytes = Buffer.from(msg.media?.payload ?? '', 'base64');
        this.received.push({ atMs: now, bytes });
        this.playQueue.push({ kind: 'audio', bytes });
        break;
      }
      case 'mark':
        this.playQueue.push({ kind: 'mark', name: msg.mark?.name ?? '' });
        break;
      case 'clear':
        this.clears.push(now);
        for (const item of this.playQueue) {
          if (item.kind === 'mark') this.marksEchoed.push({ name: item.name ?? '', atMs: now, cleared: true });
          if (item.kind === 'mark') this.sendMarkEcho(item.name ?? '');
        }
        this.playQueue = [];
        return;
      default:
        this.unexpected.push(`event ${msg.event}`);
        return;
    }
    this.play();
  }

  /**
   * Plays the queue at real time: one 20 ms frame per tick; marks echo when reached. Audio
   * that follows on without a gap keeps its own schedule (a late timer does not slow playback).
   */
  private play(continuing = false): void {
    if (this.playTimer) return;
    for (;;) {
      const item = this.playQueue[0];
      if (!item) return;
      if (item.kind === 'mark') {
        this.playQueue.shift();
        this.marksEchoed.push({ name: item.name ?? '', atMs: this.options.clock.now(), cleared: false });
        this.sendMarkEcho(item.name ?? '');
        continue;
      }
      this.playQueue.shift();
      const now = this.options.clock.now();
      const startAt = continuing ? Math.min(now, this.playEndsAt) : now;
      this.heard.push({ atMs: startAt, bytes: item.bytes ?? Buffer.alloc(0) });
      this.playEndsAt = startAt + ((item.bytes?.length ?? 0) / 8000) * 1000;
      this.playTimer = this.options.clock.setTimeout(() => {
        this.playTimer = undefined;
        this.play(true);
      }, this.playEndsAt - now);
      return;
    }
  }

  private sendMarkEcho(name: string): void {
    this.sendJson({ event: 'mark', sequenceNumber: String(++this.seq), streamSid: this.streamSid, mark: { name } });
  }

  private stopTimers(): void {
    this.mediaTimer?.cancel();
    this.playTimer?.cancel();
    this.mediaTimer = undefined;
    this.playTimer = undefined;
  }
}

function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 16).toString(16);
  return out;
}
