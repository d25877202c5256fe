/**
 * One turn's reply, generated again when it cannot start: an LLM error or stall, or a TTS chunk
 * that fails. While nothing of the reply is playing the caller hears holding lines ("One moment,
 * please."), never silence; a failed attempt is dropped (its unplayed text never counts as heard)
 * and the turn is tried again; after `maxAttempts` the reply gives up with a reason the record
 * can show, and the interview ends politely.
 */
import { resolvedBeforeAbort } from '../lib/before-abort.js';
import type { Clock, Timer } from '../lib/clock.js';
import { sleep } from '../lib/sleep.js';
import type { LlmProvider, ReplyRequest } from '../llm/reply-stream.js';
import type { Logger } from '../observability/logger.js';
import type { HoldingLines } from '../tts/holding-lines.js';
import type { ReplyAudio } from './reply-audio.js';
import { type GeneratedReply, generateSpokenReply } from './reply-generation.js';

export interface ReplyRecoveryParams {
  /** No reply audio this long after the reply began playing (or an attempt began) → a holding line, ms. */
  holdAfterMs: number;
  /** While there is still none, another holding line this often, ms. */
  repeatHoldMs: number;
  /** Attempts at one turn's reply (each with the LLM adapter's own retry) before giving up. */
  maxAttempts: number;
  /** Pause between a failed attempt and the next, ms. */
  retryDelayMs: number;
}

/**
 * Defaults. 1,000 ms: a reply normally starts ~500 ms after the commit (LLM first token + TTS
 * first byte), and the commit comes up to ~800 ms after the caller's last word, so the holding
 * line still falls within 2 s of it.
 */
export const DEFAULT_REPLY_RECOVERY: Readonly<ReplyRecoveryParams> = {
  holdAfterMs: 1000,
  repeatHoldMs: 4000,
  maxAttempts: 3,
  retryDelayMs: 250,
};

/** A reply that could not be produced after every attempt; `reason` is for the recruiter. */
export interface RecoveredReply extends GeneratedReply {
  failure?: string;
}

export const LLM_FAILED_REASON = 'the language model did not answer';
export const TTS_FAILED_REASON = 'speech synthesis failed';

export interface ReplyRecoveryOptions {
  llm: LlmProvider;
  request: Omit<ReplyRequest, 'signal'>;
  audio: ReplyAudio;
  /** The item's signal (barge-in, cancel, the call's end). */
  signal: AbortSignal;
  now: () => number;
  clock: Clock;
  logger: Logger;
  lines: HoldingLines;
  params: ReplyRecoveryParams;
  /** The agent's last heard line, for the reply filter (reply-generation.ts). */
  previousLine?: string;
}

/** What a recovery needs besides the reply itself (shared by replies and machine lines). */
type RecoveryContext = Pick<ReplyRecoveryOptions, 'audio' | 'signal' | 'clock' | 'logger' | 'lines' | 'params'>;

/**
 * A fixed line (the machine's own question or bridge) whose synthesis fails is retried like a
 * reply: a holding line, then the same text again, so the question is heard or the call ends
 * with the failure. Returns the failure reason after the last attempt, or undefined.
 */
export async function sayWithRecovery(o: RecoveryContext & { text: string }): Promise<string | undefined> {
  const holding = new HoldingWatch(o);
  try {
    for (let attempt = 1; ; attempt++) {
      const n = o.audio.newAttempt();
      o.audio.say(o.text);
      const synthesized = await o.audio.attemptSynthesized(n);
      if (synthesized || o.signal.aborted) return undefined;
      o.audio.breakAttempt(n);
      if (attempt >= o.params.maxAttempts) {
        o.logger.warn({ attempts: attempt }, 'line could not be synthesised after every attempt');
        return TTS_FAILED_REASON;
      }
      await holding.holdNow();
      try {
        await sleep(o.clock, o.params.retryDelayMs, o.signal);
      } catch {
        return undefined;
      }
    }
  } finally {
    holding.stop();
  }
}

export async function generateWithRecovery(o: ReplyRecoveryOptions): Promise<RecoveredReply> {
  const holding = new HoldingWatch(o);
  try {
    for (let attempt = 1; ; attempt++) {
      const n = o.audio.newAttempt();
      const controller = new AbortController();
      // Linked for the item's life (the item's signal dies with it): aborting the item aborts every attempt.
      o.signal.addEventListener('abort', () => controller.abort(), { once: true });
      // A chunk that cannot be synthesised breaks the attempt: stop its LLM request too.
      o.audio.onAttemptBroken((broken) => broken === n && controller.abort());
      let failure: string | undefined;
      let reply: GeneratedReply | undefined;
      try {
        reply = await generateSpokenReply({ ...o, signal: controller.signal });
      } catch (err) {
        o.logger.warn({ err, attempt }, 'llm reply failed');
        failure = LLM_FAILED_REASON;
      }
      if (o.signal.aborted) return { text: '', toolCalls: [], ...reply, aborted: true };
      if (!failure && (reply?.aborted || !(await o.audio.attemptSynthesized(n)))) failure = TTS_FAILED_REASON;
      if (!failure && reply) return reply;
      o.audio.breakAttempt(n);
      if (attempt >= o.params.maxAttempts) {
        o.logger.warn({ attempts: attempt, reason: failure }, 'reply failed after every attempt');
        return { text: '', toolCalls: [], aborted: false, failure: failure ?? LLM_FAILED_REASON };
      }
      // A speculative reply keeps its last attempt until it is adopted: spent unheard, the caller
      // would go from their answer straight to the apology, never hearing a holding line.
      if (attempt + 1 >= o.params.maxAttempts && !(await resolvedBeforeAbort(o.audio.whenReleased, o.signal))) {
        return { text: '', toolCalls: [], aborted: true };
      }
      await holding.holdNow();
      try {
        await sleep(o.clock, o.params.retryDelayMs, o.signal);
      } catch {
        return { text: '', toolCalls: [], aborted: true };
      }
    }
  } finally {
    holding.stop();
  }
}

/** Says holding lines while the reply is playing-in-principle (released) but has no audio. */
class HoldingWatch {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly o: RecoveryContext) {
    void o.audio.whenReleased.then(() => this.arm(o.params.holdAfterMs));
  }

  /** A holding line now (after a failed attempt), unless the reply has audio playing. */
  async holdNow(): Promise<void> {
    this.timer?.cancel();
    await this.say(true);
    this.arm(this.o.params.repeatHoldMs);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private arm(ms: number): void {
    this.timer?.cancel();
    if (this.stopped || this.o.signal.aborted) return;
    this.timer = this.o.clock.setTimeout(() => {
      void this.say().then(() => this.arm(this.o.params.repeatHoldMs));
    }, ms);
  }

  /** `afterFailure`: the failed attempt's audio does not count as the reply playing. */
  private async say(afterFailure = false): Promise<void> {
    const playing = () => !afterFailure && this.o.audio.attemptHasAudio;
    if (this.stopped || playing()) return;
    const line = await this.o.lines.next(this.o.signal);
    if (!line || this.stopped || playing()) return;
    if (!this.o.audio.hold(line.text, line.audio)) return;
    this.o.lines.said();
    this.o.logger.info({ text: line.text }, 'holding line said');
  }
}
