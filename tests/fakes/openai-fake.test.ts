import OpenAI, { AuthenticationError, InternalServerError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type OpenAiFake,
  type OpenAiFakeOptions,
  replyInOrder,
  startOpenAiFake,
} from '../../testing/fakes/openai-fake.js';

let fake: OpenAiFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: OpenAiFakeOptions): Promise<{ fake: OpenAiFake; client: OpenAI }> {
  fake = await startOpenAiFake(options);
  return { fake, client: new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 }) };
}

async function streamChunks(client: OpenAI, includeUsage = true): Promise<ChatCompletionChunk[]> {
  const stream = await client.chat.completions.create({
    model: 'fake-model',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('OpenAI fake speaks the Chat Completions stream protocol', () => {
  it('streams a role chunk, token-sized content, finish_reason, then a usage chunk', async () => {
    const { client } = await start({ respond: () => ({ text: 'Hello there, how are you today?' }) });
    const chunks = await streamChunks(client);

    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    const pieces = chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    expect(pieces.join('')).toBe('Hello there, how are you today?');
    expect(pieces.length).toBeGreaterThanOrEqual(7);
    for (const piece of pieces) expect(piece.trim().length).toBeLessThanOrEqual(4);

    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(pieces.length);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, -2).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('sends no usage chunk unless asked', async () => {
    const { client } = await start({ respond: () => ({ text: 'Hi.' }) });
    const chunks = await streamChunks(client, false);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.every((c) => c.usage === undefined)).toBe(true);
  });

  it('streams tool calls as fragments keyed by index, name first, arguments in slices', async () => {
    const args = { stage: 'past_experience', reason: 'done with the intro' };
    const { client } = await start({
      respond: () => ({
        text: 'Ok.',
        toolCalls: [
          { name: 'advance_stage', arguments: args },
          { name: 'end_call', arguments: {} },
        ],
      }),
    });
    const chunks = await streamChunks(client);
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);

    const first = fragments.filter((f) => f.index === 0);
    expect(first[0]).toMatchObject({
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'advance_stage', arguments: '' },
    });
    expect(first.length).toBeGreaterThan(3);
    expect(first.slice(1).every((f) => f.id === undefined && f.function?.name === undefined)).toBe(true);
    expect(JSON.parse(first.map((f) => f.function?.arguments ?? '').join(''))).toEqual(args);
    expect(fragments.find((f) => f.index === 1)?.function?.name).toBe('end_call');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('ends the event stream with a literal data: [DONE]', async () => {
    const { fake } = await start({ respond: () => ({ text: 'Hi.' }) });
    const response = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [], stream: true }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(
      body
        .split('\n\n')
        .filter(Boolean)
        .every((event) => event.startsWith('data: ')),
    ).toBe(true);
  });

  it('answers a chat.completion object without stream', async () => {
    const { client } = await start({ respond: () => ({ text: 'Plain answer.' }) });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBe('Plain answer.');
  });
});

describe('OpenAI fake errors, scripting and inspection', () => {
  it('answers 401 with the API error body to a wrong key, without calling respond', async () => {
    let calls = 0;
    const { fake } = await start({ respond: () => ({ text: String(++calls) }) });
    const client = new OpenAI({ apiKey: 'wrong', baseURL: fake.baseUrl, maxRetries: 0 });
    const failure = await streamChunks(client).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as AuthenticationError).code).toBe('invalid_api_key');
    expect(fake.requests[0]!.status).toBe(401);
    expect(calls).toBe(0);
  });

  it('plays replies in order and records every request body', async () => {
    const { fake, client } = await start({ respond: replyInOrder({ status: 500 }, { text: 'Second.' }) });
    await expect(streamChunks(client)).rejects.toBeInstanceOf(InternalServerError);
    const chunks = await streamChunks(client);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Second.');
    expect(fake.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(fake.requests[1]!.body).toMatchObject({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(fake.requests[1]!.completed).toBe(true);
    expect(fake.abortedCount).toBe(0);
  });

  it('sees a client that gives up on a hanging request as aborted', async () => {
    const { fake, client } = await start({ respond: () => ({ hang: true }) });
    const controller = new AbortController();
    const pending = streamChunks(client).catch(() => 'failed');
    const aborted = client.chat.completions
      .create({ model: 'm', messages: [], stream: true }, { signal: controller.signal })
      .catch(() => 'aborted');
    await fake.waitForRequests(2);
    controller.abort();
    expect(await aborted).toBe('aborted');
    expect((await fake.waitForClose(1)).aborted).toBe(true);
    expect(fake.requests[0]!.aborted).toBe(false);
    await fake.close();
    expect(await pending).toBe('failed');
  });

  it('holds a stalled stream open until the client leaves', async () => {
    const { fake, client } = await start({ respond: () => ({ text: 'One two three four', stallAfterChunks: 2 }) });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    const seen: string[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta.content ?? '');
      if (seen.length === 2) break; // break aborts the SDK request
    }
    expect(seen).toEqual(['', 'One']);
    const record = await fake.waitForClose(0);
    expect(record.aborted).toBe(true);
    expect(record.completed).toBe(false);
  });
});
