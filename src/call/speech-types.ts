/** What the agent's voice (agent-speech.ts) is asked to say and what it reports back. */
import type { ChatMessage, ToolSpec } from '../llm/reply-stream.js';
import type { ReplyAudioTimings } from './reply-audio.js';
import type { GeneratedReply } from './reply-generation.js';

/** Something the agent is to say: fixed text, or a reply the LLM writes. */
export type SpeechRequest =
  | { kind: 'say'; speechId: string; text: string; interruptible: boolean; prerendered?: Buffer }
  | { kind: 'reply'; speechId: string; messages: ChatMessage[]; tools: ToolSpec[]; previousLine?: string };

export interface SpeechFinished {
  speechId: string;
  heardText: string;
  interrupted: boolean;
  timings: ReplyAudioTimings;
}

/** What speech posts back to the call (see CallInput). */
export type SpeechReport =
  /** The first frame of an item was heard by the caller. */
  | { type: 'speech_first_heard'; speechId: string }
  /** An LLM reply finished generating (its text, its tool calls). */
  | { type: 'reply_generated'; speechId: string; reply: GeneratedReply }
  /** A reply could not be produced after every attempt (LLM or TTS down); `reason` is for the record. */
  | { type: 'speech_failed'; speechId: string; reason: string }
  /** Every queued item ends here exactly once: heard to its last mark, interrupted, or cancelled. */
  | { type: 'speech_finished'; finished: SpeechFinished };

/** What an item that never reached the caller had cost when it was thrown away. */
export interface ThrownAwayWork {
  llmCalls: number;
  ttsCharacters: number;
}
