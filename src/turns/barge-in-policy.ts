import type { Clock, Timer } from '../lib/clock.js';
import type { SttEvent, SttWord } from '../stt/stt-stream.js';
import type { VoiceActivityEvent } from '../vad/voice-activity.js';
import { FILLER_WORDS, nonBackchannelWords } from './backchannel.js';
import { type BargeInParams, defaultBargeInParams } from './barge-in-params.js';
import { normalizeWords } from './normalize-words.js';
import { soundsLikeBackchannel } from './sounds-like.js';
import { UtteranceText } from './utterance-text.js';

export type { BargeInParams } from './barge-in-params.js';

export type BargeInDecision =
  /** The caller is really talking over the agent: clear its audio and stop the reply. */
  | {
      type: 'interrupt';
      /** Audio seconds where the caller's speech began, when known. */
      atS?: number;
      reason: 'words' | 'long-speech';
    }
  /** Caller speech during agent speech that was only backchannel; for the record. */
  | { type: 'ignored-backchannel'; text: string }
  /** The caller's voice began: stop feeding the agent's audio, no `clear` (then `held`). */
  | { type: 'hold' }
  /** Not (yet) real speech: feed the agent's audio again before the caller hears a gap. */
  | { type: 'release' };

export interface BargeInPolicyOptions {
  clock: Clock;
  onDecision: (decision: BargeInDecision) => void;
  params?: Partial<BargeInParams>;
}

/**
 * Decides whether caller speech while the agent speaks is an interruption or listener feedback
 * ("mm-hmm", "okay", a cough). Words are counted per segment of caller speech (a silence of
 * `segmentGapMs` starts a new one); at most one `interrupt` per agent turn. Caller speech while
 * the agent is silent is none of its business (the commit router handles it).
 */
export class BargeInPolicy {
  private readonly clock: Clock;
  private readonly onDecision: (decision: BargeInDecision) => void;
  private readonly params: BargeInParams;

  private speaking = false;
  /** Audio seconds the agent's audio started at; words that ended earlier were not talking over it. */
  private agentStartS: number | undefined;
  private interrupted = false;
  private readonly segment = new UtteranceText();
  private speechStartS: number | undefined;
  private holding = false;
  private releaseTimer: Timer | undefined;
  /** Audio seconds where the VAD's last voiced run ended; undefined while it goes on. */
  private voiceEndS: number | undefined;
  /** The segment's latest result was an interim (its tip may still grow into a phrase). */
  private lastResultInterim = false;
  /** Between the VAD's onset and offset. */
  private voicing = false;
  /** Clock ms the current voiced run's onset was reported at. */
  private voiceOnsetAt: number | undefined;
  /** Clock ms the segment's first onset was reported at: a comma's pause does not restart it. */
  private segmentVoiceAt: number | undefined;
  private longVoiceTimer: Timer | undefined;
  private disposed = false;

  constructor(options: BargeInPolicyOptions) {
    this.clock = options.clock;
    this.onDecision = options.onDecision;
    this.params = { ...defaultBargeInParams, ...options.params };
  }

  /**
   * The agent started (true) or stopped (false) speaking. `atS`: audio (media) seconds at which
   * its audio started, so caller words that ended before it are not counted.
   */
  agentSpeaking(speaking: boolean, atS?: number): void {
    if (this.disposed || speaking === this.speaking) return;
    this.closeSegment();
    this.endHold();
    this.endVoicedRun();
    this.speaking = speaking;
    this.interrupted = false;
    this.agentStartS = speaking ? atS : undefined;
  }

  handle(event: SttEvent): void {
    if (this.disposed || !this.speaking || this.interrupted) return;
    switch (event.type) {
      case 'speech-started':
        this.onSpeechStarted(event.atS);
        break;
      case 'utterance-end':
        this.closeSegment();
        break;
      case 'transcript':
        this.onTranscript(event.isFinal, event.text, event.words);
        break;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  /** The local VAD's onsets and offsets on the caller's audio, stamped in media ms. */
  voice(event: VoiceActivityEvent): void {
    if (this.disposed || !this.speaking || this.interrupted) return;
    const atS = event.atMs / 1000;
    if (event.type === 'voice-stopped') {
      this.voiceEndS = atS;
      this.endVoicedRun();
      this.judge(this.lastResultInterim);
      // The caller stopped before any real words: let the agent go on now, the gap shortest.
      if (!this.interrupted && this.holding) this.release();
      return;
    }
    this.startSpeech(atS);
    this.voiceEndS = undefined;
    if (!this.voicing) {
      this.voicing = true;
      this.voiceOnsetAt = this.clock.now();
      this.segmentVoiceAt ??= this.voiceOnsetAt;
      this.judgeAtVoiced(this.segmentVoiceAt + this.params.minVoicedMs, () =>
        this.judgeAtVoiced((this.voiceOnsetAt ?? this.clock.now()) + this.params.longVoiceMs),
      );
    }
    if (!this.holding) this.hold();
  }

  /**
   * The hold is in effect and the caller still hears `aheadMs` of the agent's audio: `release`
   * follows `releaseAfterDrainMs` after that unless real words interrupt first.
   */
  held(aheadMs: number): void {
    if (!this.holding || this.releaseTimer) return;
    this.releaseTimer = this.clock.setTimeout(() => {
      this.releaseTimer = undefined;
      // Undecided still (the STT needs ~300–900 ms for words, a backchannel lasts 200–700 ms):
      // release, so no backchannel is heard as a gap; real words still interrupt later.
      if (this.holding && !this.interrupted) this.release();
    }, aheadMs + this.params.releaseAfterDrainMs);
  }

  /** Judges again at clock ms `dueAt` if the voice goes on till then, then runs `then`. */
  private judgeAtVoiced(dueAt: number, then?: () => void): void {
    const dueMs = dueAt - this.clock.now();
    this.longVoiceTimer = this.clock.setTimeout(
      () => {
        this.longVoiceTimer = undefined;
        if (this.interrupted) return;
        this.judge(this.lastResultInterim);
        if (!this.interrupted) then?.();
      },
      Math.max(0, dueMs),
    );
  }

  dispose(): void {
    this.endHold();
    this.endVoicedRun();
    this.disposed = true;
  }

  private endVoicedRun(): void {
    this.voicing = false;
    this.voiceOnsetAt = undefined;
    this.longVoiceTimer?.cancel();
    this.longVoiceTimer = undefined;
  }

  private onSpeechStarted(atS: number): void {
    this.startSpeech(atS);
  }

  private startSpeech(atS: number): void {
    const lastEndS = latest(this.segment.lastWordEndS, this.voiceEndS);
    if (lastEndS !== undefined && (atS - lastEndS) * 1000 >= this.params.segmentGapMs) this.closeSegment();
    if (this.speechStartS === undefined || atS < this.speechStartS) this.speechStartS = atS;
  }

  private onTranscript(isFinal: boolean, text: string, words: readonly SttWord[]): void {
    const heard = words.filter(
      (w) => w.confidence >= this.params.minConfidence && (this.agentStartS === undefined || w.endS > this.agentStartS),
    );
    // Without word timings (some fakes) the text stands for itself; with them, only kept words count.
    const result = words.length === 0 ? { text, words } : { text: heard.map((w) => w.word).join(' '), words: heard };
    const firstS = heard[0]?.startS;
    const lastEndS = this.segment.lastWordEndS;
    if (firstS !== undefined && lastEndS !== undefined && (firstS - lastEndS) * 1000 >= this.params.segmentGapMs) {
      const carriedStartS =
        this.speechStartS !== undefined && this.speechStartS > lastEndS ? this.speechStartS : undefined;
      this.closeSegment();
      this.speechStartS = carriedStartS;
    }
    if (isFinal) this.segment.applyFinal(result);
    else this.segment.applyInterim(result);
    this.lastResultInterim = !isFinal;
    this.judge(!isFinal);
  }

  /** `openEnded`: the latest result is an interim, so its last words may still grow into a phrase. */
  private judge(openEnded: boolean): void {
    const tokens = this.segment.tokens;
    const others = nonBackchannelWords(tokens, openEnded);
    // An interim's last word may still be revised ("write" for "right", "i no" for "i know"): it
    // counts only when no revision could turn it into a backchannel word ("sorry", "wait", never
    // "write" or "ok"), for the word count as for the one-clear-word rule.
    const settled = openEnded ? settledWords(tokens, others) : others;
    const contentWords = settled.filter((w) => !FILLER_WORDS.has(w));
    const startS = this.speechStartS ?? this.segment.firstWordStartS;
    const endS = latest(this.segment.lastWordEndS, this.voiceEndS);
    const spokenMs = startS !== undefined && endS !== undefined ? (endS - startS) * 1000 : 0;
    const now = this.clock.now();
    const voicedLong =
      this.voicing && this.voiceOnsetAt !== undefined && now - this.voiceOnsetAt >= this.params.longVoiceMs;
    // One clear word in speech that has lasted long enough, by its words or by the voice still going.
    const segmentVoicedMs = this.voicing && this.segmentVoiceAt !== undefined ? now - this.segmentVoiceAt : 0;
    const spokenLong = spokenMs >= this.params.minSpeechMs || segmentVoicedMs >= this.params.minVoicedMs;
    if (settled.length >= this.params.minWords) this.interrupt('words', startS);
    else if (contentWords.length >= 1 && spokenLong) this.interrupt('long-speech', startS);
    else if (voicedLong && others.some((w) => !FILLER_WORDS.has(w))) this.interrupt('long-speech', startS);
    else if (this.voicing && !this.holding && others.some((w) => !FILLER_WORDS.has(w))) {
      // A real word shows while the caller is still speaking: hold again (released as before
      // unless the words settle into an interruption), so a real one is quiet sooner.
      this.hold();
    }
  }

  private hold(): void {
    if (!this.params.holdOnVoice) return;
    this.holding = true;
    this.onDecision({ type: 'hold' });
  }

  private interrupt(reason: 'words' | 'long-speech', atS: number | undefined): void {
    this.interrupted = true;
    this.endHold();
    this.segment.clear();
    this.speechStartS = undefined;
    this.segmentVoiceAt = undefined;
    this.onDecision(atS === undefined ? { type: 'interrupt', reason } : { type: 'interrupt', atS, reason });
  }

  /** Ends the current segment; one that held only backchannel is reported. */
  private closeSegment(): void {
    const text = this.segment.text;
    const tokens = normalizeWords(text);
    if (this.speaking && !this.interrupted && tokens.length > 0 && nonBackchannelWords(tokens).length === 0) {
      this.onDecision({ type: 'ignored-backchannel', text });
    }
    this.segment.clear();
    this.speechStartS = undefined;
    this.voiceEndS = undefined;
    this.segmentVoiceAt = undefined;
  }

  private release(): void {
    this.endHold();
    this.onDecision({ type: 'release' });
  }

  private endHold(): void {
    this.releaseTimer?.cancel();
    this.releaseTimer = undefined;
    this.holding = false;
  }
}

/** The non-backchannel words of an interim, its last only if it cannot be a misheard backchannel. */
function settledWords(tokens: readonly string[], others: readonly string[]): string[] {
  const beforeTip = nonBackchannelWords(tokens.slice(0, -1), true);
  const tip = tokens.at(-1);
  const tipCounts = tip !== undefined && others.length > beforeTip.length && !soundsLikeBackchannel(tip);
  return tipCounts ? [...beforeTip, tip] : beforeTip;
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
