import { isAbortError } from '../lib/errors.js';
import { ClauseChunker } from '../llm/clause-chunker.js';
import type { LlmProvider, ReplyRequest, ToolCall } from '../llm/reply-stream.js';
import type { ReplyAudio } from './reply-audio.js';

export interface GeneratedReply {
  /** Everything the model wrote for speaking (not what was heard; see ReplyAudio.heardText). */
  text: string;
  toolCalls: ToolCall[];
  /** Media-clock ms of the first text token; undefined for a reply that was only a tool call. */
  firstTokenAt?: number;
  aborted: boolean;
}

/**
 * Streams one LLM reply into speech: tokens are cut into speakable chunks as they arrive and
 * each chunk goes to TTS at once. Tool calls are collected for the interview machine.
 * An abort ends it quietly with `aborted: true`; other failures reject.
 */
export async function generateSpokenReply(options: {
  llm: LlmProvider;
  request: Omit<ReplyRequest, 'signal'>;
  audio: ReplyAudio;
  signal: AbortSignal;
  now: () => number;
}): Promise<GeneratedReply> {
  const chunker = new ClauseChunker();
  const toolCalls: ToolCall[] = [];
  let text = '';
  let firstTokenAt: number | undefined;
  try {
    for await (const delta of options.llm.streamReply({ ...options.request, signal: options.signal })) {
      if (delta.type === 'text') {
        if (firstTokenAt === undefined && delta.text.trim() !== '') firstTokenAt = options.now();
        text += delta.text;
        for (const chunk of chunker.push(delta.text)) options.audio.say(chunk);
      } else if (delta.type === 'text-ended') {
        for (const chunk of chunker.flush()) options.audio.say(chunk);
      } else if (delta.type === 'tool-call') {
        toolCalls.push(delta.call);
      }
    }
  } catch (err) {
    if (!isAbortError(err) && !options.signal.aborted) throw err;
  }
  const aborted = options.signal.aborted;
  if (!aborted) for (const chunk of chunker.flush()) options.audio.say(chunk);
  return { text: text.trim(), toolCalls, aborted, ...(firstTokenAt === undefined ? {} : { firstTokenAt }) };
}
