/**
 * The agent's voice for one call: the queue of things to say, each played in order through the
 * audio sink. It reports back only by posting SpeechReports (first heard, generated, finished)
 * into the call's mailbox, never by calling up, so nothing it does re-enters its caller.
 */
import { resolvedBeforeAbort } from '../lib/before-abort.js';
import type { Clock } from '../lib/clock.js';
import { sleep } from '../lib/sleep.js';
import type { LlmProvider } from '../llm/reply-stream.js';
import type { AudioSink, MarkId } from '../media/audio-sink.js';
import type { Logger } from '../observability/logger.js';
import type { HoldingLines } from '../tts/holding-lines.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import { linkedController } from './linked-controller.js';
import { ReplyAudio } from './reply-audio.js';
import type { GeneratedReply } from './reply-generation.js';
import {
  DEFAULT_REPLY_RECOVERY,
  generateWithRecovery,
  type ReplyRecoveryParams,
  sayWithRecovery,
} from './reply-recovery.js';
import type { SpeechReport, SpeechRequest, ThrownAwayWork } from './speech-types.js';

export type { SpeechFinished, SpeechReport, SpeechRequest, ThrownAwayWork } from './speech-types.js';

/** Longest wait for a playing holding line to be heard before the apology, ms. */
const HOLDING_LINE_WAIT_MS = 5000;

export interface AgentSpeechOptions {
  sink: AudioSink;
  tts: Synthesizer;
  llm: LlmProvider;
  /** The call's signal: aborting it stops every item's LLM and TTS requests. */
  signal: AbortSignal;
  /** Media clock, ms. */
  now: () => number;
  logger: Logger;
  /** Runs the holding-line timers and the pause between attempts. */
  clock: Clock;
  /** Said while a reply cannot start, so the caller is never left in silence. */
  holdingLines: HoldingLines;
  /** Default DEFAULT_REPLY_RECOVERY. */
  recovery?: Partial<ReplyRecoveryParams>;
  /** Into the call's mailbox: runs after whatever posted it has returned. */
  post: (report: SpeechReport) => void;
}

/** One queued or playing item (or a prepared one, held until queued). */
export interface SpeechItem {
  request: SpeechRequest;
  audio: ReplyAudio;
  /** Its own, aborted with the call's signal too (see `unlink`). */
  controller: AbortController;
  /** Stops listening to the call's signal once the item is over. */
  unlink: () => void;
  /** All audio is in the sink (or the item ended early). */
  generated: Promise<GeneratedReply | undefined>;
  interruptible: boolean;
  finished: boolean;
  /** Generation ended and all its audio is in the sink. */
  doneGenerating: boolean;
}

/**
 * Items play one after another in order. Each item starts generating at once (a speculative
 * reply even before it is queued), but its audio is held until every item before it has put all
 * its audio in the sink, so replies never interleave. An item is over when its last mark is
 * heard, or when it is interrupted or cancelled (then only the heard part counts).
 */
export class AgentSpeech {
  private readonly options: AgentSpeechOptions;
  private items: SpeechItem[] = [];

  constructor(options: AgentSpeechOptions) {
    this.options = options;
  }

  /** Starts producing an item without queueing it: its audio stays held until `enqueue`. */
  prepare(request: SpeechRequest): SpeechItem {
    const { controller, unlink } = linkedController(this.options.signal);
    const audio = new ReplyAudio({
      tts: this.options.tts,
      sink: this.options.sink,
      signal: controller.signal,
      held: true,
      now: this.options.now,
      logger: this.options.logger,
    });
    return {
      request,
      audio,
      controller,
      unlink,
      interruptible: request.kind === 'reply' || request.interruptible,
      finished: false,
      doneGenerating: false,
      generated: this.produce(request, audio, controller.signal),
    };
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
  discard(item: SpeechItem): ThrownAwayWork {
    item.controller.abort();
    return costOf(item);
  }

  /** A mark came back from Twilio (heard, not flushed by a clear). */
  markPlayed(mark: MarkId): void {
    for (const item of this.items) {
      const meaning = item.audio.markPlayed(mark);
      if (meaning === undefined) continue;
      if (meaning === 'first-heard') this.options.post({ type: 'speech_first_heard', speechId: item.request.speechId });
      this.finishHeardItems();
      return;
    }
  }

  get isSpeaking(): boolean {
    return this.items.length > 0;
  }

  /** True when the item speaking now may be cut off by the caller. */
  get canBeInterrupted(): boolean {
    // A clear would also flush the audio of an item that must survive (the goodbye) once it is
    // in the sink behind the head (e.g. after a tool-only reply), and it would never be heard.
    if (this.items.some((i) => !i.interruptible && i.audio.segments.length > 0)) return false;
    return this.items[0]?.interruptible ?? false;
  }

  /**
   * Barge-in: clears the sink, stops every interruptible item, and reports what the caller
   * heard of each. Items that may not be interrupted (the goodbye) play on.
   */
  interrupt(): void {
    const heardUpTo = this.options.sink.clear();
    const kept: SpeechItem[] = [];
    for (const item of this.items) {
      if (!item.interruptible) {
        kept.push(item);
        continue;
      }
      item.controller.abort();
      this.finish(item, item.audio.heardText(heardUpTo), true);
    }
    this.items = kept;
    // Kept items were held behind the interrupted ones; let the first go now.
    kept[0]?.audio.release();
  }

  /** Drops one item (the machine cancelled it); what was heard of it is reported. */
  cancel(speechId: string): void {
    const removed = this.remove(speechId);
    if (!removed) return;
    const { item, playing } = removed;
    const heard = playing ? item.audio.heardText(this.options.sink.clear()) : '';
    this.finish(item, heard, playing);
    this.items[0]?.audio.release();
  }

  /**
   * Takes one item back as if it had never been queued (a commit taken back before the caller
   * heard anything of it): its audio is cleared if it had started, and nothing is reported.
   */
  withdraw(speechId: string): ThrownAwayWork | undefined {
    const removed = this.remove(speechId);
    if (!removed) return undefined;
    const { item, playing } = removed;
    if (playing) this.options.sink.clear();
    item.finished = true;
    this.items[0]?.audio.release();
    return costOf(item);
  }

  /** Stops everything without reporting (the call is over). */
  dispose(): void {
    for (const item of this.items) item.controller.abort();
    this.items = [];
  }

  /** Stops and unqueues an item; `playing`: it was at the head with audio in the sink. */
  private remove(speechId: string): { item: SpeechItem; playing: boolean } | undefined {
    const index = this.items.findIndex((i) => i.request.speechId === speechId);
    const item = this.items[index];
    if (!item) return undefined;
    const playing = index === 0 && item.audio.segments.length > 0;
    item.controller.abort();
    this.items.splice(index, 1);
    return { item, playing };
  }

  private async produce(
    request: SpeechRequest,
    audio: ReplyAudio,
    signal: AbortSignal,
  ): Promise<GeneratedReply | undefined> {
    const recovery = {
      audio,
      signal,
      clock: this.options.clock,
      logger: this.options.logger,
      lines: this.options.holdingLines,
      params: { ...DEFAULT_REPLY_RECOVERY, ...this.options.recovery },
    };
    if (request.kind === 'say') {
      if (request.prerendered) {
        audio.play(request.prerendered, request.text);
        return undefined;
      }
      const failure = await sayWithRecovery({ ...recovery, text: request.text });
      if (failure !== undefined) await this.reportFailure(request.speechId, audio, signal, failure);
      return undefined;
    }
    const { failure, ...reply } = await generateWithRecovery({
      ...recovery,
      llm: this.options.llm,
      request: { messages: request.messages, tools: request.tools },
      now: this.options.now,
      ...(request.previousLine === undefined ? {} : { previousLine: request.previousLine }),
    });
    if (failure !== undefined) {
      await this.reportFailure(request.speechId, audio, signal, failure);
      return undefined;
    }
    return reply;
  }

  private async reportFailure(
    speechId: string,
    audio: ReplyAudio,
    signal: AbortSignal,
    failure: string,
  ): Promise<void> {
    // A speculation that failed tells the call only once it is adopted (released), never before.
    if (!(await resolvedBeforeAbort(audio.whenReleased, signal))) return;
    const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve));
    // A holding line still playing is heard to its end before the apology (bounded, marks may never come).
    await Promise.race([audio.whenAllHeard(), aborted, sleep(this.options.clock, HOLDING_LINE_WAIT_MS)]);
    if (!signal.aborted) this.options.post({ type: 'speech_failed', speechId, reason: failure });
  }

  private afterGenerated(item: SpeechItem, reply: GeneratedReply | undefined): void {
    if (item.controller.signal.aborted) return;
    if (reply) this.options.post({ type: 'reply_generated', speechId: item.request.speechId, reply });
    void item.audio.finish().then(() => {
      item.doneGenerating = true;
      this.finishHeardItems();
    });
  }

  /** Ends, in order, the items at the head of the queue that have been heard to the end. */
  private finishHeardItems(): void {
    for (;;) {
      const head = this.items[0];
      if (!head || head.controller.signal.aborted) return;
      // Not before generation ends: a chunk still to come would otherwise be cut off.
      const silent = head.audio.silent;
      if (!head.doneGenerating || !(head.audio.fullyHeard || silent)) return;
      this.items.shift();
      this.finish(head, silent ? '' : head.audio.spokenText, false);
      this.items[0]?.audio.release();
    }
  }

  private finish(item: SpeechItem, heardText: string, interrupted: boolean): void {
    if (item.finished) return;
    item.finished = true;
    item.unlink();
    const finished = { speechId: item.request.speechId, heardText, interrupted, timings: item.audio.timings };
    this.options.post({ type: 'speech_finished', finished });
  }
}

function costOf(item: SpeechItem): ThrownAwayWork {
  return { llmCalls: item.request.kind === 'reply' ? 1 : 0, ttsCharacters: item.audio.ttsCharacters };
}
