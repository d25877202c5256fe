import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { ErrorCodes } from '../../src/lib/errors.js';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import type { ReplyDelta } from '../../src/llm/reply-stream.js';
import { type OpenAiFake, type OpenAiFakeOptions, startOpenAiFake } from '../../testing/fakes/openai-fake.js';

let fake: OpenAiFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function drain(stream: AsyncIterable<ReplyDelta>): Promise<ReplyDelta[]> {
  const deltas: ReplyDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

async function startFake(options: OpenAiFakeOptions): Promise<OpenAiFake> {
  fake = await startOpenAiFake(options);
  return fake;
}

describe('OpenAiLlm bounds how long it waits', () => {
  it('gives LLM_TIMEOUT when the server never answers, after one retry, and drops both requests', async () => {
    // On the manual clock: a loaded machine must not decide whether a request reached the server
    // before its limit (the SDK's own header timeout follows requestTimeoutMs, kept long here).
    const clock = new ManualClock();
    const fake = await startFake({ respond: () => ({ hang: true }) });
    const llm = new OpenAiLlm({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      model: 'm',
      firstTokenTimeoutMs: 200,
      requestTimeoutMs: 60_000,
      retryDelayMs: 0,
      clock,
    });
    const outcome = drain(llm.streamReply({ messages: [{ role: 'user', content: 'hi' }] })).catch(
      (err: unknown) => err,
    );

    await fake.waitForRequests(1);
    clock.advance(200);
    expect((await fake.waitForClose(0)).aborted).toBe(true);
    await fake.waitForRequests(2);
    clock.advance(200);

    expect(await outcome).toMatchObject({ code: ErrorCodes.LLM_TIMEOUT, retryable: true });
    expect(fake.requests).toHaveLength(2);
    expect((await fake.waitForClose(1)).aborted).toBe(true);
  });

  it('gives LLM_TIMEOUT when headers and the role chunk come but no token does (first-token timeout)', async () => {
    const clock = new ManualClock();
    const fake = await startFake({ respond: () => ({ text: 'Too late.', stallAfterChunks: 1 }) });
    const llm = new OpenAiLlm({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      model: 'm',
      firstTokenTimeoutMs: 1500,
      requestTimeoutMs: 60_000,
      retryDelayMs: 0,
      clock,
    });
    const outcome = drain(llm.streamReply({ messages: [{ role: 'user', content: 'hi' }] })).catch(
      (err: unknown) => err,
    );

    await fake.waitForRequests(1);
    clock.advance(1500);
    expect((await fake.waitForClose(0)).aborted).toBe(true);
    await fake.waitForRequests(2);
    clock.advance(1500);

    expect(await outcome).toMatchObject({ code: ErrorCodes.LLM_TIMEOUT });
    expect(fake.requests.map((r) => r.status)).toEqual([200, 200]);
    expect((await fake.waitForClose(1)).aborted).toBe(true);
  });

  it('lets a reply run past the first-token limit once its first token came', async () => {
    const clock = new ManualClock();
    const fake = await startFake({
      respond: () => ({ text: 'A reply that takes a while to finish.', tokenIntervalMs: 5 }),
    });
    const llm = new OpenAiLlm({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      model: 'm',
      firstTokenTimeoutMs: 1000,
      requestTimeoutMs: 60_000,
      clock,
    });
    const deltas: ReplyDelta[] = [];
    for await (const delta of llm.streamReply({ messages: [{ role: 'user', content: 'hi' }] })) {
      if (deltas.length === 0) clock.advance(5000);
      deltas.push(delta);
    }
    expect(deltas.at(-1)).toEqual({ type: 'done', finishReason: 'stop' });
    expect(fake.requests).toHaveLength(1);
  });

  it('gives LLM_TIMEOUT when a started reply stalls past the request limit, without a retry', async () => {
    const clock = new ManualClock();
    const fake = await startFake({ respond: () => ({ text: 'Starts then stalls forever.', stallAfterChunks: 3 }) });
    const llm = new OpenAiLlm({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      model: 'm',
      requestTimeoutMs: 5000,
      clock,
    });
    const deltas: ReplyDelta[] = [];
    const outcome = (async () => {
      for await (const delta of llm.streamReply({ messages: [{ role: 'user', content: 'hi' }] })) deltas.push(delta);
    })().catch((err: unknown) => err);

    while (deltas.length < 2) await new Promise((resolve) => setImmediate(resolve));
    clock.advance(5000);

    expect(await outcome).toMatchObject({ code: ErrorCodes.LLM_TIMEOUT });
    expect(deltas.map((d) => d.type)).toEqual(['text', 'text']);
    expect(fake.requests).toHaveLength(1);
  });
});
