import type { ChatMessage, LlmProvider, ToolSpec } from '../llm/reply-stream.js';
import type { OutboundPlayer } from '../media/outbound-player.js';
import type { Logger } from '../observability/logger.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import { ReplyAudio, type ReplyAudioTimings } from './reply-audio.js';
import { type GeneratedReply, generateSpokenReply } from './reply-generation.js';

/** Something the agent is to say: fixed text, or a reply the LLM writes. */
export type SpeechRequest =
  | { kind: 'say'; speechId: string; text: string; interruptible: boolean; prerendered?: Buffer }
  | { kind: 'reply'; speechId: string; messages: ChatMessage[]; tools: ToolSpec[] };

export interface SpeechFinished {
  speechId: string;
  heardText: string;
  interrupted: boolean;
  timings: ReplyAudioTimings;
}

export interface AgentSpeechOptions {
  player: OutboundPlayer;
  tts: Synthesizer;
  llm: LlmProvider;
  /** Media clock, ms. */
  now: () => number;
  logger: Logger;
  /** Spoken when the LLM fails for one reply, so the caller is not left in silence. */
  fallbackText: string;
  /** Every item ends here exactly once: heard to its last mark, interrupted, or cancelled. */
  onFinished: (finished: SpeechFinished) => void;
  /** An LLM reply finished generating (its tool calls, its text). */
  onGenerated: (speechId: string, reply: GeneratedReply) => void;
  /** The first frame of an item was heard by the caller. */
  onFirstHeard?: (speechId: string) => void;
}

/** One queued or playing item. */
export interface SpeechItem {
  request: SpeechRequest;
  audio: ReplyAudio;
  controller: AbortController;
  /** All audio is in the player (or the item ended early). */
  generated: Promise<GeneratedReply | undefined>;
  interruptible: boolean;
  finished: boolean;
}

/**
 * The agent's voice: items play one after another in order. Each item starts generating at
 * once (a speculative reply even before it is queued), but its audio is held until every item
 * before it has put all its audio in the player, so replies never interleave. An item is over
 * when its last mark is heard, or when it is interrupted (then only the heard part counts).
 */
export class AgentSpeech {
  private readonly options: AgentSpeechOptions;
  private items: SpeechItem[] = [];
  private seq = 0;

  constructor(options: AgentSpeechOptions) {
    this.options = options;
  }

  /** Starts producing an item without queueing it: its audio stays held until `enqueue`. */
  prepare(request: SpeechRequest): SpeechItem {
    const controller = new AbortController();
    const audio = new ReplyAudio({
      id: `s${++this.seq}`,
      tts: this.options.tts,
      player: this.options.player,
      signal: controller.signal,
      held: true,
      now: this.options.now,
      logger: this.options.logger,
    });
    const item: SpeechItem = {
      request,
      audio,
      controller,
      interruptible: request.kind === 'reply' || request.interruptible,
      finished: false,
      generated: this.produce(request, audio, controller.signal),
    };
    return item;
  }

  /** Queues an item (prepared or not); its audio follows everything queued before it. */
  enqueue(itemOrRequest: SpeechItem | SpeechRequest): SpeechItem {
    const item = 'audio' in itemOrRequest ? itemOrRequest : this.prepare(itemOrRequest);
    const before = this.items.at(-1);
    this.items.push(item);
    const releaseAfter = before ? before.generated.then(() => before.audio.finish()) : Promise.resolve();
    void releaseAfter.then(() => {
      if (!item.controller.signal.aborted) item.audio.release();
    });
    void item.generated.then((reply) => this.afterGenerated(item, reply));
    return item;
  }

  /** Throws away an item that was prepared but never queued (a regretted speculation). */
  discard(item: SpeechItem): void {
    item.controller.abort();
  }

  /** A mark came back from Twilio (heard, not flushed by a clear). */
  markPlayed(name: string): void {
    const item = this.items.find((i) => i.audio.ownsMark(name));
    if (!item) return;
    item.audio.markPlayed(name);
    if (name.endsWith('-start')) this.options.onFirstHeard?.(item.request.speechId);
    this.finishHeardItems();
  }

  /** The item playing now or next, if any. */
  get current(): SpeechItem | undefined {
    return this.items[0];
  }

  get isSpeaking(): boolean {
    return this.items.length > 0;
  }

  /** True when the item speaking now may be cut off by the caller. */
  get canBeInterrupted(): boolean {
    return this.items[0]?.interruptible ?? false;
  }

  /**
   * Barge-in: clears Twilio's buffer and ours, stops every interruptible item, and reports what
   * the caller heard of each. Items that may not be interrupted (the goodbye) play on.
   */
  interrupt(): void {
    const heardBytes = this.options.player.clear();
    const kept: SpeechItem[] = [];
    for (const item of this.items) {
      if (!item.interruptible) {
        kept.push(item);
        continue;
      }
      item.controller.abort();
      this.finish(item, item.audio.heardText(heardBytes), true);
    }
    this.items = kept;
    // Kept items were held behind the interrupted ones; let the first go now.
    const first = kept[0];
    if (first) first.audio.release();
  }

  /** Drops one item (the machine cancelled it); what was heard of it is reported. */
  cancel(speechId: string): void {
    const item = this.items.find((i) => i.request.speechId === speechId);
    if (!item) return;
    const playing = item === this.items[0] && item.audio.segments.length > 0;
    const heard = playing ? item.audio.heardText(this.options.player.clear()) : '';
    item.controller.abort();
    this.items = this.items.filter((i) => i !== item);
    this.finish(item, heard, playing);
    this.items[0]?.audio.release();
  }

  /** Stops everything without reporting (the call is over). */
  dispose(): void {
    for (const item of this.items) item.controller.abort();
    this.items = [];
  }

  private async produce(
    request: SpeechRequest,
    audio: ReplyAudio,
    signal: AbortSignal,
  ): Promise<GeneratedReply | undefined> {
    if (request.kind === 'say') {
      if (request.prerendered) audio.play(request.prerendered, request.text);
      else audio.say(request.text);
      return undefined;
    }
    try {
      return await generateSpokenReply({
        llm: this.options.llm,
        request: { messages: request.messages, tools: request.tools },
        audio,
        signal,
        now: this.options.now,
      });
    } catch (err) {
      this.options.logger.warn({ err }, 'llm reply failed; speaking the fallback');
      audio.say(this.options.fallbackText);
      return { text: this.options.fallbackText, toolCalls: [], aborted: false };
    }
  }

  private afterGenerated(item: SpeechItem, reply: GeneratedReply | undefined): void {
    if (item.controller.signal.aborted) return;
    if (reply) this.options.onGenerated(item.request.speechId, reply);
    void item.audio.finish().then(() => {
      this.doneGenerating.add(item);
      this.finishHeardItems();
    });
  }

  /** Ends, in order, the items at the head of the queue that have been heard to the end. */
  private finishHeardItems(): void {
    for (;;) {
      const head = this.items[0];
      if (!head || head.controller.signal.aborted) return;
      const silent = head.audio.segments.length === 0;
      if (!(head.audio.fullyHeard || (silent && this.generatedSilently(head)))) return;
      this.items.shift();
      this.finish(head, silent ? '' : head.audio.heardText(Number.POSITIVE_INFINITY), false);
      this.items[0]?.audio.release();
    }
  }

  private readonly doneGenerating = new WeakSet<SpeechItem>();

  private generatedSilently(item: SpeechItem): boolean {
    return this.doneGenerating.has(item);
  }

  private finish(item: SpeechItem, heardText: string, interrupted: boolean): void {
    if (item.finished) return;
    item.finished = true;
    this.options.onFinished({ speechId: item.request.speechId, heardText, interrupted, timings: item.audio.timings });
  }
}
