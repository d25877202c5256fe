/**
 * Watches the provider fakes at their wire, in this process, on performance.now(): when each
 * request to the fake OpenAI (`/v1/chat/completions`) and Deepgram speak (`/v1/speak`)
 * endpoints had fully arrived and what it asked for, and when each part of the answer was
 * written. This is how the benchmark times our own processing between providers without a
 * hook in the product.
 *
 * Bench-only instrumentation: it wraps Node's `IncomingMessage.push` (the HTTP parser pushes
 * request bodies through it) and `ServerResponse.write`/`end`, for those two paths only.
 */
import http from 'node:http';

interface WireMessage {
  role: string;
  content?: unknown;
}

/** One Chat Completions request as the fake OpenAI server saw it. */
export interface TappedLlmRequest {
  /** performance.now() when the whole body had arrived. */
  arrivedAt: number;
  body: { messages: WireMessage[]; tools?: unknown[] } & Record<string, unknown>;
  /** Each streamed event as written: its text delta ('' for none), and whether it carried a tool call. */
  writes: { atMs: number; content: string; toolCall: boolean }[];
  /** When the answer ended (undefined: the client went away first). */
  endedAt?: number;
}

/** One speak request as the fake Deepgram saw it. */
export interface TappedTtsRequest {
  arrivedAt: number;
  text: string;
  /** performance.now() of the first audio write. */
  firstAudioAt?: number;
  endedAt?: number;
}

type Tapped = { kind: 'llm'; record: TappedLlmRequest } | { kind: 'tts'; record: TappedTtsRequest };

const LLM_PATH = '/v1/chat/completions';
const TTS_PATH = '/v1/speak';

export class WireTap {
  readonly llm: TappedLlmRequest[] = [];
  readonly tts: TappedTtsRequest[] = [];
  private readonly bodies = new WeakMap<http.IncomingMessage, Buffer[]>();
  private readonly byRequest = new WeakMap<http.IncomingMessage, Tapped>();
  private restore: (() => void) | undefined;

  install(): void {
    if (this.restore) return;
    const tap = this;
    const proto = http.IncomingMessage.prototype;
    const resProto = http.ServerResponse.prototype;
    const push = proto.push;
    const write = resProto.write;
    const end = resProto.end;
    proto.push = function (this: http.IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
      tap.onBody(this, chunk);
      return push.call(this, chunk, encoding);
    };
    resProto.write = function (this: http.ServerResponse, ...args: unknown[]): boolean {
      tap.onWrite(this, args[0], false);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof write;
    resProto.end = function (this: http.ServerResponse, ...args: unknown[]): http.ServerResponse {
      tap.onWrite(this, typeof args[0] === 'function' ? undefined : args[0], true);
      return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    } as typeof end;
    this.restore = () => {
      proto.push = push;
      resProto.write = write;
      resProto.end = end;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
  }

  private onBody(req: http.IncomingMessage, chunk: unknown): void {
    const url = req.url;
    if (!url || !(url.startsWith(LLM_PATH) || url.startsWith(TTS_PATH))) return;
    if (chunk !== null) {
      const parts = this.bodies.get(req) ?? [];
      parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      this.bodies.set(req, parts);
      return;
    }
    const arrivedAt = performance.now();
    const text = Buffer.concat(this.bodies.get(req) ?? []).toString('utf8');
    this.bodies.delete(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    if (url.startsWith(LLM_PATH) && Array.isArray((parsed as { messages?: unknown }).messages)) {
      const record: TappedLlmRequest = { arrivedAt, body: parsed as TappedLlmRequest['body'], writes: [] };
      this.llm.push(record);
      this.byRequest.set(req, { kind: 'llm', record });
    } else if (url.startsWith(TTS_PATH) && typeof (parsed as { text?: unknown }).text === 'string') {
      const record: TappedTtsRequest = { arrivedAt, text: (parsed as { text: string }).text };
      this.tts.push(record);
      this.byRequest.set(req, { kind: 'tts', record });
    }
  }

  private onWrite(res: http.ServerResponse, chunk: unknown, ending: boolean): void {
    const tapped = res.req ? this.byRequest.get(res.req) : undefined;
    if (!tapped) return;
    const atMs = performance.now();
    if (tapped.kind === 'tts') {
      if (chunk && res.statusCode === 200) tapped.record.firstAudioAt ??= atMs;
      if (ending) tapped.record.endedAt = atMs;
      return;
    }
    if (typeof chunk === 'string') tapped.record.writes.push({ atMs, ...parseSse(chunk) });
    if (ending) tapped.record.endedAt = atMs;
  }
}

/** The text delta and tool-call presence of one `data: …` server-sent event. */
function parseSse(event: string): { content: string; toolCall: boolean } {
  const data = event.replace(/^data: /, '').trim();
  if (data === '[DONE]') return { content: '', toolCall: false };
  try {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: unknown; tool_calls?: unknown } }[] };
    const delta = chunk.choices?.[0]?.delta;
    return {
      content: typeof delta?.content === 'string' ? delta.content : '',
      toolCall: delta?.tool_calls !== undefined,
    };
  } catch {
    return { content: '', toolCall: false };
  }
}

/** The text of the last `user` message of a request: the candidate line it answers. */
export function lastUserText(request: TappedLlmRequest): string | undefined {
  const user = [...request.body.messages].reverse().find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : undefined;
}

/** All text the answer streamed. */
export function streamedText(request: TappedLlmRequest): string {
  return request.writes.map((w) => w.content).join('');
}
