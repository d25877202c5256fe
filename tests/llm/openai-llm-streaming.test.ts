import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiLlm, type OpenAiLlmOptions } from '../../src/llm/openai-llm.js';
import type { ReplyDelta, ToolSpec } from '../../src/llm/reply-stream.js';
import { createLogger } from '../../src/observability/logger.js';
import { type OpenAiFake, type OpenAiFakeOptions, startOpenAiFake } from '../../testing/fakes/openai-fake.js';

let fake: OpenAiFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(fakeOptions: OpenAiFakeOptions, llmOptions: Partial<OpenAiLlmOptions> = {}) {
  fake = await startOpenAiFake(fakeOptions);
  const llm = new OpenAiLlm({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'small-model', ...llmOptions });
  return { fake, llm };
}

async function collect(stream: AsyncIterable<ReplyDelta>): Promise<ReplyDelta[]> {
  const deltas: ReplyDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

const advanceStage: ToolSpec = {
  name: 'advance_stage',
  description: 'Move the interview to the next stage.',
  parameters: { type: 'object', properties: { stage: { type: 'string' } }, required: ['stage'] },
};

describe('OpenAiLlm streams a reply', () => {
  it('hands on text as several deltas before done, and sends a streaming request with usage', async () => {
    const { fake, llm } = await setup({ respond: () => ({ text: 'Thanks for joining. Tell me about yourself.' }) });
    const deltas = await collect(llm.streamReply({ messages: [{ role: 'user', content: 'Hi' }] }));

    const texts = deltas.filter((d) => d.type === 'text');
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.map((d) => d.text).join('')).toBe('Thanks for joining. Tell me about yourself.');
    expect(deltas.at(-1)).toEqual({ type: 'done', finishReason: 'stop' });
    expect(deltas.filter((d) => d.type === 'done')).toHaveLength(1);

    const request = fake.requests[0]!;
    expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.body).toMatchObject({ model: 'small-model', stream: true, stream_options: { include_usage: true } });
    expect(request.body).not.toHaveProperty('tools');
  });

  it('sends tools in the function-tool wire shape and reassembles a streamed call with parsed arguments', async () => {
    const { fake, llm } = await setup({
      respond: () => ({
        toolCalls: [{ name: 'advance_stage', arguments: { stage: 'past_experience', note: 'a, b: {c}' } }],
      }),
    });
    const deltas = await collect(
      llm.streamReply({ messages: [{ role: 'user', content: 'Done.' }], tools: [advanceStage] }),
    );

    expect(fake.requests[0]!.body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: advanceStage.name,
          description: advanceStage.description,
          parameters: advanceStage.parameters,
        },
      },
    ]);
    expect(deltas.filter((d) => d.type === 'text')).toEqual([]);
    const call = deltas.find((d) => d.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.call).toMatchObject({
      id: expect.stringMatching(/^call_/),
      name: 'advance_stage',
      arguments: { stage: 'past_experience', note: 'a, b: {c}' },
    });
    expect(deltas.at(-1)).toEqual({ type: 'done', finishReason: 'tool_calls' });
  });

  it('yields the text, says when it ended, then every tool call in index order, then done', async () => {
    const { llm } = await setup({
      respond: () => ({
        text: 'Great, moving on.',
        toolCalls: [
          { name: 'advance_stage', arguments: { stage: 'closing' } },
          { name: 'note', arguments: { text: 'strong answer' } },
        ],
      }),
    });
    const deltas = await collect(
      llm.streamReply({ messages: [{ role: 'user', content: 'x' }], tools: [advanceStage] }),
    );
    const kinds = deltas.map((d) => d.type);
    const textEnded = kinds.indexOf('text-ended');
    expect(textEnded).toBeGreaterThan(0);
    expect(kinds.slice(0, textEnded).every((k) => k === 'text')).toBe(true);
    // Said as soon as the first tool-call fragment streams, before the calls are complete.
    expect(kinds.slice(textEnded)).toEqual(['text-ended', 'tool-call', 'tool-call', 'done']);
    const names = deltas.flatMap((d) => (d.type === 'tool-call' ? [d.call.name] : []));
    expect(names).toEqual(['advance_stage', 'note']);
  });

  it('gives {} and keeps the raw text when the arguments are not valid JSON', async () => {
    const { llm } = await setup({
      respond: () => ({ toolCalls: [{ name: 'advance_stage', arguments: '{"stage": "clos' }] }),
    });
    const deltas = await collect(
      llm.streamReply({ messages: [{ role: 'user', content: 'x' }], tools: [advanceStage] }),
    );
    const call = deltas.find((d) => d.type === 'tool-call');
    expect(call?.type === 'tool-call' && call.call).toMatchObject({ arguments: {}, rawArguments: '{"stage": "clos' });
  });

  it('logs counts at info but never the conversation or the reply', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { llm } = await setup(
      { respond: () => ({ text: 'Your salary expectation noted.' }) },
      { logger: createLogger('info', sink) },
    );
    await collect(llm.streamReply({ messages: [{ role: 'user', content: 'I want ninety thousand' }] }));
    const log = lines.join('');
    expect(log).toContain('llm reply streamed');
    expect(log).not.toMatch(/ninety|salary/);
  });
});

describe('connection warm-up', () => {
  it('prepare() reaches the endpoint ahead of the first reply, and never throws', async () => {
    const seen: string[] = [];
    const { createServer } = await import('node:http');
    const probe = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as import('node:net').AddressInfo).port;
    const llm = new OpenAiLlm({ apiKey: 'sk-test', baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
    llm.prepare();
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual(['GET /v1/models Bearer sk-test']);
    // Nothing listening at all: still no throw, no unhandled rejection.
    new OpenAiLlm({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' }).prepare();
    await new Promise((r) => setTimeout(r, 50));
    probe.close();
  });
});
