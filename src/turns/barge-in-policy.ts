import type { Clock, Timer } from '../lib/clock.js';
import type { SttEvent, SttWord } from '../stt/stt-stream.js';
import { FILLER_WORDS, nonBackchannelWords } from './backchannel.js';
import { normalizeWords } from './normalize-words.js';
import { UtteranceText } from './utterance-text.js';

export interface BargeInParams {
  /**
   * Non-backchannel words that make caller speech an interruption. Default 2: one stray word
   * ("no", "so") is too often a reaction, two are the start of a sentence.
   */
  minWords: number;
  /**
   * One non-backchannel, non-filler word interrupts once the speech has lasted this long, audio
   * ms from speech start (VAD, or the first word) to the word's end. Default 400: a deliberate
   * "Sorry?", "Hello?" or "Wait!" with its onset; quicker single words wait for a second word.
   */
  minSpeechMs: number;
  /** Words below this confidence are ignored (coughs, line noise). Default 0.4, as for commits. */
  minConfidence: number;
  /**
   * A silence this long between caller words (audio ms) starts a new count, so an "mm-hmm" now
   * and a "so" ten seconds later never add up to two words. Default 1000 (Deepgram's
   * `utterance_end_ms` minimum); an `utterance-end` event also starts a new count.
   */
  segmentGapMs: number;
  /**
   * Soft pause: on `speech-started` while the agent speaks, emit `pause` (the agent's audio
   * stops at once and is kept), then `resume` unless real words follow. Default true: words
   * take ~600 ms to be sure of, so without it the agent talks over the caller that long; the
   * cost is a short pause (≤ `resumeAfterMs`) on a backchannel or a cough, never lost words.
   */
  pauseOnSpeechStart: boolean;
  /**
   * With `pauseOnSpeechStart`, emit `resume` this long after `pause` unless an interrupt came.
   * Default 1000: the second word of a real interruption starts ~300 ms after the onset and
   * shows in an interim up to ~250 ms + transport later (≈ 700–850 ms after the pause); resuming
   * before that would have the agent talk on and then be cut anyway.
   */
  resumeAfterMs: number;
}

export const defaultBargeInParams: Readonly<BargeInParams> = Object.freeze({
  minWords: 2,
  minSpeechMs: 400,
  minConfidence: 0.4,
  segmentGapMs: 1000,
  pauseOnSpeechStart: true,
  resumeAfterMs: 1000,
});

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
  | { type: 'pause' }
  | { type: 'resume' };

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
  private paused = false;
  private resumeTimer: Timer | undefined;
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
    this.cancelResume();
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

  dispose(): void {
    this.cancelResume();
    this.disposed = true;
  }

  private onSpeechStarted(atS: number): void {
    const lastEndS = this.segment.lastWordEndS;
    if (lastEndS !== undefined && (atS - lastEndS) * 1000 >= this.params.segmentGapMs) this.closeSegment();
    this.speechStartS ??= atS;
    if (this.params.pauseOnSpeechStart && !this.paused) {
      this.paused = true;
      this.onDecision({ type: 'pause' });
      this.resumeTimer = this.clock.setTimeout(() => this.resumeIfPaused(), this.params.resumeAfterMs);
    }
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
    this.judge(!isFinal);
  }

  /** `openEnded`: the latest result is an interim, so its last words may still grow into a phrase. */
  private judge(openEnded: boolean): void {
    const others = nonBackchannelWords(this.segment.tokens, openEnded);
    const contentWords = others.filter((w) => !FILLER_WORDS.has(w));
    const startS = this.speechStartS ?? this.segment.firstWordStartS;
    const endS = this.segment.lastWordEndS;
    const spokenMs = startS !== undefined && endS !== undefined ? (endS - startS) * 1000 : 0;
    if (others.length >= this.params.minWords) this.interrupt('words', startS);
    else if (contentWords.length >= 1 && spokenMs >= this.params.minSpeechMs) this.interrupt('long-speech', startS);
  }

  private interrupt(reason: 'words' | 'long-speech', atS: number | undefined): void {
    this.interrupted = true;
    this.paused = false;
    this.cancelResume();
    this.segment.clear();
    this.speechStartS = undefined;
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
  }

  private resumeIfPaused(): void {
    this.resumeTimer = undefined;
    if (!this.paused || this.interrupted) return;
    this.paused = false;
    this.onDecision({ type: 'resume' });
  }

  private cancelResume(): void {
    this.resumeTimer?.cancel();
    this.resumeTimer = undefined;
    this.paused = false;
  }
}
