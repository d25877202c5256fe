import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import type { ReplyDelta } from '../../src/llm/reply-stream.js';
import { type FakeReply, type OpenAiFake, startOpenAiFake } from '../../testing/fakes/openai-fake.js';

let fake: OpenAiFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(reply: FakeReply) {
  fake = await startOpenAiFake({ respond: () => reply });
  const llm = new OpenAiLlm({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'm', retryDelayMs: 0 });
  return { fake, llm };
}

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('OpenAiLlm on abort', () => {
  it('ends the iterator quietly mid-stream and really cancels the HTTP request', async () => {
    // The stall keeps the reply open, so only the abort can end it.
    const { fake, llm } = await setup({ text: 'A reply the caller interrupts halfway.', stallAfterChunks: 6 });
    const controller = new AbortController();
    const deltas: ReplyDelta[] = [];
    for await (const delta of llm.streamReply({ messages, signal: controller.signal })) {
      deltas.push(delta);
      if (deltas.length === 2) controller.abort();
    }
    expect(deltas.map((d) => d.type)).toEqual(['text', 'text']);
    const record = await fake.waitForClose(0);
    expect(record.aborted).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('ends quietly while still waiting for the answer', async () => {
    const { fake, llm } = await setup({ hang: true });
    const controller = new AbortController();
    const deltas: ReplyDelta[] = [];
    const done = (async () => {
      for await (const delta of llm.streamReply({ messages, signal: controller.signal })) deltas.push(delta);
    })();
    await fake.waitForRequests(1);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    expect(deltas).toEqual([]);
    expect((await fake.waitForClose(0)).aborted).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { fake, llm } = await setup({ text: 'unused' });
    const deltas: ReplyDelta[] = [];
    for await (const delta of llm.streamReply({ messages, signal: AbortSignal.abort() })) deltas.push(delta);
    expect(deltas).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('cancels the request when the consumer stops iterating', async () => {
    const { fake, llm } = await setup({ text: 'The consumer leaves after one piece.', stallAfterChunks: 5 });
    for await (const delta of llm.streamReply({ messages })) {
      expect(delta.type).toBe('text');
      break;
    }
    expect((await fake.waitForClose(0)).aborted).toBe(true);
  });
});
