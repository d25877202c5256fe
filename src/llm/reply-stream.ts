/**
 * The LLM port: a streamed chat completion with tools, as typed deltas.
 * Messages follow the Chat Completions shape so any OpenAI-compatible endpoint serves.
 */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments; `{}` when the model sent none or invalid JSON (see `rawArguments`). */
  arguments: Record<string, unknown>;
  rawArguments: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type ReplyDelta =
  | { type: 'text'; text: string }
  /** No more text in this reply (tool calls are streaming); lets the last sentence go to TTS. */
  | { type: 'text-ended' }
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'done'; finishReason: string };

export interface ReplyRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Cancels the request (barge-in, regretted commit); the iterator then ends quietly. */
  signal?: AbortSignal;
}

export interface LlmProvider {
  streamReply(request: ReplyRequest): AsyncIterable<ReplyDelta>;
  /**
   * Best effort, never throws: open a connection to the endpoint now, so the call's first
   * reply does not also pay for DNS, TCP and TLS (100–300 ms to a distant API).
   */
  prepare?(): void;
}
