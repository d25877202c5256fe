/**
 * The fake Aura WebSocket, `/v1/speak` (docs/deepgram.md): `Speak` buffers text, `Flush`
 * synthesises the buffer (binary audio frames, same audio as REST with container=none) and then
 * answers `Flushed`, `Clear` drops buffered text and stops audio not yet sent and answers
 * `Cleared`, `Close` ends the session. `Metadata` is sent on open. Flushed/Cleared share one
 * sequence counter.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { type SpeakOptions, speakAudio, speakFirstByteMs, speakSleep } from './deepgram-speak.js';

export interface SpeakSocketRecord {
  readonly index: number;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Text of each Flush, in order. */
  readonly flushedTexts: readonly string[];
  readonly clears: number;
  readonly bytesSent: number;
  readonly closed: boolean;
}

export class SpeakSocketSession implements SpeakSocketRecord {
  readonly query: Readonly<Record<string, string>>;
  readonly flushedTexts: string[] = [];
  clears = 0;
  bytesSent = 0;
  closed = false;
  private buffered = '';
  private sequence = 0;
  /** Bumped by Clear: audio of an older flush stops being sent. */
  private epoch = 0;
  private work: Promise<void> = Promise.resolve();

  constructor(
    readonly index: number,
    private readonly ws: WebSocket,
    url: URL,
    readonly headers: IncomingHttpHeaders,
    private readonly options: SpeakOptions,
  ) {
    this.query = Object.fromEntries(url.searchParams);
  }

  start(): void {
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onControl(String(data as RawData));
    });
    this.ws.on('close', () => {
      this.closed = true;
    });
    this.sendJson({
      type: 'Metadata',
      request_id: randomUUID(),
      model_name: this.query.model ?? 'aura-2-thalia-en',
      model_version: 'fake',
      model_uuid: '00000000-0000-4000-8000-00000000a0a2',
    });
  }

  shutdown(): void {
    this.closed = true;
    this.ws.terminate();
  }

  private onControl(text: string): void {
    let message: { type?: unknown; text?: unknown };
    try {
      message = JSON.parse(text) as { type?: unknown; text?: unknown };
    } catch {
      return;
    }
    switch (message.type) {
      case 'Speak':
        if (typeof message.text === 'string') this.buffered += message.text;
        return;
      case 'Flush': {
        const flushed = this.buffered;
        this.buffered = '';
        this.flushedTexts.push(flushed);
        const epoch = this.epoch;
        this.work = this.work.then(() => this.speak(flushed, epoch));
        return;
      }
      case 'Clear':
        this.buffered = '';
        this.clears++;
        this.epoch++;
        this.work = this.work.then(() => this.sendJson({ type: 'Cleared', sequence_id: this.sequence++ }));
        return;
      case 'Close':
        this.work = this.work.then(() => this.ws.close(1000));
        return;
      default:
        this.sendJson({ type: 'Warning', code: 'UNKNOWN_MESSAGE', description: 'fake Deepgram ignored a message' });
    }
  }

  private async speak(text: string, epoch: number): Promise<void> {
    const { chunkBytes, realtimeFactor } = this.options;
    const audio = speakAudio(this.options, text);
    await speakSleep(this.options, speakFirstByteMs(this.options, text));
    for (let at = 0; at < audio.length && epoch === this.epoch && !this.closed; at += chunkBytes) {
      if (at > 0) await speakSleep(this.options, ((chunkBytes / 8000) * 1000) / realtimeFactor);
      if (epoch !== this.epoch || this.closed) break;
      const chunk = audio.subarray(at, at + chunkBytes);
      this.ws.send(chunk);
      this.bytesSent += chunk.length;
    }
    if (epoch === this.epoch) this.sendJson({ type: 'Flushed', sequence_id: this.sequence++ });
  }

  private sendJson(message: Record<string, unknown>): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }
}
