/**
 * The wire bodies of the OpenAI Chat Completions API, as the fake sends them (pure builders).
 * Shapes follow docs/openai-chat.md and the `openai` v6 types: every stream chunk repeats id,
 * created and model; `usage` is `null` on each chunk when usage was asked for, and a last
 * chunk with empty `choices` carries the counts.
 */
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';

export interface FakeToolCall {
  name: string;
  /** An object is sent as its JSON; a string is sent verbatim (for invalid-JSON tests). */
  arguments: Record<string, unknown> | string;
  /** Default `call_<n>` with a per-server counter. */
  id?: string;
}

export interface StreamPlan {
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: ChatCompletionChunk.Choice['finish_reason'];
  model: string;
  completionId: string;
  createdSec: number;
  includeUsage: boolean;
  promptTokens: number;
  /** Pieces of about this many characters stand in for tokens. */
  charsPerToken: number;
  /** Exact text pieces (replay); when set, `text` is their concatenation and is not re-split. */
  textPieces?: string[];
}

type Delta = ChatCompletionChunk.Choice.Delta;

/** Splits text into token-like pieces: a leading space stays with the word, words cut every `size` chars. */
export function splitIntoTokens(text: string, size: number): string[] {
  const pattern = new RegExp(`\\s?\\S{1,${Math.max(1, size)}}|\\s+`, 'gu');
  return text.match(pattern) ?? [];
}

/** Splits a string into fixed-size slices (tool-call arguments stream this way). */
export function splitEvery(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

/** Every chunk of one streamed completion, in order, without the closing `[DONE]`. */
export function buildStreamChunks(plan: StreamPlan): ChatCompletionChunk[] {
  const chunk = (delta: Delta, finishReason: StreamPlan['finishReason'] = null): ChatCompletionChunk => ({
    id: plan.completionId,
    object: 'chat.completion.chunk',
    created: plan.createdSec,
    model: plan.model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(plan.includeUsage ? { usage: null } : {}),
  });

  const chunks: ChatCompletionChunk[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  const textTokens = plan.textPieces ?? splitIntoTokens(plan.text, plan.charsPerToken);
  for (const piece of textTokens) chunks.push(chunk({ content: piece }));

  let argumentPieces = 0;
  plan.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const piece of splitEvery(call.arguments, plan.charsPerToken * 2)) {
      argumentPieces++;
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });

  chunks.push(chunk({}, plan.finishReason));
  if (plan.includeUsage) {
    const completionTokens = textTokens.length + argumentPieces + plan.toolCalls.length;
    chunks.push({
      id: plan.completionId,
      object: 'chat.completion.chunk',
      created: plan.createdSec,
      model: plan.model,
      system_fingerprint: 'fp_fake',
      choices: [],
      usage: {
        prompt_tokens: plan.promptTokens,
        completion_tokens: completionTokens,
        total_tokens: plan.promptTokens + completionTokens,
      },
    });
  }
  return chunks;
}

/** The non-streamed answer for the same plan. */
export function buildCompletion(plan: StreamPlan): ChatCompletion {
  const completionTokens = splitIntoTokens(plan.text, plan.charsPerToken).length;
  return {
    id: plan.completionId,
    object: 'chat.completion',
    created: plan.createdSec,
    model: plan.model,
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        logprobs: null,
        finish_reason: plan.finishReason ?? 'stop',
        message: {
          role: 'assistant',
          content: plan.text.length > 0 || plan.toolCalls.length === 0 ? plan.text : null,
          refusal: null,
          ...(plan.toolCalls.length > 0
            ? {
                tool_calls: plan.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
      },
    ],
    usage: {
      prompt_tokens: plan.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: plan.promptTokens + completionTokens,
    },
  };
}

/** The error body the real API answers with, e.g. 401 `invalid_api_key`. */
export function errorBody(error: { message: string; type: string; code: string | null }): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, param: null, code: error.code } });
}

/** Default error type/code by status, as the real API reports them. */
export function defaultError(status: number): { message: string; type: string; code: string | null } {
  if (status === 401)
    return { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 429) return { message: 'Rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500)
    return { message: 'The server had an error processing your request.', type: 'server_error', code: null };
  return { message: 'Invalid request.', type: 'invalid_request_error', code: null };
}

export function sseEvent(data: ChatCompletionChunk | '[DONE]'): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
