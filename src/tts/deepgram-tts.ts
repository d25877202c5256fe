/**
 * Deepgram Aura REST text-to-speech (`POST /v1/speak`) behind the Synthesizer port, via
 * `@deepgram/sdk` v5. Asks for raw μ-law 8 kHz (`container=none`: without it the first 44
 * bytes would be a WAV header, played to the caller as a click) and yields the response body
 * chunk by chunk as it arrives, so playback starts at the first byte.
 *
 * Connection reuse: the SDK calls Node's global fetch (undici), whose default agent keeps
 * HTTP/1.1 connections alive per origin, so the sentences of a call reuse pooled connections
 * and skip the TCP/TLS handshake (tests check this against the fake). A request aborted
 * mid-body closes its connection; the next request opens a new one.
 *
 * Retries: the SDK's own retries are turned off; one retry through withRetry, and only before
 * the first byte (after that, audio has been played and a retry would repeat it).
 */
import { DeepgramClient, DeepgramError, DeepgramTimeoutError } from '@deepgram/sdk';
import type { Clock } from '../lib/clock.js';
import { AppError, ErrorCodes, isAbortError } from '../lib/errors.js';
import { withRetry } from '../lib/retry.js';
import type { Logger } from '../observability/logger.js';
import type { SynthesizeOptions, Synthesizer } from './synthesizer.js';

export interface DeepgramTtsOptions {
  apiKey: string;
  /** Deepgram base URL, `http(s)://host[:port]`. Default `https://api.deepgram.com`. */
  apiUrl?: string;
  /** Aura voice, e.g. 'aura-2-thalia-en'. */
  model: string;
  logger: Logger;
  /** Runs the wait before the retry (a ManualClock in tests). */
  clock: Clock;
  /** Wait before the one retry, ms. Default 200. */
  retryDelayMs?: number;
  /** Longest wait for the response headers, ms. Default 10000. */
  requestTimeoutMs?: number;
}

type AudioReader = ReadableStreamDefaultReader<Uint8Array>;

export class DeepgramTts implements Synthesizer {
  private readonly client: DeepgramClient;

  constructor(private readonly options: DeepgramTtsOptions) {
    this.client = new DeepgramClient({ apiKey: options.apiKey, baseUrl: options.apiUrl ?? 'https://api.deepgram.com' });
  }

  async *synthesize(text: string, options: SynthesizeOptions = {}): AsyncIterable<Buffer> {
    const { signal } = options;
    if (signal?.aborted) return;
    let opened: { reader: AudioReader; first: Uint8Array | undefined };
    try {
      opened = await withRetry(() => this.openStream(text, signal), {
        attempts: 2,
        baseDelayMs: this.options.retryDelayMs ?? 200,
        isRetryable: (err) => err instanceof AppError && err.retryable,
        signal,
        clock: this.options.clock,
      });
    } catch (err) {
      if (signal?.aborted || isAbortError(err)) return;
      throw err;
    }
    const { reader } = opened;
    let done = opened.first === undefined;
    try {
      if (opened.first) yield Buffer.from(opened.first);
      while (!done) {
        const next = await reader.read();
        done = next.done;
        if (next.value && next.value.length > 0) yield Buffer.from(next.value);
      }
    } catch (err) {
      if (signal?.aborted || isAbortError(err)) return;
      throw new AppError(ErrorCodes.TTS_REQUEST_FAILED, 'Deepgram TTS stream broke mid-audio', { cause: err });
    } finally {
      // Stopping early (abort, or the consumer broke out) cancels the body and its connection.
      if (!done) await reader.cancel().catch(() => {});
    }
  }

  /** Sends the request and waits for the first audio bytes (so a failure before them can be retried). */
  private async openStream(
    text: string,
    signal: AbortSignal | undefined,
  ): Promise<{ reader: AudioReader; first: Uint8Array | undefined }> {
    let reader: AudioReader | undefined;
    try {
      const response = await this.client.speak.v1.audio.generate(
        { text, model: this.options.model, encoding: 'mulaw', sample_rate: 8000, container: 'none' },
        {
          maxRetries: 0,
          timeoutInSeconds: (this.options.requestTimeoutMs ?? 10_000) / 1000,
          ...(signal && { abortSignal: signal }),
        },
      );
      const body = response.stream();
      if (!body) throw new AppError(ErrorCodes.TTS_REQUEST_FAILED, 'Deepgram TTS answered without a body');
      reader = body.getReader();
      const first = await reader.read();
      return { reader, first: first.done ? undefined : first.value };
    } catch (err) {
      await reader?.cancel().catch(() => {});
      if (signal?.aborted || isAbortError(err)) throw err;
      const error = toTtsError(err);
      this.options.logger.warn({ err: error, retryable: error.retryable }, 'tts request failed');
      throw error;
    }
  }
}

/** 5xx, 408, 429, timeouts (TTS_TIMEOUT) and network failures may succeed on a retry; other statuses will not. */
function toTtsError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof DeepgramTimeoutError) {
    return new AppError(ErrorCodes.TTS_TIMEOUT, 'Deepgram TTS timed out', { retryable: true, cause: err });
  }
  if (err instanceof DeepgramError && err.statusCode !== undefined) {
    const status = err.statusCode;
    const retryable = status >= 500 || status === 408 || status === 429;
    return new AppError(ErrorCodes.TTS_REQUEST_FAILED, `Deepgram TTS answered ${status}`, { retryable, cause: err });
  }
  return new AppError(ErrorCodes.TTS_REQUEST_FAILED, 'Deepgram TTS request failed', { retryable: true, cause: err });
}
