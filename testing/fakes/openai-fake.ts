/**
 * A local OpenAI-compatible Chat Completions server that speaks the real wire protocol, so the
 * real `openai` SDK (and our adapter) run against it. Listens on 127.0.0.1, port 0.
 *
 *   const fake = await startOpenAiFake({ respond: (req, i) => ({ text: 'Hello there.' }) });
 *   new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseUrl });   // baseUrl ends in /v1
 *   …
 *   fake.requests[0].body.messages; fake.requests[0].aborted; await fake.close();
 *
 * Endpoint: `POST /v1/chat/completions`. `stream: true` answers `text/event-stream`: a role
 * chunk (`delta.role`, empty content), text in ~`charsPerToken`-char pieces, each tool call as
 * fragments keyed by `index` (id/type/name first, then `arguments` in slices), a chunk with
 * `finish_reason` (`stop`, or `tool_calls` when the reply has calls), a usage chunk with empty
 * `choices` if `stream_options.include_usage`, then `data: [DONE]`. Without `stream` it answers
 * a `chat.completion` object. Other paths: 404 JSON error.
 *
 * Auth: `Authorization: Bearer <apiKey>` or 401 `{error:{message,type,param,code:'invalid_api_key'}}`
 * (recorded in `requests` with status 401; `respond` is not called for it).
 *
 * Scripting: `respond(request, index)` returns a FakeReply (`index` counts only the requests that
 * reached `respond`, from 0). Use `replyInOrder(a, b, …)` for a fixed script (the last repeats).
 * - `{ text?, toolCalls?, finishReason? }` — a normal reply (text first, then calls);
 *   `pieces: [{ text, afterMs }]` instead of `text` streams exactly those pieces at those times
 *   after the first one (replay of a recorded reply; `firstTokenMs` then times the first);
 *   `stallAfterChunks: n` sends n chunks (role chunk included) then holds the socket open;
 *   `dropAfterChunks: n` sends n chunks then destroys the socket (connection lost mid-stream).
 * - `{ status, error? }` — an HTTP error with the API's error JSON.
 * - `{ hang: true }` — never answers (not even headers), for timeout tests.
 *
 * Timing (real timers, they model the network, or the `clock` option's): headers go out at once,
 * the first chunk after `firstTokenMs` (default 0), every later chunk `tokenIntervalMs` apart
 * (default 0). A reply may override both.
 *
 * Inspection: `requests` (body, headers, status, `aborted` = the client closed the connection
 * before the answer was complete, `completed`), `waitForRequests(n)`, `waitForClose(i)`.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Clock } from '../../src/lib/clock.js';
import {
  buildCompletion,
  buildStreamChunks,
  defaultError,
  errorBody,
  type FakeToolCall,
  type StreamPlan,
  sseEvent,
} from './openai-fake-wire.js';

export type { FakeToolCall } from './openai-fake-wire.js';

export interface FakeTiming {
  /** Delay from the request to the first stream chunk, ms. */
  firstTokenMs?: number;
  /** Delay between later stream chunks, ms. */
  tokenIntervalMs?: number;
}

/** One streamed text piece of a replayed reply. */
export interface FakeTextPiece {
  text: string;
  /** ms after the request; only the differences between pieces are used (see `firstTokenMs`). */
  afterMs: number;
}

export interface FakeTextReply extends FakeTiming {
  text?: string;
  /** Exact text pieces with their recorded times; replaces `text` (and `charsPerToken`) when set. */
  pieces?: FakeTextPiece[];
  toolCalls?: FakeToolCall[];
  /** Default `tool_calls` when there are calls, else `stop`. */
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  /** Send this many chunks, then keep the socket open without writing more. */
  stallAfterChunks?: number;
  /** Send this many chunks, then destroy the socket. */
  dropAfterChunks?: number;
}

export interface FakeErrorReply {
  status: number;
  error?: { message: string; type: string; code: string | null };
}

export interface FakeHangReply {
  hang: true;
}

export type FakeReply = FakeTextReply | FakeErrorReply | FakeHangReply;

export interface FakeRequest {
  /** Position in `requests`, from 0. */
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (not validated beyond being an object with `messages`). */
  body: ChatCompletionCreateParams;
  /** HTTP status answered (200 for streams), undefined while the answer has not started. */
  status: number | undefined;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
  /** The answer was written in full. */
  completed: boolean;
  /** The reply this request got from `respond`, if it reached it. */
  reply: FakeReply | undefined;
}

export interface OpenAiFakeOptions extends FakeTiming {
  /** Expected bearer key. Default `test-key`. */
  apiKey?: string;
  /** Chooses each answer. Default: `{ text: 'Hello from the fake.' }`. */
  respond?: (request: FakeRequest, index: number) => FakeReply | Promise<FakeReply>;
  /** Characters per streamed text piece. Default 4. */
  charsPerToken?: number;
  /**
   * Times the delays (`firstTokenMs`, `tokenIntervalMs`, pieces) on this clock, e.g. a
   * ManualClock, so a replay stepped on it is deterministic. Default real timers.
   */
  clock?: Clock;
}

export interface OpenAiFake {
  /** `http://127.0.0.1:PORT/v1`, the SDK's `baseURL`. */
  baseUrl: string;
  apiKey: string;
  requests: FakeRequest[];
  /** Requests whose connection the client closed before the answer was complete. */
  readonly abortedCount: number;
  /** Resolves once at least `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Resolves once request `seq` is over (completed or aborted). */
  waitForClose(seq: number): Promise<FakeRequest>;
  /** Closes the server and every open connection (hanging requests included); idempotent. */
  close(): Promise<void>;
}

/** A `respond` that answers with the given replies in order; the last one repeats. */
export function replyInOrder(...replies: FakeReply[]): (request: FakeRequest, index: number) => FakeReply {
  if (replies.length === 0) throw new Error('replyInOrder needs at least one reply');
  return (_request, index) => replies[Math.min(index, replies.length - 1)]!;
}

const DEFAULT_REPLY: FakeReply = { text: 'Hello from the fake.' };

export async function startOpenAiFake(options: OpenAiFakeOptions = {}): Promise<OpenAiFake> {
  const apiKey = options.apiKey ?? 'test-key';
  const respond = options.respond ?? (() => DEFAULT_REPLY);
  const requests: FakeRequest[] = [];
  const closed = new Map<number, () => void>();
  const closedPromises = new Map<number, Promise<void>>();
  const arrivalWaiters: (() => void)[] = [];
  let replied = 0;
  let callCounter = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody({ message: String(err), type: 'server_error', code: null }));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(
        res,
        404,
        errorBody({ message: `Unknown route ${req.method} ${path}`, type: 'invalid_request_error', code: null }),
      );
      return;
    }
    const body = parseBody(raw);
    const record: FakeRequest = {
      seq: requests.length,
      method: req.method,
      path,
      headers: req.headers,
      body: body ?? ({ model: '', messages: [] } as ChatCompletionCreateParams),
      status: undefined,
      aborted: false,
      completed: false,
      reply: undefined,
    };
    track(record, res);
    requests.push(record);
    for (const wake of arrivalWaiters.splice(0)) wake();

    if (req.headers.authorization !== `Bearer ${apiKey}`) return answerError(record, res, 401, defaultError(401));
    if (!body)
      return answerError(record, res, 400, { ...defaultError(400), message: 'Body must be JSON with messages.' });

    const reply = await respond(record, replied++);
    record.reply = reply;
    if ('hang' in reply) return; // never answers; the socket stays open until the client gives up
    if ('status' in reply) return answerError(record, res, reply.status, reply.error ?? defaultError(reply.status));
    const plan = planFor(reply, body, record.seq);
    if (body.stream === true) await streamAnswer(record, res, reply, plan);
    else {
      record.status = 200;
      sendJson(res, 200, JSON.stringify(buildCompletion(plan)));
    }
  }

  function planFor(reply: FakeTextReply, body: ChatCompletionCreateParams, seq: number): StreamPlan {
    const toolCalls = (reply.toolCalls ?? []).map((c) => ({
      id: c.id ?? `call_${++callCounter}`,
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
    }));
    return {
      text: reply.pieces ? reply.pieces.map((p) => p.text).join('') : (reply.text ?? ''),
      ...(reply.pieces ? { textPieces: reply.pieces.map((p) => p.text) } : {}),
      toolCalls,
      finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      model: body.model,
      completionId: `chatcmpl-fake${seq}`,
      createdSec: Math.floor(Date.now() / 1000),
      includeUsage: body.stream_options?.include_usage === true,
      promptTokens: Math.ceil(JSON.stringify(body.messages).length / 4),
      charsPerToken: options.charsPerToken ?? 4,
    };
  }

  async function streamAnswer(record: FakeRequest, res: ServerResponse, reply: FakeTextReply, plan: StreamPlan) {
    record.status = 200;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': `req_fake${record.seq}`,
    });
    res.flushHeaders();
    const firstMs = reply.firstTokenMs ?? options.firstTokenMs ?? 0;
    const intervalMs = reply.tokenIntervalMs ?? options.tokenIntervalMs ?? 0;
    const chunks = buildStreamChunks(plan);
    const pieces = reply.pieces ?? [];
    // Chunk 0 is the role chunk; chunks 1..pieces.length carry the pieces.
    const delayOf = (i: number): number => {
      if (i === 0) return firstMs;
      const piece = pieces[i - 1];
      const before = pieces[i - 2];
      if (piece) return before ? Math.max(0, piece.afterMs - before.afterMs) : 0;
      return intervalMs;
    };
    for (const [i, chunk] of chunks.entries()) {
      if (reply.stallAfterChunks === i) return;
      if (reply.dropAfterChunks === i) {
        res.destroy();
        return;
      }
      await pause(delayOf(i), options.clock);
      if (res.destroyed) return;
      // Wait until it is handed to the socket, so a later drop cannot swallow it.
      await new Promise<void>((resolve) => res.write(sseEvent(chunk), () => resolve()));
    }
    res.end(sseEvent('[DONE]'));
  }

  function answerError(record: FakeRequest, res: ServerResponse, status: number, error: FakeErrorReply['error']) {
    record.status = status;
    sendJson(res, status, errorBody(error ?? defaultError(status)));
  }

  function track(record: FakeRequest, res: ServerResponse): void {
    closedPromises.set(record.seq, new Promise<void>((resolve) => closed.set(record.seq, resolve)));
    res.on('finish', () => {
      record.completed = true;
    });
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
      closed.get(record.seq)?.();
    });
  }

  async function waitForRequests(count: number): Promise<void> {
    while (requests.length < count) await new Promise<void>((resolve) => arrivalWaiters.push(resolve));
  }

  let closing: Promise<void> | undefined;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    get abortedCount() {
      return requests.filter((r) => r.aborted).length;
    },
    waitForRequests,
    async waitForClose(seq) {
      await waitForRequests(seq + 1);
      await closedPromises.get(seq);
      return requests[seq]!;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function parseBody(raw: string): ChatCompletionCreateParams | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { messages?: unknown }).messages)) {
      return undefined;
    }
    return parsed as ChatCompletionCreateParams;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(json);
}

/** A delay (on `clock` when given) when asked; otherwise one macrotask, so a client abort is seen between chunks. */
function pause(ms: number, clock: Clock | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) setImmediate(resolve);
    else if (clock) clock.setTimeout(resolve, ms);
    else setTimeout(resolve, ms);
  });
}
