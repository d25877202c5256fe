import type { Clock, Timer } from '../lib/clock.js';
import type { SttEvent } from '../stt/stt-stream.js';
import { type CommitParams, resolveCommitParams, type StageCommitParams } from './commit-params.js';
import { looksIncomplete } from './looks-incomplete.js';
import { normalizeWords, wordsKey } from './normalize-words.js';
import { UtteranceText, type WindowResult } from './utterance-text.js';

/** Why a commit happened; for latency metrics and tests. */
export type CommitReason = 'stable' | 'end-signal' | 'max-wait';

export type CommitDecision =
  /** Text has been stable long enough to start a reply speculatively (no audio may play yet). */
  | { type: 'speculate'; utteranceId: number; text: string }
  /** The text changed after `speculate`: throw that reply away. */
  | { type: 'speculation-invalidated'; utteranceId: number }
  /**
   * The utterance is done: produce or release the reply. `speculated` is true when the last
   * `speculate` of this utterance had these very words, so its reply can be used as is.
   */
  | {
      type: 'commit';
      utteranceId: number;
      text: string;
      /** Audio seconds where the last word ended. */
      lastWordEndS: number;
      reason: CommitReason;
      speculated: boolean;
    }
  /**
   * The caller went on speaking after the commit and before hearing the reply: cancel that
   * reply. The words merge into the same utterance; a later `commit` carries the merged text.
   */
  | { type: 'resumed'; utteranceId: number; text: string };

export interface CommitRouterStats {
  commits: number;
  speculations: number;
  /** Speculations whose text changed before the commit. */
  speculationsWasted: number;
  resumes: number;
  /** Transcript results dropped as noise (low confidence, or a lone filler outside an utterance). */
  noiseIgnored: number;
}

export interface CommitRouterOptions {
  clock: Clock;
  onDecision: (decision: CommitDecision) => void;
  /** Overrides of `defaultCommitParams` for every stage. */
  params?: Partial<CommitParams>;
  /** Per-stage overrides, applied over `params`. Default `defaultStageCommitParams`; `{}` turns them off. */
  stageParams?: StageCommitParams;
  /** The initial stage; unset means no stage overrides. */
  stage?: string;
}

/** A lone one of these starts nothing: coughs and breaths come out of STT as fillers. */
const LONE_NOISE_WORDS = new Set(['uh', 'um', 'hm', 'hmm', 'mm', 'ah', 'er', 'erm', 'uhm', 'oh']);

type Phase = 'idle' | 'open' | 'committed';

/**
 * Decides when the caller has finished an utterance, from STT results and their arrival time.
 *
 * An utterance opens with its first real words and is committed once its words have been
 * stable for `stableForMs` across `stablePartials` results — longer (`incompletePenaltyMs`)
 * when it ends like an unfinished sentence, sooner after an STT end signal when it does not,
 * and never later than `maxWaitMs` after the last new word. A `speculate` decision comes
 * before the commit. After the commit the utterance stays open to a resume until the caller
 * has heard the reply (`replyHeard`); then new speech opens the next utterance.
 *
 * Pure apart from the injected clock: no I/O, one timer at a time.
 */
export class CommitRouter {
  readonly stats: CommitRouterStats = {
    commits: 0,
    speculations: 0,
    speculationsWasted: 0,
    resumes: 0,
    noiseIgnored: 0,
  };

  private readonly clock: Clock;
  private readonly onDecision: (decision: CommitDecision) => void;
  private readonly baseParams: Partial<CommitParams>;
  private readonly stageParams: StageCommitParams | undefined;
  private params: CommitParams;

  private phase: Phase = 'idle';
  private utteranceId = 0;
  private readonly text = new UtteranceText();
  private key = '';
  private wordCount = 0;
  /** Last time the words changed, or speech was detected again. */
  private lastActivityAtMs = 0;
  private lastNewWordAtMs = 0;
  private agreeingResults = 0;
  private endSignal = false;
  private speculatedKey: string | undefined;
  /** Silence after the last word in the latest result, audio ms. */
  private silenceHeardMs = 0;
  private committedWordCount = 0;
  private timer: Timer | undefined;
  private disposed = false;

  constructor(options: CommitRouterOptions) {
    this.clock = options.clock;
    this.onDecision = options.onDecision;
    this.baseParams = options.params ?? {};
    this.stageParams = options.stageParams;
    this.params = resolveCommitParams(options.stage, this.baseParams, this.stageParams);
  }

  /** The parameters in force. */
  get currentParams(): Readonly<CommitParams> {
    return this.params;
  }

  setStage(stage: string): void {
    this.params = resolveCommitParams(stage, this.baseParams, this.stageParams);
    this.evaluate();
  }

  handle(event: SttEvent): void {
    if (this.disposed) return;
    switch (event.type) {
      case 'transcript':
        this.onTranscript(event);
        break;
      case 'speech-started':
        // Speech is back before its words are transcribed: hold the commit off (not maxWait).
        if (this.phase === 'open') {
          this.lastActivityAtMs = this.clock.now();
          this.endSignal = false;
          this.evaluate();
        }
        break;
      case 'utterance-end':
        if (this.phase === 'open') {
          this.endSignal = true;
          this.evaluate();
        }
        break;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  /**
   * The caller has heard the first audio of the reply to `utteranceId`: that utterance is
   * closed and new speech opens the next one. Ignored for any other utterance, or after a
   * resume (that reply was cancelled).
   */
  replyHeard(utteranceId: number): void {
    if (this.disposed || this.phase !== 'committed' || utteranceId !== this.utteranceId) return;
    this.closeUtterance();
  }

  /** Drops the current utterance (no decision), e.g. when the call moves on without it. */
  reset(): void {
    this.cancelTimer();
    this.closeUtterance();
  }

  dispose(): void {
    this.reset();
    this.disposed = true;
  }

  private onTranscript(event: Extract<SttEvent, { type: 'transcript' }>): void {
    const result: WindowResult = { text: event.text, words: event.words };
    if (this.isNoise(result)) {
      this.stats.noiseIgnored += 1;
      if (!event.isFinal || this.phase === 'idle') return;
      // A final settles its window: a real-looking interim shown for it before is withdrawn.
      this.text.applyFinal(undefined);
    } else {
      if (this.phase === 'idle') this.openUtterance();
      if (event.isFinal) this.text.applyFinal(result);
      else this.text.applyInterim(result);
    }
    const lastWordEndS = this.text.lastWordEndS;
    const windowEndS = event.startS + event.durationS;
    this.silenceHeardMs = lastWordEndS === undefined ? 0 : Math.max(0, (windowEndS - lastWordEndS) * 1000);
    this.track(event.speechFinal && this.endpointHeard(windowEndS));
  }

  /** Whether a `speech_final` result at `windowEndS` shows enough silence after the last word. */
  private endpointHeard(windowEndS: number): boolean {
    const lastWordEndS = this.text.lastWordEndS;
    if (lastWordEndS === undefined) return true;
    return (windowEndS - lastWordEndS) * 1000 >= this.params.endpointMinSilenceMs;
  }

  /** Compares the words with the previous result and updates stability, then re-evaluates. */
  private track(speechFinal: boolean): void {
    const tokens = this.text.tokens;
    const key = wordsKey(tokens);
    const now = this.clock.now();
    const grew = tokens.length > this.wordCount;
    this.wordCount = tokens.length;

    if (this.phase === 'committed') {
      // Words past the committed ones mean the caller went on; a mere correction does not
      // justify cancelling a reply already under way.
      this.key = key;
      if (tokens.length > this.committedWordCount) this.resume(now);
      return;
    }

    if (key === this.key) {
      this.agreeingResults += 1;
    } else {
      this.invalidateSpeculation();
      this.key = key;
      this.agreeingResults = 1;
      this.lastActivityAtMs = now;
      this.endSignal = false;
      if (grew) this.lastNewWordAtMs = now;
    }
    if (speechFinal) this.endSignal = true;
    if (tokens.length === 0) {
      // Every word was withdrawn: nothing is left to commit.
      this.reset();
      return;
    }
    this.evaluate();
  }

  private isNoise(result: WindowResult): boolean {
    const tokens = normalizeWords(result.text);
    if (tokens.length === 0) return true;
    if (result.words.length > 0 && result.words.every((w) => w.confidence < this.params.minConfidence)) return true;
    // A lone filler may continue an open utterance ("I was at Acme… um") but not start or resume one.
    return tokens.length === 1 && LONE_NOISE_WORDS.has(tokens[0]!) && this.phase !== 'open';
  }

  private openUtterance(): void {
    this.utteranceId += 1;
    this.phase = 'open';
    this.text.clear();
    this.key = '';
    this.wordCount = 0;
    this.agreeingResults = 0;
    this.endSignal = false;
    this.speculatedKey = undefined;
  }

  private closeUtterance(): void {
    this.phase = 'idle';
    this.text.clear();
    this.key = '';
    this.wordCount = 0;
    this.speculatedKey = undefined;
  }

  private resume(now: number): void {
    this.phase = 'open';
    this.stats.resumes += 1;
    this.lastActivityAtMs = now;
    this.lastNewWordAtMs = now;
    this.agreeingResults = 1;
    this.endSignal = false;
    this.speculatedKey = undefined;
    this.onDecision({ type: 'resumed', utteranceId: this.utteranceId, text: this.text.text });
    this.evaluate();
  }

  private invalidateSpeculation(): void {
    if (this.speculatedKey === undefined) return;
    this.speculatedKey = undefined;
    this.stats.speculationsWasted += 1;
    this.onDecision({ type: 'speculation-invalidated', utteranceId: this.utteranceId });
  }

  /** Commits or speculates if due, else sets the timer for the next moment one could be. */
  private evaluate(): void {
    this.cancelTimer();
    if (this.disposed || this.phase !== 'open') return;
    const p = this.params;
    const now = this.clock.now();
    const penaltyMs = looksIncomplete(this.text.text) ? p.incompletePenaltyMs : 0;
    const quietMs = now - this.lastActivityAtMs;
    const agreed = this.agreeingResults >= p.stablePartials;
    const endSignalApplies = this.endSignal && penaltyMs === 0;

    if (now - this.lastNewWordAtMs >= p.maxWaitMs) return this.commit('max-wait');
    if (endSignalApplies && quietMs >= p.endSignalStableMs) return this.commit('end-signal');
    if (agreed && quietMs >= p.stableForMs + penaltyMs) return this.commit('stable');
    // Never on a hanging sentence: its pause is usually a thought, and a reply to half of it is
    // thrown away (it is committed, if ever, only after the penalty, with no lead worth having).
    const maySpeculate = this.speculatedKey === undefined && penaltyMs === 0;
    // After speculateAfterMs only with a pause heard in the audio; else at full stability.
    const speculateAt = this.silenceHeardMs >= p.speculateMinSilenceMs ? p.speculateAfterMs : p.stableForMs;
    if (maySpeculate && quietMs >= speculateAt) this.speculate();

    const due = [this.lastNewWordAtMs + p.maxWaitMs];
    if (endSignalApplies) due.push(this.lastActivityAtMs + p.endSignalStableMs);
    if (agreed) due.push(this.lastActivityAtMs + p.stableForMs + penaltyMs);
    if (maySpeculate) due.push(this.lastActivityAtMs + speculateAt);
    const next = Math.min(...due.filter((at) => at > now));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.evaluate();
    }, next - now);
  }

  private speculate(): void {
    this.speculatedKey = this.key;
    this.stats.speculations += 1;
    this.onDecision({ type: 'speculate', utteranceId: this.utteranceId, text: this.text.text });
  }

  private commit(reason: CommitReason): void {
    this.cancelTimer();
    const speculated = this.speculatedKey === this.key;
    this.phase = 'committed';
    this.committedWordCount = this.wordCount;
    this.speculatedKey = undefined;
    this.stats.commits += 1;
    this.onDecision({
      type: 'commit',
      utteranceId: this.utteranceId,
      text: this.text.text,
      lastWordEndS: this.text.lastWordEndS ?? 0,
      reason,
      speculated,
    });
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
