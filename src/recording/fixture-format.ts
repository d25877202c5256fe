/**
 * The recorded-call fixture format, version 1 (fixtures/FORMAT.md is the prose version).
 *
 * One folder a call: `call.jsonl` (one JSON object a line, each stamped `atMs` in media time:
 * ms since the Twilio stream started), `caller.ulaw` (the caller's raw μ-law, the payloads of the
 * inbound media frames back to back) and `tts/NNN.ulaw` (the audio of each TTS request).
 * This module holds the line types, their validation and the LLM request hash; reading and
 * writing folders live in fixture-reader.ts and fixture-writer.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, ErrorCodes } from '../lib/errors.js';
import type { ChatMessage, ToolSpec } from '../llm/reply-stream.js';

export const FIXTURE_VERSION = 1;
export const CALL_FILE = 'call.jsonl';
export const CALLER_AUDIO_FILE = 'caller.ulaw';
export const TTS_DIR = 'tts';

const atMs = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();

const metaLine = z.object({
  type: z.literal('meta'),
  atMs,
  version: z.number().int(),
  /** true when the call was built (synthesised caller, scripted providers), not recorded live. */
  synthetic: z.boolean(),
  /** One line saying what the fixture shows. */
  description: z.string().min(1),
  interviewId: z.string().min(1),
  /** ISO-8601 wall time the fixture was made. */
  created: z.string().min(1),
  /** How the call was placed, so a replay can place it alike (all optional). */
  context: z
    .object({
      direction: z.enum(['inbound', 'outbound']).optional(),
      candidateName: z.string().optional(),
      role: z.string().optional(),
      jobDescription: z.string().optional(),
    })
    .optional(),
});

const twilioInLine = z.object({
  type: z.literal('twilio-in'),
  atMs,
  event: z.string().min(1),
  /** The message as received, scrubbed; a media message's `media.payload` is left out. */
  message: z.record(z.string(), z.unknown()),
  /** For media: where its payload is in caller.ulaw. */
  audio: z.object({ offset: count, bytes: count }).optional(),
});

const sttWord = z.object({
  word: z.string(),
  punctuated: z.string().optional(),
  startS: z.number(),
  endS: z.number(),
  confidence: z.number(),
});
const sttEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('transcript'),
    isFinal: z.boolean(),
    speechFinal: z.boolean(),
    text: z.string(),
    words: z.array(sttWord),
    startS: z.number(),
    durationS: z.number(),
  }),
  z.object({ type: z.literal('speech-started'), atS: z.number() }),
  z.object({ type: z.literal('utterance-end'), lastWordEndS: z.number() }),
]);

const sttLine = z.object({
  type: z.literal('stt'),
  atMs,
  /** Which STT stream of the call (0 unless the call opened more than one). */
  stream: count,
  /** Audio seconds the stream had been sent when the event arrived: replay emits it there. */
  audioS: z.number().finite().nonnegative(),
  event: sttEvent,
});

const toolCall = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  rawArguments: z.string(),
});
const chatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string(), toolCalls: z.array(toolCall).optional() }),
  z.object({ role: z.literal('tool'), toolCallId: z.string(), content: z.string() }),
]);
const toolSpec = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});

const llmRequestLine = z.object({
  type: z.literal('llm-request'),
  atMs,
  /** Numbers the requests of the call from 0; the reply carries the same id. */
  id: count,
  /** llmRequestHash(messages, tools). */
  hash: z.string(),
  messages: z.array(chatMessage),
  tools: z.array(toolSpec),
});

const errorInfo = z.object({ code: z.string(), message: z.string() });

const llmReplyLine = z.object({
  type: z.literal('llm-reply'),
  atMs,
  id: count,
  /** Streamed text pieces; `afterMs` is ms after the request was sent. */
  pieces: z.array(z.object({ text: z.string(), afterMs: z.number().nonnegative() })),
  toolCalls: z.array(toolCall.extend({ afterMs: z.number().nonnegative() })),
  /** null when the stream did not finish (aborted or failed). */
  finishReason: z.string().nullable(),
  aborted: z.boolean(),
  error: errorInfo.optional(),
});

const ttsLine = z.object({
  type: z.literal('tts'),
  atMs,
  id: count,
  text: z.string(),
  model: z.string(),
  /** Relative to the fixture folder, e.g. `tts/000.ulaw`. */
  audioFile: z.string().regex(/^tts\/\d{3,}\.ulaw$/),
  bytes: count,
  /** ms from the request to the first audio byte; null when none came. */
  firstByteMs: z.number().nonnegative().nullable(),
  /** ms from the request to the end (last byte, abort or failure). */
  totalMs: z.number().nonnegative(),
  aborted: z.boolean(),
  error: errorInfo.optional(),
});

const outcomeLine = z.object({
  type: z.literal('outcome'),
  atMs,
  outcome: z.string(),
  /** Stages entered, in order. */
  stages: z.array(z.string()),
  transcript: z.array(
    z.object({
      role: z.enum(['agent', 'candidate']),
      text: z.string(),
      stage: z.string(),
      atMs: z.number().nonnegative(),
      interrupted: z.boolean(),
    }),
  ),
});

export const fixtureLineSchema = z.discriminatedUnion('type', [
  metaLine,
  twilioInLine,
  sttLine,
  llmRequestLine,
  llmReplyLine,
  ttsLine,
  outcomeLine,
]);

export type FixtureLine = z.infer<typeof fixtureLineSchema>;
export type MetaLine = z.infer<typeof metaLine>;
export type TwilioInLine = z.infer<typeof twilioInLine>;
export type SttLine = z.infer<typeof sttLine>;
export type LlmRequestLine = z.infer<typeof llmRequestLine>;
export type LlmReplyLine = z.infer<typeof llmReplyLine>;
export type TtsLine = z.infer<typeof ttsLine>;
export type OutcomeLine = z.infer<typeof outcomeLine>;
export type FixtureLineType = FixtureLine['type'];

export function fixtureError(where: string, problem: string, cause?: unknown): AppError {
  return new AppError(ErrorCodes.FIXTURE_INVALID, `${where}: ${problem}`, cause === undefined ? {} : { cause });
}

/** Parses and validates one line of call.jsonl; `where` names it in errors (e.g. "x/call.jsonl line 4"). */
export function parseFixtureLine(text: string, where: string): FixtureLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw fixtureError(where, 'not valid JSON', err);
  }
  const parsed = fixtureLineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : '(line)';
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String(raw.type) : '?';
    throw fixtureError(where, `${type} line: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as FixtureLine;
}

/** One line of call.jsonl (no trailing newline). */
export function serializeFixtureLine(line: FixtureLine): string {
  return JSON.stringify(line);
}

/**
 * A stable hash of what an LLM request asks: the messages and tools, with tool-call ids left
 * out (providers make them up per call) and whitespace collapsed. sha256, hex, first 16 chars.
 */
export function llmRequestHash(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): string {
  const canonical = {
    messages: messages.map(canonicalMessage),
    tools: tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
  };
  return createHash('sha256').update(stableJson(canonical)).digest('hex').slice(0, 16);
}

function canonicalMessage(message: ChatMessage): unknown {
  const content = collapse(message.content);
  switch (message.role) {
    case 'tool':
      return { role: 'tool', content };
    case 'assistant':
      return {
        role: 'assistant',
        content,
        calls: (message.toolCalls ?? []).map((c) => ({ name: c.name, arguments: c.arguments })),
      };
    default:
      return { role: message.role, content };
  }
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** JSON with object keys sorted, so equal values hash equally. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
