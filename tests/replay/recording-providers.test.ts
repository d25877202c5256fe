import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { ErrorCodes, isAppError } from '../../src/lib/errors.js';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import type { ChatMessage, ReplyDelta, ToolSpec } from '../../src/llm/reply-stream.js';
import { createLogger } from '../../src/observability/logger.js';
import { recordingLlmProvider, recordingSynthesizer } from '../../src/recording/recording-providers.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import { type DeepgramFake, expectedTtsAudio, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { type OpenAiFake, type OpenAiFakeOptions, startOpenAiFake } from '../../testing/fakes/openai-fake.js';
import { readFixture } from '../../tools/replay/fixture-reader.js';
import { removeTempDirs, startedRecorder, tempDir } from './replay-harness.js';

afterAll(removeTempDirs);

let openai: OpenAiFake | undefined;
let deepgram: DeepgramFake | undefined;
afterEach(async () => {
  await openai?.close();
  await deepgram?.close();
  openai = undefined;
  deepgram = undefined;
});

const messages: ChatMessage[] = [
  { role: 'system', content: 'Current stage: self_intro. Goal: learn about them.' },
  { role: 'user', content: 'I build payment systems.' },
];
const tools: ToolSpec[] = [
  { name: 'complete_stage', description: 'End the stage.', parameters: { type: 'object', properties: {} } },
];

async function recordLlm(
  fakeOptions: OpenAiFakeOptions,
  consume: (stream: AsyncIterable<ReplyDelta>) => Promise<void>,
  signal?: AbortSignal,
) {
  const dir = await tempDir();
  const recorder = startedRecorder(dir, systemClock);
  openai = await startOpenAiFake(fakeOptions);
  const llm = new OpenAiLlm({ apiKey: openai.apiKey, baseUrl: openai.baseUrl, model: 'small', retryDelayMs: 1 });
  const wrapped = recordingLlmProvider(llm, recorder);
  await consume(wrapped.streamReply({ messages, tools, ...(signal ? { signal } : {}) }));
  await recorder.close();
  return readFixture(dir);
}

async function drain(stream: AsyncIterable<ReplyDelta>): Promise<ReplyDelta[]> {
  const out: ReplyDelta[] = [];
  for await (const delta of stream) out.push(delta);
  return out;
}

describe('recordingLlmProvider', () => {
  it('passes every delta through and records the request, the streamed pieces, the calls and the finish', async () => {
    let seen: ReplyDelta[] = [];
    const fixture = await recordLlm(
      {
        tokenIntervalMs: 3,
        respond: () => ({
          text: 'Thanks, that helps.',
          toolCalls: [{ name: 'complete_stage', arguments: { stage: 'self_intro', notes: 'payments' } }],
        }),
      },
      async (stream) => {
        seen = await drain(stream);
      },
    );
    const [exchange] = fixture.llm;
    expect(exchange?.request).toMatchObject({ id: 0, messages, tools });
    const reply = exchange!.reply!;
    const texts = seen.flatMap((d) => (d.type === 'text' ? [d.text] : []));
    expect(reply.pieces.map((p) => p.text)).toEqual(texts);
    expect(texts.join('')).toBe('Thanks, that helps.');
    // Pieces keep their relative timing: in order, and spread out by the fake's pacing.
    const times = reply.pieces.map((p) => p.afterMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(0);
    const call = seen.find((d) => d.type === 'tool-call');
    expect(reply.toolCalls).toEqual([
      { ...(call?.type === 'tool-call' ? call.call : {}), afterMs: expect.any(Number) },
    ]);
    expect(reply).toMatchObject({ finishReason: 'tool_calls', aborted: false });
    expect(reply.error).toBeUndefined();
  });

  it('records a reply cut by the caller as aborted, with the pieces that came before', async () => {
    const controller = new AbortController();
    const fixture = await recordLlm(
      { respond: () => ({ text: 'One two three four five six seven eight.', stallAfterChunks: 4 }) },
      async (stream) => {
        let texts = 0;
        for await (const delta of stream) {
          if (delta.type === 'text' && ++texts === 2) controller.abort();
        }
      },
      controller.signal,
    );
    const reply = fixture.llm[0]!.reply!;
    expect(reply).toMatchObject({ aborted: true, finishReason: null });
    expect(reply.pieces.length).toBeGreaterThanOrEqual(2);
    expect(reply.error).toBeUndefined();
  });

  it('records a failed request with its error code and still throws it', async () => {
    let thrown: unknown;
    const fixture = await recordLlm({ respond: () => ({ status: 400 }) }, async (stream) => {
      thrown = await drain(stream).catch((err: unknown) => err);
    });
    expect(isAppError(thrown, ErrorCodes.LLM_REQUEST_FAILED)).toBe(true);
    expect(fixture.llm[0]!.reply).toMatchObject({
      finishReason: null,
      aborted: false,
      error: { code: 'LLM_REQUEST_FAILED' },
    });
  });
});

describe('recordingSynthesizer', () => {
  const tts = (url: string) =>
    new DeepgramTts({
      apiKey: 'k',
      apiUrl: url,
      model: 'aura-2-thalia-en',
      logger: createLogger('silent'),
      clock: systemClock,
    });

  it('passes the audio through and stores it with the text, model and timings', async () => {
    const dir = await tempDir();
    const recorder = startedRecorder(dir, systemClock);
    deepgram = await startDeepgramFake({ speakFirstByteMs: 15 });
    const synth = recordingSynthesizer(tts(deepgram.url), recorder, { model: 'aura-2-thalia-en', clock: systemClock });
    const chunks: Buffer[] = [];
    for await (const chunk of synth.synthesize('Tell me about your last role.')) chunks.push(chunk);
    await recorder.close();

    const fixture = await readFixture(dir);
    const [recording] = fixture.tts;
    expect(Buffer.concat(chunks).equals(expectedTtsAudio('Tell me about your last role.'))).toBe(true);
    expect(recording?.audio.equals(Buffer.concat(chunks))).toBe(true);
    expect(recording?.line).toMatchObject({
      id: 0,
      text: 'Tell me about your last role.',
      model: 'aura-2-thalia-en',
      aborted: false,
    });
    expect(recording?.line.firstByteMs).toBeGreaterThanOrEqual(15);
    expect(recording?.line.totalMs).toBeGreaterThanOrEqual(recording!.line.firstByteMs!);
  });

  it('records an aborted request as aborted with the audio that arrived', async () => {
    const dir = await tempDir();
    const recorder = startedRecorder(dir, systemClock);
    deepgram = await startDeepgramFake({ speakStallAfterBytes: 1600 });
    const synth = recordingSynthesizer(tts(deepgram.url), recorder, { model: 'aura-2-thalia-en', clock: systemClock });
    const controller = new AbortController();
    for await (const _chunk of synth.synthesize('A long answer the caller talks over.', {
      signal: controller.signal,
    })) {
      controller.abort();
    }
    await recorder.close();
    const { line, audio } = (await readFixture(dir)).tts[0]!;
    expect(line.aborted).toBe(true);
    expect(audio.length).toBe(1600);
    expect(audio.equals(expectedTtsAudio('A long answer the caller talks over.').subarray(0, 1600))).toBe(true);
  });
});
