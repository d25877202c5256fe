/**
 * Our ChatMessage/ToolSpec (camelCase) to and from the Chat Completions wire shape (snake_case),
 * and the reassembly of tool calls streamed as fragments keyed by `index` (docs/openai-chat.md).
 */
import type {
  ChatCompletionChunk,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ChatMessage, ToolCall, ToolSpec } from './reply-stream.js';

export function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // The API wants null rather than "" when the turn was only tool calls.
        content: message.content.length > 0 ? message.content : null,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: wireArguments(call) },
        })),
      };
    }
  }
}

/** The reverse mapping, for recorded wire requests (replay). Content parts are joined as text. */
export function fromWireMessage(message: ChatCompletionMessageParam): ChatMessage {
  const content = textOf(message.content);
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content };
    case 'user':
      return { role: 'user', content };
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content };
    case 'function':
      return { role: 'tool', toolCallId: message.name, content };
    case 'assistant': {
      const calls: ToolCall[] = [];
      for (const call of message.tool_calls ?? []) {
        if (call.type === 'function') calls.push(makeToolCall(call.id, call.function.name, call.function.arguments));
      }
      return calls.length > 0 ? { role: 'assistant', content, toolCalls: calls } : { role: 'assistant', content };
    }
  }
}

export function toWireTool(tool: ToolSpec): ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

/** Parses arguments JSON; anything but a JSON object becomes `{}` (the raw text is kept). */
export function makeToolCall(id: string, name: string, rawArguments: string): ToolCall {
  return { id, name, arguments: parseArguments(rawArguments) ?? {}, rawArguments };
}

type ToolCallFragment = NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>[number];

/** Collects streamed tool-call fragments by `index`; `finish()` returns whole calls in index order. */
export class ToolCallAssembler {
  private readonly byIndex = new Map<number, { id: string; name: string; args: string }>();

  add(fragment: ToolCallFragment): void {
    const entry = this.byIndex.get(fragment.index) ?? { id: '', name: '', args: '' };
    if (fragment.id) entry.id = fragment.id;
    if (fragment.function?.name) entry.name += fragment.function.name;
    if (fragment.function?.arguments) entry.args += fragment.function.arguments;
    this.byIndex.set(fragment.index, entry);
  }

  get size(): number {
    return this.byIndex.size;
  }

  finish(): ToolCall[] {
    return [...this.byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, e]) => makeToolCall(e.id || `call_${index}`, e.name, e.args));
  }
}

function parseArguments(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The model's own text when it was a valid object, else our parsed (possibly empty) object. */
function wireArguments(call: ToolCall): string {
  return parseArguments(call.rawArguments) ? call.rawArguments : JSON.stringify(call.arguments);
}

function textOf(content: ChatCompletionMessageParam['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => ('text' in part ? part.text : '')).join('');
}
