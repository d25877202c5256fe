import type { Clock, Timer } from '../lib/clock.js';
import type { SttEvent, SttWord } from '../stt/stt-stream.js';
import type { VoiceActivityEvent } from '../vad/voice-activity.js';
import { CallerPauses } from './caller-pauses.js';
import type { CommitDecision, CommitReason, CommitRouterStats } from './commit-decision.js';
import { commitDueAt, type DueEvidence, speculateDueAt } from './commit-due.js';
import { type CommitParams, resolveCommitParams, type StageCommitParams } from './commit-params.js';
import { normalizeWords } from './normalize-words.js';
import { Speculations } from './speculations.js';
import { SttTiming } from './stt-timing.js';
import { judgeCompleteness } from './thought-completeness.js';
import { EPSILON_S, freshPart, isNoise } from './transcript-intake.js';
import { UtteranceText } from './utterance-text.js';
import { VoiceClues } from './voice-clues.js';

export type { CommitDecision, CommitReason, CommitRouterStats } from './commit-decision.js';

export interface CommitRouterOptions {
  clock: Clock;
  onDecision: (decision: CommitDecision) => void;
  /** Overrides of `defaultCommitParams` for every stage. */
  params?: Partial<CommitParams>;
  /** Per-stage overrides, applied over `params`. Default `defaultStageCommitParams`; `{}` turns them off. */
  stageParams?: StageCommitParams;
  /** The initial stage; unset means no stage overrides. */
  stage?: string;
  /**
   * The STT was asked to punctuate (Deepgram `punctuate`/`smart_format`, as the service always
   * does). Default true: its punctuation is trusted from the first word, until a final of three
   * words or more shows none. False: one or two words are taken as possibly unfinished
   * (`short-unpunctuated`) until the STT shows punctuation after all.
   */
  punctuationRequested?: boolean;
}

type Phase = 'idle' | 'open' | 'committed';

/**
 * Decides when the caller has finished an utterance, as a listener would: from whether the
 * words so far end a thought (`judgeCompleteness`: syntax, punctuation when the STT gives it,
 * the question just asked), how long the silence after the last word has lasted compared with
 * this caller's own pauses (`CallerPauses`) and with how late this STT shows new speech
 * (`SttTiming`), and the STT's own signals (`speech_final`, `UtteranceEnd`, `speech-started`),
 * each weighed as evidence. A `speculate` comes before the commit on words that sound complete;
 * after the commit the utterance stays open to a resume until the caller has heard the reply
 * (`replyHeard`); then new speech opens the next utterance.
 *
 * Pure apart from the injected clock: no I/O, one timer at a time.
 */
export class CommitRouter {
  readonly stats: CommitRouterStats = {
    commits: 0,
    speculations: 0,
    speculationsWasted: 0,
    speculationsAdopted: 0,
    resumes: 0,
    noiseIgnored: 0,
  };

  private readonly clock: Clock;
  private readonly onDecision: (decision: CommitDecision) => void;
  private readonly baseParams: Partial<CommitParams>;
  private readonly stageParams: StageCommitParams | undefined;
  private params: CommitParams;
  private readonly timing = new SttTiming();
  private readonly voiceClues = new VoiceClues(this.timing);
  private readonly pauses = new CallerPauses();
  private question = '';

  private phase: Phase = 'idle';
  private utteranceId = 0;
  private readonly text = new UtteranceText();
  /** Words that started before this belong to an utterance already answered. */
  private closedUntilS = Number.NEGATIVE_INFINITY;
  /** Start of the latest word shown so far (for first-shown timing and pauses), audio s. */
  private latestWordStartS = Number.NEGATIVE_INFINITY;
  private latestWordEndS: number | undefined;
  private endSignalAtMs: number | undefined;
  /** Silence after the last word that the STT itself heard before its end signal, ms. */
  private endSignalHeardMs = 0;
  /** A `speech-started` past the last word, not yet followed by its words. */
  private onsetAtMs: number | undefined;
  private readonly speculations = new Speculations();
  /** This STT punctuates its interims (so an interim without a full stop is mid-sentence). */
  private interimsPunctuated = false;
  /** This call's STT punctuates: as requested, until a longer final shows none; for good once any shows some. */
  private sttPunctuates: boolean;
  private punctuationSeen = false;
  private committedUntilS = 0;
  private committedTokens = 0;
  /** Audio end of the latest result of the open utterance; the word end when results carry no word timings. */
  private latestWindowEndS = 0;
  /** The latest result of the open utterance was a final (its words will not be revised). */
  private latestFinal = false;
  private timer: Timer | undefined;
  private disposed = false;
  /** An STT gap: no commit until a result reaches `untilS` of audio, or the clock reaches `deadlineMs`. */
  private gap: { untilS: number; deadlineMs: number } | undefined;

  constructor(options: CommitRouterOptions) {
    this.clock = options.clock;
    this.onDecision = options.onDecision;
    this.baseParams = options.params ?? {};
    this.stageParams = options.stageParams;
    this.params = resolveCommitParams(options.stage, this.baseParams, this.stageParams);
    this.sttPunctuates = options.punctuationRequested ?? true;
  }

  /** The parameters in force. */
  get currentParams(): Readonly<CommitParams> {
    return this.params;
  }

  setStage(stage: string): void {
    this.params = resolveCommitParams(stage, this.baseParams, this.stageParams);
    this.evaluate();
  }

  /**
   * The STT connection dropped after `sentUntilS` of audio: the words after the last result may
   * exist but come only from the reconnected socket, so the quiet meanwhile is no pause of the
   * caller's. Commits wait for a result covering that audio, at most `sttGapHoldMs`.
   */
  sttGap(sentUntilS: number): void {
    if (this.disposed) return;
    this.gap = { untilS: sentUntilS, deadlineMs: this.clock.now() + this.params.sttGapHoldMs };
    this.evaluate();
  }

  /** The question the agent just asked: a short preface to an open question waits for more. */
  setQuestion(question: string): void {
    this.question = question;
  }

  handle(event: SttEvent): void {
    if (this.disposed) return;
    const now = this.clock.now();
    switch (event.type) {
      case 'transcript':
        if (this.gap && event.startS + event.durationS >= this.gap.untilS - EPSILON_S) this.gap = undefined;
        this.timing.resultArrived(now, event.startS + event.durationS);
        this.onTranscript(event);
        break;
      case 'speech-started':
        this.timing.onsetReported(now, event.atS);
        // Speech is back before its words are transcribed: hold the commit for them.
        if (this.phase === 'open' && event.atS > (this.text.lastWordEndS ?? 0) + EPSILON_S) {
          this.onsetAtMs = now;
          this.evaluate();
        }
        break;
      case 'utterance-end':
        if (this.phase === 'open') {
          if (this.endSignalAtMs === undefined) {
            this.endSignalAtMs = now;
            this.endSignalHeardMs = (event.lastWordEndS - (this.text.lastWordEndS ?? event.lastWordEndS)) * 1000;
          }
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
   * The local VAD's onsets and offsets on the caller's audio (media ms): an onset past the last
   * word holds the commit like `speech-started`, only sooner; an offset is fast evidence of the
   * silence the commit waits for.
   */
  voice(event: VoiceActivityEvent): void {
    if (this.disposed) return;
    this.voiceClues.voice(event, this.clock.now());
    if (this.phase !== 'open') return;
    if (event.type === 'voice-started' && event.atMs / 1000 > (this.text.lastWordEndS ?? 0) + EPSILON_S) {
      this.onsetAtMs = this.clock.now();
    }
    this.evaluate();
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
    const result = freshPart(event, this.closedUntilS);
    this.noteWords(result.words);
    this.notePunctuation(event);
    if (isNoise(result, this.params.minConfidence, this.phase === 'open')) {
      this.stats.noiseIgnored += 1;
      if (!event.isFinal || this.phase === 'idle') return;
      // A final settles its window: a real-looking interim shown for it before is withdrawn.
      this.text.applyFinal(undefined);
    } else {
      if (this.phase === 'idle') this.openUtterance();
      if (event.isFinal) this.text.applyFinal(result);
      else this.text.applyInterim(result);
    }
    const windowEndS = event.startS + event.durationS;
    this.latestWindowEndS = windowEndS;
    this.latestFinal = event.isFinal;
    if (this.text.tokens.length === 0) return this.reset();
    if (this.phase === 'committed') {
      const wordless = this.text.words().length === 0 && this.text.tokens.length > 0;
      if (
        this.hasWordAfter(this.committedUntilS) ||
        (wordless && windowEndS > this.committedUntilS + EPSILON_S && this.text.tokens.length > this.committedTokens)
      )
        this.resume();
      return;
    }
    if (event.speechFinal && this.endpointHeard(windowEndS) && this.endSignalAtMs === undefined) {
      this.endSignalAtMs = this.clock.now();
      this.endSignalHeardMs = (windowEndS - (this.text.lastWordEndS ?? windowEndS)) * 1000;
    }
    this.checkSpeculation();
    this.evaluate();
  }

  /** Learns the STT's report delay and the caller's pauses from words shown for the first time. */
  private noteWords(words: readonly SttWord[]): void {
    const now = this.clock.now();
    const shownBefore: string[] = [this.text.text];
    for (const w of words) {
      if (w.startS <= this.latestWordStartS + EPSILON_S || w.confidence < this.params.minConfidence) continue;
      this.timing.wordFirstShown(now, w.startS);
      if (this.latestWordEndS !== undefined) {
        const gapMs = (w.startS - this.latestWordEndS) * 1000;
        // Going on within a thinking pause of the last word, even over a reply taken too soon,
        // is a pause of this caller's (a new answer comes only after the agent's reply).
        if (this.phase !== 'idle' || gapMs <= this.params.maxHabitMs) {
          const before = shownBefore.join(' ');
          this.pauses.wentOnAfter(gapMs, () => this.completenessOf(before) === 'hanging');
        }
      }
      shownBefore.push(w.punctuated ?? w.word);
      this.latestWordStartS = w.startS;
      this.latestWordEndS = w.endS;
      this.onsetAtMs = undefined;
      this.endSignalAtMs = undefined;
    }
  }

  private completenessOf(text: string) {
    return judgeCompleteness(text, { question: this.question, unpunctuated: !this.sttPunctuates });
  }

  /** The end of the latest word, audio s; without word timings, the end of the latest result. */
  private get lastWordEndS(): number {
    return this.text.lastWordEndS ?? this.latestWindowEndS;
  }

  private hasWordAfter(s: number): boolean {
    return this.text.words().some((w) => w.startS > s + EPSILON_S && w.confidence >= this.params.minConfidence);
  }

  /** Whether a `speech_final` result at `windowEndS` shows enough silence after the last word. */
  private endpointHeard(windowEndS: number): boolean {
    const lastWordEndS = this.text.lastWordEndS;
    if (lastWordEndS === undefined) return true;
    return (windowEndS - lastWordEndS) * 1000 >= this.params.endpointMinSilenceMs;
  }

  private openUtterance(): void {
    this.utteranceId += 1;
    this.phase = 'open';
    this.text.clear();
    this.endSignalAtMs = undefined;
    this.onsetAtMs = undefined;
    this.speculations.newUtterance();
  }

  private closeUtterance(): void {
    const endS = this.text.lastWordEndS;
    if (endS !== undefined) this.closedUntilS = Math.max(this.closedUntilS, endS);
    this.phase = 'idle';
    this.text.clear();
    this.speculations.drop();
  }

  private resume(): void {
    this.phase = 'open';
    this.stats.resumes += 1;
    this.endSignalAtMs = undefined;
    this.speculations.drop();
    this.onDecision({ type: 'resumed', utteranceId: this.utteranceId, text: this.text.text });
    this.evaluate();
  }

  /** A speculation whose meaning no longer matches the words is thrown away. */
  private checkSpeculation(): void {
    const verdict = this.speculations.review(this.text.text);
    if (verdict === 'adopted') this.stats.speculationsAdopted += 1;
    if (verdict !== 'invalidated') return;
    this.stats.speculationsWasted += 1;
    this.onDecision({ type: 'speculation-invalidated', utteranceId: this.utteranceId });
  }

  /** Commits or speculates if due, else sets the timer for the next moment one could be. */
  private evaluate(): void {
    this.cancelTimer();
    if (this.disposed || this.phase !== 'open') return;
    // Every event checks the VAD's open claim against the words, whatever else waits.
    this.voiceClues.review(this.clock.now(), (ms) => this.hasWordAfter(ms / 1000));
    const lastWordEndS = this.lastWordEndS;
    const p = this.params;
    const now = this.clock.now();
    if (this.gap && now < this.gap.deadlineMs) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.evaluate();
      }, this.gap.deadlineMs - now);
      return;
    }
    this.gap = undefined;
    const silenceStartMs = this.timing.audioToClockMs(lastWordEndS);
    const due: number[] = [silenceStartMs + p.maxSilenceMs];
    if (now >= silenceStartMs + p.maxSilenceMs) return this.commit('max-wait');

    const holding = this.onsetAtMs !== undefined && now < this.onsetAtMs + p.onsetHoldMs;
    if (holding && this.onsetAtMs !== undefined) due.push(this.onsetAtMs + p.onsetHoldMs);
    const evidence: DueEvidence = {
      completeness: this.completenessOf(this.text.text),
      silenceStartMs,
      params: p,
      habitMs: this.pauses.habitMs(p.maxHabitMs),
      wordReportMs: this.timing.wordReportMs,
      onsetReportMs: this.timing.onsetReportMs,
      endSignalAtMs: this.endSignalAtMs,
      endSignalHeardMs: this.endSignalHeardMs,
      voicePauseOverAt: (pauseMs, settledOnly) => this.voicePauseOverAt(pauseMs, settledOnly),
    };
    const commitAt = commitDueAt(evidence);
    if (!holding) {
      if (now >= commitAt.atMs) return this.commit(commitAt.reason);
      due.push(commitAt.atMs);
      const goingOnUntil = this.voiceClues.goingOnUntil(lastWordEndS * 1000, now);
      if (goingOnUntil !== undefined) due.push(goingOnUntil);
      const speculateAt = speculateDueAt(
        evidence,
        {
          running: this.speculations.running,
          left: p.maxSpeculations - this.speculations.startedThisUtterance,
          goingOn: goingOnUntil !== undefined,
          endsSentence: /[.?!]["')\]]*$/.test(this.text.text.trimEnd()),
          interimsPunctuated: this.interimsPunctuated,
        },
        commitAt.atMs,
      );
      if (speculateAt !== undefined) {
        if (now >= speculateAt) this.speculate();
        else due.push(speculateAt);
      }
    }
    const next = Math.min(...due.filter((at) => at > now));
    if (!Number.isFinite(next)) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.evaluate();
    }, next - now);
  }

  /**
   * When the VAD shows a silence of `pauseMs` after the last word; +∞ without its evidence. A
   * commit (`settledOnly`) also needs the words settled by a final: an interim's last word may
   * still be revised ("consum" for "consumers"), which a speculation survives and a commit not.
   */
  private voicePauseOverAt(pauseMs: number, settledOnly = true): number {
    if (settledOnly && !this.latestFinal) return Number.POSITIVE_INFINITY;
    return this.voiceClues.pauseOverAt(this.lastWordEndS * 1000, pauseMs);
  }

  /** What this result says about the STT's punctuation, in its interims and at all. */
  private notePunctuation(event: Extract<SttEvent, { type: 'transcript' }>): void {
    if (/[.,?!]/.test(event.text)) {
      if (!event.isFinal) this.interimsPunctuated = true;
      this.punctuationSeen = true;
      this.sttPunctuates = true;
    } else if (event.isFinal && !this.punctuationSeen && normalizeWords(event.text).length >= 3) {
      // Three words or more and not one mark: this STT writes none, whatever it was asked.
      this.sttPunctuates = false;
    }
  }

  private speculate(): void {
    const text = this.text.text;
    this.speculations.start(text);
    this.stats.speculations += 1;
    this.onDecision({ type: 'speculate', utteranceId: this.utteranceId, text });
  }

  private commit(reason: CommitReason): void {
    this.cancelTimer();
    const text = this.text.text;
    const spec = this.speculations.matching(text);
    this.phase = 'committed';
    this.committedUntilS = this.lastWordEndS;
    this.committedTokens = this.text.tokens.length;
    this.speculations.drop();
    this.stats.commits += 1;
    this.onDecision({
      type: 'commit',
      utteranceId: this.utteranceId,
      text,
      lastWordEndS: this.lastWordEndS,
      reason,
      speculated: spec !== undefined,
      ...(spec && { speculatedText: spec.text }),
    });
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
