import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import { fromWireMessage, makeToolCall, toWireMessage } from '../../src/llm/openai-wire.js';
import type { ChatMessage } from '../../src/llm/reply-stream.js';
import { type OpenAiFake, startOpenAiFake } from '../../testing/fakes/openai-fake.js';

let fake: OpenAiFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const history: ChatMessage[] = [
  { role: 'system', content: 'You are a phone interviewer.' },
  { role: 'user', content: 'I am ready.' },
  {
    role: 'assistant',
    content: '',
    toolCalls: [makeToolCall('call_1', 'advance_stage', '{"stage":"self_intro"}')],
  },
  { role: 'tool', toolCallId: 'call_1', content: '{"ok":true}' },
  { role: 'assistant', content: 'Tell me about yourself.', toolCalls: [makeToolCall('call_2', 'note', 'not json')] },
  { role: 'tool', toolCallId: 'call_2', content: 'noted' },
  { role: 'assistant', content: 'Go on.' },
];

describe('Chat messages on the wire', () => {
  it('reach the server in the Chat Completions shape, tool calls and tool results included', async () => {
    fake = await startOpenAiFake();
    const llm = new OpenAiLlm({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'm' });
    for await (const _ of llm.streamReply({ messages: history })) {
      // drain
    }
    expect(fake.requests[0]!.body.messages).toEqual([
      { role: 'system', content: 'You are a phone interviewer.' },
      { role: 'user', content: 'I am ready.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'advance_stage', arguments: '{"stage":"self_intro"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
      {
        role: 'assistant',
        content: 'Tell me about yourself.',
        // Invalid model JSON is not sent back verbatim: the parsed (empty) object is.
        tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'note', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_2', content: 'noted' },
      { role: 'assistant', content: 'Go on.' },
    ]);
  });

  it('map back to the same ChatMessages', () => {
    const valid = history.filter((m) => !(m.role === 'assistant' && m.toolCalls?.[0]?.name === 'note'));
    expect(valid.map(toWireMessage).map(fromWireMessage)).toEqual(valid);
  });
});
