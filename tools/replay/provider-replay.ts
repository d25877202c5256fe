/**
 * Turns a fixture into the answers of the protocol fakes, so a replay runs the real adapters
 * over the wire: the Deepgram fake's listen sessions re-emit the recorded STT events, its speak
 * endpoints return the recorded audio, and the OpenAI fake answers each request with the
 * recorded reply that matches it by content (llm-replay.ts). What the recording cannot answer
 * goes to one DivergenceLog. Only types come from the fakes; the caller starts them with:
 *
 *   const replay = createProviderReplay(fixture, { mediaNowMs: () => phone.mediaNowMs() });
 *   const deepgram = await startDeepgramFake(replay.deepgramOptions);
 *   const openai = await startOpenAiFake({ respond: replay.openAiRespond });
 */
import type { ChatCompletionCreateParams, ChatCompletionTool } from 'openai/resources/chat/completions';
import { fromWireMessage } from '../../src/llm/openai-wire.js';
import type { ToolSpec } from '../../src/llm/reply-stream.js';
import type { LlmReplyLine } from '../../src/recording/fixture-format.js';
import type { DeepgramFakeOptions } from '../../testing/fakes/deepgram-fake.js';
import type { FakeReply, FakeRequest, FakeTextReply } from '../../testing/fakes/openai-fake.js';
import { DivergenceLog } from './divergence.js';
import type { Fixture } from './fixture-reader.js';
import { LlmReplay } from './llm-replay.js';
import { SttReplay } from './stt-replay.js';
import { TtsReplay } from './tts-replay.js';

export interface ProviderReplayOptions {
  /** Media time now, ms (e.g. the replay phone's), to stamp divergences. */
  mediaNowMs: () => number;
  /** Where divergences go. Default a new log. */
  divergences?: DivergenceLog;
  /** Replay speed: recorded LLM and TTS delays are divided by it (2 = twice as fast). Default 1. */
  speed?: number;
}

export interface ProviderReplay {
  readonly divergences: DivergenceLog;
  readonly stt: SttReplay;
  readonly llm: LlmReplay;
  readonly tts: TtsReplay;
  /** Options for startDeepgramFake: recorded STT per session, recorded TTS audio and first-byte delay. */
  readonly deepgramOptions: Pick<DeepgramFakeOptions, 'replayFor' | 'speakAudioFor' | 'speakFirstByteMsFor'>;
  /** `respond` for startOpenAiFake. */
  readonly openAiRespond: (request: FakeRequest) => FakeReply;
}

/** The error a request the recording cannot answer gets: 400, so the adapter does not retry it. */
export const DIVERGENCE_REPLY: FakeReply = {
  status: 400,
  error: {
    message: 'Replay divergence: the recording has no reply for this request.',
    type: 'invalid_request_error',
    code: 'replay_divergence',
  },
};

export function createProviderReplay(fixture: Fixture, options: ProviderReplayOptions): ProviderReplay {
  const divergences = options.divergences ?? new DivergenceLog();
  const shared = { divergences, mediaNowMs: options.mediaNowMs };
  const stt = new SttReplay(fixture.stt, shared);
  const llm = new LlmReplay(fixture.llm, shared);
  const tts = new TtsReplay(fixture.tts, shared);
  const speed = options.speed ?? 1;
  return {
    divergences,
    stt,
    llm,
    tts,
    deepgramOptions: {
      replayFor: (index) => stt.eventsFor(index),
      speakAudioFor: (text) => tts.audioFor(text),
      speakFirstByteMsFor: (text) => {
        const ms = tts.firstByteMsFor(text);
        return ms === undefined ? undefined : ms / speed;
      },
    },
    openAiRespond: (request) => {
      const answer = llm.answer(request.body.messages.map(fromWireMessage), toolSpecs(request.body));
      if (answer.kind === 'divergence') return DIVERGENCE_REPLY;
      return replayedReply(answer.exchange.reply, speed);
    },
  };
}

/** The fake's reply that streams a recorded reply again: same pieces, calls and pacing. */
export function replayedReply(reply: LlmReplyLine | undefined, speed = 1): FakeReply {
  // The call ended while this reply was still coming: keep the line open until the client goes.
  if (!reply) return { hang: true };
  const pieces = reply.pieces.filter((p) => p.text !== '').map((p) => ({ text: p.text, afterMs: p.afterMs / speed }));
  const firstMs = Math.min(pieces[0]?.afterMs ?? Infinity, (reply.toolCalls[0]?.afterMs ?? Infinity) / speed);
  const timing = Number.isFinite(firstMs) ? { firstTokenMs: firstMs } : {};
  if (reply.error) {
    if (pieces.length === 0)
      return {
        status: 400,
        error: { message: reply.error.message, type: 'invalid_request_error', code: 'replayed_failure' },
      };
    return { pieces, ...timing, dropAfterChunks: 1 + pieces.length };
  }
  if (reply.finishReason === null) return { pieces, ...timing, stallAfterChunks: 1 + pieces.length };
  const out: FakeTextReply = {
    pieces,
    ...timing,
    toolCalls: reply.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.rawArguments })),
  };
  const finish = reply.finishReason;
  if (finish === 'stop' || finish === 'length' || finish === 'tool_calls' || finish === 'content_filter') {
    out.finishReason = finish;
  }
  return out;
}

function toolSpecs(body: ChatCompletionCreateParams): ToolSpec[] {
  return (body.tools ?? []).flatMap((tool: ChatCompletionTool) =>
    tool.type === 'function'
      ? [
          {
            name: tool.function.name,
            description: tool.function.description ?? '',
            parameters: (tool.function.parameters ?? {}) as Record<string, unknown>,
          },
        ]
      : [],
  );
}
