/**
 * The LLM port over any OpenAI-compatible Chat Completions endpoint, streamed, with tools.
 *
 * One attempt = one HTTP request with its own AbortController, bounded by two timers on the
 * injected clock: no text/tool token within `firstTokenTimeoutMs`, or not finished within
 * `requestTimeoutMs` → LLM_TIMEOUT. A transient failure (connection error, timeout,
 * 408/409/429/5xx) is retried once through withRetry, and only before the first token: once text
 * has gone to the caller (and maybe to the speaker) a retry would repeat it. The SDK's own retry
 * is off. The caller's abort ends the iterator quietly and cancels the HTTP request.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { type Clock, systemClock, type Timer } from '../lib/clock.js';
import { AppError, ErrorCodes, isAppError } from '../lib/errors.js';
import { withRetry } from '../lib/retry.js';
import type { Logger } from '../observability/logger.js';
import { ToolCallAssembler, toWireMessage, toWireTool } from './openai-wire.js';
import type { LlmProvider, ReplyDelta, ReplyRequest } from './reply-stream.js';

export interface OpenAiLlmOptions {
  apiKey: string;
  /** Endpoint including `/v1`. Default `https://api.openai.com/v1` (the SDK's env fallback is not used). */
  baseUrl?: string;
  model: string;
  /** Limit on one attempt, request sent → last chunk, ms. Default 8000. */
  requestTimeoutMs?: number;
  /** Limit from request sent to the first text or tool-call token, ms. Default 3000. */
  firstTokenTimeoutMs?: number;
  /** Pause before the one retry, ms. Default 100. */
  retryDelayMs?: number;
  /** Runs the timeouts and the retry pause. Default systemClock. */
  clock?: Clock;
  /** Gets counts and timings only, never message content. */
  logger?: Logger;
}

export const OPENAI_LLM_DEFAULTS = {
  baseUrl: 'https://api.openai.com/v1',
  requestTimeoutMs: 8000,
  firstTokenTimeoutMs: 3000,
  retryDelayMs: 100,
} as const;

/** The first attempt and one retry. */
const MAX_ATTEMPTS = 2;

type Expiry = 'first-token' | 'request';

/** One HTTP request: its controller, linked to the caller's signal, and its two timers. */
class Attempt {
  readonly controller = new AbortController();
  expired: Expiry | undefined;
  private readonly timers: Timer[];
  private readonly firstTokenTimer: Timer;

  constructor(
    clock: Clock,
    private readonly callerSignal: AbortSignal | undefined,
    limits: { requestTimeoutMs: number; firstTokenTimeoutMs: number },
  ) {
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.firstTokenTimer = clock.setTimeout(() => this.expire('first-token'), limits.firstTokenTimeoutMs);
    this.timers = [this.firstTokenTimer, clock.setTimeout(() => this.expire('request'), limits.requestTimeoutMs)];
  }

  gotFirstToken(): void {
    this.firstTokenTimer.cancel();
  }

  dispose(): void {
    for (const timer of this.timers) timer.cancel();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }

  private readonly onCallerAbort = (): void => this.controller.abort();

  private expire(kind: Expiry): void {
    if (this.controller.signal.aborted) return;
    this.expired = kind;
    this.controller.abort();
  }
}

interface OpenStream {
  attempt: Attempt;
  iterator: AsyncIterator<ChatCompletionChunk>;
  /** Chunks read while waiting for the first token, not yet handed on. */
  buffered: ChatCompletionChunk[];
  attemptNumber: number;
}

export class OpenAiLlm implements LlmProvider {
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly limits: { requestTimeoutMs: number; firstTokenTimeoutMs: number };
  private readonly retryDelayMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly baseUrl: string;
  private readonly apiKey: string;

  /**
   * Warms the HTTP connection pool the SDK's fetch shares: a cheap GET of `/models` (any
   * answer, even 404 from a server without it, leaves a kept-alive connection behind).
   */
  prepare(): void {
    fetch(`${this.baseUrl}/models`, { headers: { authorization: `Bearer ${this.apiKey}` } })
      .then((res) => res.body?.cancel())
      .catch((err: unknown) => this.logger?.debug({ err }, 'llm connection warm-up failed'));
  }

  constructor(options: OpenAiLlmOptions) {
    const requestTimeoutMs = options.requestTimeoutMs ?? OPENAI_LLM_DEFAULTS.requestTimeoutMs;
    this.limits = {
      requestTimeoutMs,
      firstTokenTimeoutMs: Math.min(
        requestTimeoutMs,
        options.firstTokenTimeoutMs ?? OPENAI_LLM_DEFAULTS.firstTokenTimeoutMs,
      ),
    };
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? OPENAI_LLM_DEFAULTS.baseUrl,
      organization: null,
      project: null,
      timeout: sdkTimeout(requestTimeoutMs),
      maxRetries: 0,
      // The SDK logs raw stream data on parse errors; content must not reach the console.
      logLevel: 'off',
    });
    this.model = options.model;
    this.retryDelayMs = options.retryDelayMs ?? OPENAI_LLM_DEFAULTS.retryDelayMs;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.baseUrl = options.baseUrl ?? OPENAI_LLM_DEFAULTS.baseUrl;
    this.apiKey = options.apiKey;
  }

  async *streamReply(request: ReplyRequest): AsyncGenerator<ReplyDelta> {
    const { signal } = request;
    if (signal?.aborted) return;
    const startedMs = this.clock.now();
    let stream: OpenStream;
    try {
      stream = await withRetry((attemptNumber) => this.open(request, attemptNumber), {
        attempts: MAX_ATTEMPTS,
        baseDelayMs: this.retryDelayMs,
        isRetryable: (err) => isAppError(err) && err.retryable,
        signal,
        clock: this.clock,
      });
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    const firstTokenMs = this.clock.now() - startedMs;
    try {
      yield* this.relay(stream, signal);
      const durationMs = this.clock.now() - startedMs;
      const aborted = signal?.aborted ?? false;
      this.logger?.info(
        { model: this.model, attempts: stream.attemptNumber, firstTokenMs, durationMs, aborted },
        'llm reply streamed',
      );
    } catch (err) {
      if (isAppError(err)) this.logger?.warn({ code: err.code, attempts: stream.attemptNumber }, 'llm reply failed');
      throw err;
    } finally {
      stream.attempt.dispose();
    }
  }

  /** Sends the request and reads up to the first token; failures here may be retried. */
  private async open(request: ReplyRequest, attemptNumber: number): Promise<OpenStream> {
    const attempt = new Attempt(this.clock, request.signal, this.limits);
    try {
      const body: ChatCompletionCreateParamsStreaming = {
        model: this.model,
        messages: request.messages.map(toWireMessage),
        ...(request.tools && request.tools.length > 0 ? { tools: request.tools.map(toWireTool) } : {}),
        stream: true,
        stream_options: { include_usage: true },
      };
      const sdkStream = await this.client.chat.completions.create(body, {
        signal: attempt.controller.signal,
        timeout: sdkTimeout(this.limits.requestTimeoutMs),
        maxRetries: 0,
      });
      const iterator = sdkStream[Symbol.asyncIterator]();
      const buffered: ChatCompletionChunk[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        buffered.push(next.value);
        if (carriesToken(next.value)) break;
      }
      // The SDK ends a stream quietly when its signal aborts: find out why it ended.
      if (attempt.controller.signal.aborted) throw this.failure(undefined, attempt);
      attempt.gotFirstToken();
      return { attempt, iterator, buffered, attemptNumber };
    } catch (err) {
      attempt.dispose();
      if (request.signal?.aborted) throw err;
      const failure = this.failure(err, attempt);
      this.logger?.warn({ code: failure.code, status: statusOf(err), attempt: attemptNumber }, 'llm attempt failed');
      throw failure;
    }
  }

  /** Hands on text as it arrives, then the reassembled tool calls, then `done`. */
  private async *relay(stream: OpenStream, signal: AbortSignal | undefined): AsyncGenerator<ReplyDelta> {
    const toolCalls = new ToolCallAssembler();
    let finishReason: string | undefined;
    let usage: ChatCompletionChunk['usage'];
    const pending = [...stream.buffered];
    for (;;) {
      let chunk = pending.shift();
      if (!chunk) {
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await stream.iterator.next();
        } catch (err) {
          if (signal?.aborted) return;
          throw this.failure(err, stream.attempt);
        }
        if (next.done) break;
        chunk = next.value;
      }
      if (signal?.aborted) return;
      usage = chunk.usage ?? usage;
      const choice = chunk.choices.find((c) => c.index === 0);
      if (!choice) continue;
      if (choice.delta.content) yield { type: 'text', text: choice.delta.content };
      const fragments = choice.delta.tool_calls ?? [];
      // The text is over once tool calls stream; say so now, their arguments take a while.
      if (fragments.length > 0 && toolCalls.size === 0) yield { type: 'text-ended' };
      for (const fragment of fragments) toolCalls.add(fragment);
      finishReason = choice.finish_reason ?? finishReason;
    }
    if (signal?.aborted) return;
    if (stream.attempt.controller.signal.aborted) throw this.failure(undefined, stream.attempt);
    if (finishReason === undefined) {
      throw new AppError(ErrorCodes.LLM_REQUEST_FAILED, 'LLM stream ended without a finish_reason', {
        retryable: true,
      });
    }
    const calls = toolCalls.finish();
    for (const call of calls) yield { type: 'tool-call', call };
    this.logger?.debug(
      {
        finishReason,
        toolCalls: calls.map((c) => c.name),
        promptTokens: usage?.prompt_tokens,
        completionTokens: usage?.completion_tokens,
      },
      'llm reply finished',
    );
    yield { type: 'done', finishReason };
  }

  /** Maps whatever ended an attempt to an AppError with the right code and retryability. */
  private failure(err: unknown, attempt: Attempt): AppError {
    if (isAppError(err)) return err;
    if (attempt.expired === 'first-token') {
      const message = `LLM sent no token within ${this.limits.firstTokenTimeoutMs} ms`;
      return new AppError(ErrorCodes.LLM_TIMEOUT, message, { retryable: true, cause: err });
    }
    if (attempt.expired === 'request' || err instanceof APIConnectionTimeoutError) {
      const message = `LLM reply not complete within ${this.limits.requestTimeoutMs} ms`;
      return new AppError(ErrorCodes.LLM_TIMEOUT, message, { retryable: true, cause: err });
    }
    if (err instanceof APIConnectionError) {
      return new AppError(ErrorCodes.LLM_REQUEST_FAILED, 'LLM connection failed', { retryable: true, cause: err });
    }
    if (err instanceof APIError) {
      const status = err.status;
      // No status: an `error` object inside a 200 stream, a server-side failure.
      const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
      const message =
        status === undefined ? 'LLM stream reported an error' : `LLM request failed with status ${status}`;
      return new AppError(ErrorCodes.LLM_REQUEST_FAILED, message, { retryable, cause: err });
    }
    // Anything else broke the stream itself (connection reset mid-body, garbled data).
    return new AppError(ErrorCodes.LLM_REQUEST_FAILED, 'LLM stream failed', { retryable: true, cause: err });
  }
}

/** A chunk that carries text or a tool-call fragment, i.e. more than the opening role chunk. */
function carriesToken(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some(
    (c) => Boolean(c.delta.content) || (c.delta.tool_calls?.length ?? 0) > 0 || c.finish_reason !== null,
  );
}

function statusOf(err: unknown): number | undefined {
  return err instanceof APIError ? err.status : undefined;
}

/** The SDK bounds the wait for response headers; it requires a positive whole number. */
function sdkTimeout(ms: number): number {
  return Math.max(1, Math.round(ms));
}
