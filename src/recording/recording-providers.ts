/**
 * Port wrappers that record what passes through them into a CallRecorder and change nothing:
 * same events, deltas and audio, same errors, same cancellation.
 *
 * STT is recorded at the port (SttEvents, with how much audio the stream had been sent when
 * each arrived) rather than as Deepgram JSON: the port is all the adapter lets through, and the
 * Deepgram fake turns the events back into wire messages for replay, so the real adapter still
 * runs then.
 */
import type { Clock } from '../lib/clock.js';
import { isAbortError, isAppError } from '../lib/errors.js';
import type { LlmProvider, ReplyDelta, ReplyRequest } from '../llm/reply-stream.js';
import type { SttOpenOptions, SttProvider, SttStream } from '../stt/stt-stream.js';
import type { SynthesizeOptions, Synthesizer } from '../tts/synthesizer.js';
import type { CallRecorder, LlmReplyRecord } from './call-recorder.js';

const BYTES_PER_SECOND = 8000;

export function recordingSttProvider(inner: SttProvider, recorder: CallRecorder): SttProvider {
  return {
    open(options: SttOpenOptions): SttStream {
      const index = recorder.sttStreamOpened();
      let bytesSent = 0;
      const stream = inner.open({
        ...options,
        onEvent: (event) => {
          recorder.stt(index, bytesSent / BYTES_PER_SECOND, event);
          options.onEvent(event);
        },
      });
      return {
        sendAudio(mulaw, pace) {
          bytesSent += mulaw.length;
          stream.sendAudio(mulaw, pace);
        },
        finalize: () => stream.finalize(),
        close: () => stream.close(),
      };
    },
  };
}

export function recordingLlmProvider(inner: LlmProvider, recorder: CallRecorder): LlmProvider {
  return {
    async *streamReply(request: ReplyRequest): AsyncIterable<ReplyDelta> {
      const startedAt = recorder.mediaNowMs();
      const id = recorder.llmRequest(request.messages, request.tools ?? []);
      const reply: LlmReplyRecord = { pieces: [], toolCalls: [], finishReason: null, aborted: false };
      const after = () => Math.max(0, recorder.mediaNowMs() - startedAt);
      try {
        for await (const delta of inner.streamReply(request)) {
          if (delta.type === 'text') reply.pieces.push({ text: delta.text, afterMs: after() });
          else if (delta.type === 'tool-call') reply.toolCalls.push({ ...delta.call, afterMs: after() });
          else if (delta.type === 'done') reply.finishReason = delta.finishReason;
          yield delta;
        }
      } catch (err) {
        if (!isAbortError(err)) reply.error = errorInfo(err);
        throw err;
      } finally {
        // Aborted, or the consumer stopped reading before the end.
        reply.aborted = request.signal?.aborted === true || (reply.finishReason === null && !reply.error);
        recorder.llmReply(id, reply);
      }
    },
  };
}

export interface RecordingSynthesizerOptions {
  /** The voice the inner synthesizer uses (the port does not say), for the fixture. */
  model: string;
  /** Times first byte and total; should be the recorder's clock. */
  clock: Clock;
}

export function recordingSynthesizer(
  inner: Synthesizer,
  recorder: CallRecorder,
  options: RecordingSynthesizerOptions,
): Synthesizer {
  return {
    async *synthesize(text: string, synthOptions?: SynthesizeOptions): AsyncIterable<Buffer> {
      const { clock } = options;
      const startedAt = clock.now();
      const startedAtMs = recorder.mediaNowMs();
      const chunks: Buffer[] = [];
      let firstByteMs: number | null = null;
      let finished = false;
      let error: { code: string; message: string } | undefined;
      try {
        for await (const chunk of inner.synthesize(text, synthOptions)) {
          if (firstByteMs === null) firstByteMs = clock.now() - startedAt;
          chunks.push(chunk);
          yield chunk;
        }
        finished = true;
      } catch (err) {
        if (!isAbortError(err)) error = errorInfo(err);
        throw err;
      } finally {
        recorder.tts({
          text,
          model: options.model,
          audio: Buffer.concat(chunks),
          startedAtMs,
          firstByteMs,
          totalMs: clock.now() - startedAt,
          aborted: synthOptions?.signal?.aborted === true || (!finished && !error),
          ...(error ? { error } : {}),
        });
      }
    },
  };
}

function errorInfo(err: unknown): { code: string; message: string } {
  if (isAppError(err)) return { code: err.code, message: err.message };
  return { code: 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
}
