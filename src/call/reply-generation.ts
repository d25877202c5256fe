/**
 * One LLM reply streamed into speech (generateSpokenReply): tokens cut into speakable chunks, each
 * chunk to TTS at once; tool calls collected for the interview machine.
 */
import { isAbortError } from '../lib/errors.js';
import { ClauseChunker } from '../llm/clause-chunker.js';
import { ReplyFilter } from '../llm/reply-filter.js';
import type { LlmProvider, ReplyRequest, ToolCall } from '../llm/reply-stream.js';
import type { ReplyAudio } from './reply-audio.js';

export interface GeneratedReply {
  /** What of the model's text went to speech, after the ReplyFilter (not what was heard; see ReplyAudio.heardText). */
  text: string;
  /** The model ended the conversation in its own words; they were not spoken (ReplyFilter). */
  endedConversation?: boolean;
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
  /** The agent's last heard line (ReplyFilter). */
  previousLine?: string;
}): Promise<GeneratedReply> {
  const chunker = new ClauseChunker();
  const filter = new ReplyFilter(options.previousLine);
  const toolCalls: ToolCall[] = [];
  let firstTokenAt: number | undefined;
  const say = (chunk: string) => {
    const spoken = filter.pass(chunk);
    if (spoken !== undefined) options.audio.say(spoken);
  };
  try {
    for await (const delta of options.llm.streamReply({ ...options.request, signal: options.signal })) {
      if (delta.type === 'text') {
        if (firstTokenAt === undefined && delta.text.trim() !== '') firstTokenAt = options.now();
        for (const chunk of chunker.push(delta.text)) say(chunk);
      } else if (delta.type === 'text-ended') {
        for (const chunk of chunker.flush()) say(chunk);
      } else if (delta.type === 'tool-call') {
        toolCalls.push(delta.call);
      }
    }
  } catch (err) {
    if (!isAbortError(err) && !options.signal.aborted) throw err;
  }
  const aborted = options.signal.aborted;
  if (!aborted) for (const chunk of chunker.flush()) say(chunk);
  return {
    text: filter.spokenText,
    toolCalls,
    aborted,
    ...(filter.endedConversation ? { endedConversation: true } : {}),
    ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
  };
}
