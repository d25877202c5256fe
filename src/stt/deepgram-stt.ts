/**
 * Deepgram live speech-to-text (v1 `/v1/listen`) behind the SttProvider port, via
 * `@deepgram/sdk` v5. Twilio's audio goes as it arrives: μ-law 8 kHz mono, no transcoding.
 *
 * Model: `nova-3` by default. Deepgram has no separate phone model for Nova-3; its general
 * model is trained on narrow-band (8 kHz) telephone audio too and is Deepgram's recommended
 * streaming model, so it is used for calls (`nova-2-phonecall` remains an override).
 */
import { DeepgramClient } from '@deepgram/sdk';
import { type Clock, systemClock } from '../lib/clock.js';
import { omitUndefined } from '../lib/omit-undefined.js';
import type { Logger } from '../observability/logger.js';
import { DeepgramSttStream } from './deepgram-stt-stream.js';
import type { SttOpenOptions, SttProvider, SttStream } from './stt-stream.js';

export interface DeepgramSttOptions {
  apiKey: string;
  /** Deepgram base URL, `http(s)://host[:port]`; the socket URL is derived from it. Default `https://api.deepgram.com`. */
  apiUrl?: string;
  /** Default 'nova-3' (see the module comment). */
  model?: string;
  /** Silence that ends speech (`speech_final`), ms. Default 300. */
  endpointingMs?: number;
  /** Gap after the last final word before `UtteranceEnd`, ms (Deepgram's minimum is 1000). Default 1000. */
  utteranceEndMs?: number;
  logger: Logger;
  /** Default systemClock. */
  clock?: Clock;
  /** KeepAlive when nothing was sent for this long, ms (so at most twice this between sends; Deepgram drops at 10 s). Default 4000. */
  keepAliveIntervalMs?: number;
  /** Caller audio before a drop that is resent after the reconnect, ms (audio arriving while no socket is open is all kept). Default 5000. */
  resendBufferMs?: number;
  /** Connection attempts per (re)connect, and drops without any message tolerated before giving up. Default 3. */
  connectAttempts?: number;
  /** Back-off before the second connection attempt, ms; doubles. Default 250. */
  reconnectBaseDelayMs?: number;
  /** Time allowed for the WebSocket handshake, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** How long close() waits for Deepgram's final results after CloseStream, ms. Default 2000. */
  closeTimeoutMs?: number;
  /**
   * Audio a message to Deepgram carries, ms, in whole 20 ms frames. Default 40: one message per
   * Twilio frame was the largest CPU cost under load (a write on both sides each 20 ms of every
   * call); two frames a message halve it for 10 ms of added delay on average (Deepgram advises
   * 20–250 ms a message).
   */
  audioChunkMs?: number;
  /**
   * The same while the caller has been quiet a while (`AudioPace` 'quiet'), ms. Default 160:
   * most of a call the caller listens, and then a quarter as many messages go out; the wait
   * costs no delay, since the first frame that is not quiet takes what waited with it at once.
   */
  quietAudioChunkMs?: number;
}

/** μ-law 8 kHz mono: one byte a sample. */
const BYTES_PER_SECOND = 8000;

export const DEEPGRAM_STT_DEFAULTS = {
  apiUrl: 'https://api.deepgram.com',
  model: 'nova-3',
  endpointingMs: 300,
  utteranceEndMs: 1000,
  keepAliveIntervalMs: 4000,
  resendBufferMs: 5000,
  connectAttempts: 3,
  reconnectBaseDelayMs: 250,
  connectTimeoutMs: 5000,
  closeTimeoutMs: 2000,
  audioChunkMs: 40,
  quietAudioChunkMs: 160,
} as const;

export class DeepgramStt implements SttProvider {
  private readonly client: DeepgramClient;

  constructor(private readonly options: DeepgramSttOptions) {
    this.client = new DeepgramClient({
      apiKey: options.apiKey,
      baseUrl: options.apiUrl ?? DEEPGRAM_STT_DEFAULTS.apiUrl,
    });
  }

  open(handlers: SttOpenOptions): SttStream {
    const o = { ...DEEPGRAM_STT_DEFAULTS, ...omitUndefined(this.options) };
    const stream = new DeepgramSttStream(
      {
        client: this.client,
        connectArgs: {
          model: o.model,
          encoding: 'mulaw',
          sample_rate: 8000,
          channels: 1,
          interim_results: 'true',
          endpointing: o.endpointingMs,
          utterance_end_ms: o.utteranceEndMs,
          vad_events: 'true',
          smart_format: 'true',
          punctuate: 'true',
          // Typed as required by the SDK but unused: the client's apiKey sets the header.
          Authorization: `Token ${o.apiKey}`,
        },
        clock: o.clock ?? systemClock,
        logger: o.logger,
        keepAliveIntervalMs: o.keepAliveIntervalMs,
        resendBufferMs: o.resendBufferMs,
        connectAttempts: o.connectAttempts,
        reconnectBaseDelayMs: o.reconnectBaseDelayMs,
        connectTimeoutMs: o.connectTimeoutMs,
        closeTimeoutMs: o.closeTimeoutMs,
        chunkBytes: (o.audioChunkMs / 1000) * BYTES_PER_SECOND,
        quietChunkBytes: (Math.max(o.audioChunkMs, o.quietAudioChunkMs) / 1000) * BYTES_PER_SECOND,
      },
      handlers,
    );
    stream.start();
    return stream;
  }
}
