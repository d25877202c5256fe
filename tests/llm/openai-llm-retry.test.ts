import { afterEach, describe, expect, it } from 'vitest';
import { AppError, ErrorCodes } from '../../src/lib/errors.js';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import type { ReplyDelta } from '../../src/llm/reply-stream.js';
import { type FakeReply, type OpenAiFake, replyInOrder, startOpenAiFake } from '../../testing/fakes/openai-fake.js';

let fake: OpenAiFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(...replies: FakeReply[]) {
  fake = await startOpenAiFake({ respond: replyInOrder(...replies) });
  const llm = new OpenAiLlm({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'm', retryDelayMs: 0 });
  return { fake, llm };
}

/** Runs a reply to the end; returns what came out and the error it ended with, if any. */
async function run(llm: OpenAiLlm): Promise<{ deltas: ReplyDelta[]; error: unknown }> {
  const deltas: ReplyDelta[] = [];
  try {
    for await (const delta of llm.streamReply({ messages: [{ role: 'user', content: 'hi' }] })) deltas.push(delta);
    return { deltas, error: undefined };
  } catch (error) {
    return { deltas, error };
  }
}

const text = (deltas: ReplyDelta[]) => deltas.flatMap((d) => (d.type === 'text' ? [d.text] : [])).join('');

describe('OpenAiLlm retries once, and only before the first token', () => {
  it.each([500, 503, 429, 408])('retries a %i and then streams the second answer', async (status) => {
    const { fake, llm } = await setup({ status }, { text: 'Second try.' });
    const { deltas, error } = await run(llm);
    expect(error).toBeUndefined();
    expect(text(deltas)).toBe('Second try.');
    expect(fake.requests).toHaveLength(2);
  });

  it('fails with LLM_REQUEST_FAILED when the retry fails too, after exactly two requests', async () => {
    const { fake, llm } = await setup({ status: 500 }, { status: 502 }, { text: 'never asked' });
    const { deltas, error } = await run(llm);
    expect(deltas).toEqual([]);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCodes.LLM_REQUEST_FAILED, retryable: true });
    expect(fake.requests).toHaveLength(2);
  });

  it.each([401, 400, 404])('does not retry a %i', async (status) => {
    const { fake, llm } = await setup({ status }, { text: 'never asked' });
    const { error } = await run(llm);
    expect(error).toMatchObject({ code: ErrorCodes.LLM_REQUEST_FAILED, retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('does not retry a 401 from a wrong key', async () => {
    fake = await startOpenAiFake({ apiKey: 'right' });
    const llm = new OpenAiLlm({ apiKey: 'wrong', baseUrl: fake.baseUrl, model: 'm', retryDelayMs: 0 });
    const { error } = await run(llm);
    expect(error).toMatchObject({ code: ErrorCodes.LLM_REQUEST_FAILED, retryable: false });
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
  });

  it('retries a connection lost before the first token', async () => {
    const { fake, llm } = await setup({ text: 'Lost.', dropAfterChunks: 1 }, { text: 'Kept.' });
    const { deltas, error } = await run(llm);
    expect(error).toBeUndefined();
    expect(text(deltas)).toBe('Kept.');
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry once text has been handed on: the text stays, then the error', async () => {
    const { fake, llm } = await setup({ text: 'Half of a reply that breaks.', dropAfterChunks: 4 }, { text: 'Again.' });
    const { deltas, error } = await run(llm);
    expect(text(deltas).length).toBeGreaterThan(0);
    expect('Half of a reply that breaks.'.startsWith(text(deltas))).toBe(true);
    expect(deltas.some((d) => d.type === 'done')).toBe(false);
    expect(error).toMatchObject({ code: ErrorCodes.LLM_REQUEST_FAILED });
    expect(fake.requests).toHaveLength(1);
  });
});
