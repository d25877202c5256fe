/**
 * The time-keyed heart of the fake Deepgram live STT: given a script of caller words on the
 * session's audio-time axis and the audio time received so far, it decides which Deepgram
 * messages a real session would have produced by then. Pure (no sockets, no timers), so the
 * cadence rules below are tested directly and reused by the WebSocket session.
 *
 * Rules (all times are seconds of audio time, i.e. bytes received / 8000):
 * - SpeechStarted (vad_events=true): when audio reaches the start of the first word after
 *   silence (an endpoint, or 300 ms with every word final); `timestamp` = that word's start.
 * - Interim Results (interim_results=true): every `interimIntervalMs` of audio while a window
 *   holds speech, once a word can be shown; window = [window start, now]; words whose
 *   end ≤ now, plus a word in progress once `wordVisibleMs` of it has been heard (the real
 *   service shows words while they are being spoken). A word with `interimText` shows that text in the first interim that carries it,
 *   then its real `word` (a revising partial).
 * - Final on endpoint: when no word is in progress and the silence after the last word reaches
 *   `endpointing` ms (query; default 10, `false` disables): is_final + speech_final.
 * - Final in long speech: when a window's speech (from its first word, or the window start if
 *   later) reaches `maxWindowMs` with words ended: is_final, speech_final false; words still in
 *   progress go to the next window.
 * - Empty final on silence: every `silentFinalIntervalMs` of audio with no speech in the window
 *   (0 disables), like the real service's empty finals.
 * - UtteranceEnd (utterance_end_ms set and interim_results=true): when `utterance_end_ms` of
 *   audio passed after the last finalised word's end with no new word started;
 *   `last_word_end` = that end.
 * - Finalize: finals everything heard so far (words begun count as heard) with from_finalize.
 *
 * What varies between real sessions (cadence jitter, late endpoints, tip-word revisions,
 * punctuation) comes from a `ListenBehaviour`; without one the engine keeps the fixed cadence
 * above. Seeded behaviours live in deepgram-listen-profile.ts.
 */

/** One word the caller says, on the session's audio-time axis. */
export interface SpokenWord {
  /** As it should appear punctuated, e.g. "Hello," or "Toronto." */
  word: string;
  startS: number;
  endS: number;
  /** Shown instead of `word` in the first interim carrying it (a later-corrected guess). */
  interimText?: string;
  /** Default 0.98. */
  confidence?: number;
}

/** One token as a result shows it. */
export interface RenderedWord {
  /** As `punctuated_word` would show it (casing, punctuation, smart_format). */
  shown: string;
  startS: number;
  endS: number;
  /** false: the result carries no `punctuated_word` for it (punctuation off for this result). */
  punctuated: boolean;
}

/**
 * What differs from one real session to another, asked as the engine goes. Every answer is in
 * ms of audio; implementations are deterministic (seeded) so a session can be replayed.
 */
export interface ListenBehaviour {
  /** Audio until the next interim of an open window. */
  nextInterimMs(): number;
  /** Continuous speech in one window before a final that is not an endpoint. */
  nextMaxWindowMs(): number;
  /** How much of word `index` (in script order) must be heard before interims show it. */
  wordVisibleMs(index: number): number;
  /** Silence past `endpointing` before the next endpoint's `speech_final`. */
  nextEndpointExtraMs(): number;
  /** Silence past `utterance_end_ms` before the next `UtteranceEnd`. */
  nextUtteranceEndExtraMs(): number;
  /** How far into speech the next `SpeechStarted` is sent. */
  nextSpeechStartedDelayMs(): number;
  /** Silence in a wordless window before an empty final; 0: none. */
  nextSilentFinalMs(): number;
  /** Whether the next `Finalize` is answered (Deepgram: in most cases, not guaranteed). */
  answersFinalize(): boolean;
  /**
   * The tokens a result shows for word `index`. `isTip`: the word is the last one of an interim
   * (where real recognizers are least sure); `punctuate`: the client asked for punctuation.
   */
  render(
    word: SpokenWord,
    index: number,
    view: { isFinal: boolean; isTip: boolean; punctuate: boolean },
  ): RenderedWord[];
}

export interface ListenEngineOptions {
  /** Interim cadence, ms of audio. Default 250. */
  interimIntervalMs?: number;
  /** Longest window before a non-endpoint final in long speech, ms of audio. Default 3000. */
  maxWindowMs?: number;
  /** An empty final after this much silent audio in a window, ms; 0 disables. Default 5000. */
  silentFinalIntervalMs?: number;
  /** A word in progress shows in interims once this much of it was heard, ms. Default 150. */
  wordVisibleMs?: number;
  /** Varies cadence and rendering per session (overrides the four fixed options above). Default none. */
  behaviour?: ListenBehaviour;
}

/** The engine's fixed cadence: the options above, every word shown as scripted. */
export function fixedBehaviour(options: ListenEngineOptions = {}): ListenBehaviour {
  const visibleMs = options.wordVisibleMs ?? 150;
  return {
    nextInterimMs: () => options.interimIntervalMs ?? 250,
    nextMaxWindowMs: () => options.maxWindowMs ?? 3000,
    wordVisibleMs: () => visibleMs,
    nextEndpointExtraMs: () => 0,
    nextUtteranceEndExtraMs: () => 0,
    nextSpeechStartedDelayMs: () => 0,
    nextSilentFinalMs: () => options.silentFinalIntervalMs ?? 5000,
    answersFinalize: () => true,
    render: (word, _index, view) => [
      { shown: word.word, startS: word.startS, endS: word.endS, punctuated: view.punctuate },
    ],
  };
}

/** Session settings as the client asked for them in the query. */
export interface ListenQuerySettings {
  interimResults: boolean;
  /** ms of silence for speech_final; false: endpointing disabled. */
  endpointingMs: number | false;
  /** undefined: no UtteranceEnd messages. */
  utteranceEndMs: number | undefined;
  vadEvents: boolean;
  punctuate: boolean;
}

export function parseListenQuery(query: URLSearchParams): ListenQuerySettings {
  const flag = (name: string) => query.get(name) === 'true';
  const endpointing = query.get('endpointing');
  const utteranceEnd = query.get('utterance_end_ms');
  return {
    interimResults: flag('interim_results'),
    endpointingMs: endpointing === 'false' ? false : endpointing === null ? 10 : Number(endpointing),
    utteranceEndMs: utteranceEnd === null ? undefined : Number(utteranceEnd),
    vadEvents: flag('vad_events'),
    punctuate: flag('punctuate') || flag('smart_format'),
  };
}

export interface FakeWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
}

/** What the engine decided; the session wraps these into wire messages. */
export type EngineEvent =
  | {
      type: 'Results';
      start: number;
      duration: number;
      isFinal: boolean;
      speechFinal: boolean;
      fromFinalize: boolean;
      transcript: string;
      words: FakeWord[];
    }
  | { type: 'SpeechStarted'; timestamp: number }
  | { type: 'UtteranceEnd'; lastWordEnd: number };

/** Audio is examined in steps this long; 10 ms is finer than any cadence we model. */
const STEP_S = 0.01;
const EPSILON_S = 1e-9;
/** Silence after which the fake's VAD considers speech over (for the next SpeechStarted), s. */
const VAD_SILENCE_S = 0.3;

export class ListenEngine {
  private words: SpokenWord[];
  private readonly behaviour: ListenBehaviour;
  private nowS = 0;
  private windowStartS = 0;
  private lastInterimS = 0;
  private interimS: number;
  private maxWindowS: number;
  private silentFinalS: number;
  private endpointExtraS: number;
  private utteranceEndExtraS: number;
  private finalizedCount = 0;
  private readonly interimShown = new Set<number>();
  private speaking = false;
  private speechStartedDueS: number | undefined;
  private speechStartedTimestampS = 0;
  private lastFinalWordEndS: number | undefined;
  private utteranceEndPending = false;

  constructor(
    script: SpokenWord[],
    private readonly settings: ListenQuerySettings,
    options: ListenEngineOptions = {},
  ) {
    this.words = [...script].sort((a, b) => a.startS - b.startS);
    this.behaviour = options.behaviour ?? fixedBehaviour(options);
    this.interimS = this.behaviour.nextInterimMs() / 1000;
    this.maxWindowS = this.behaviour.nextMaxWindowMs() / 1000;
    this.silentFinalS = this.behaviour.nextSilentFinalMs() / 1000;
    this.endpointExtraS = this.behaviour.nextEndpointExtraMs() / 1000;
    this.utteranceEndExtraS = this.behaviour.nextUtteranceEndExtraMs() / 1000;
  }

  /**
   * Adds words to the script while the session runs (a simulated caller deciding what to say
   * as the call goes). Words that would start in audio already examined are refused.
   */
  addWords(words: readonly SpokenWord[]): void {
    for (const word of words) {
      if (word.startS < this.nowS)
        throw new Error(`word "${word.word}" starts at ${word.startS}s, before ${this.nowS}s`);
    }
    this.words = [...this.words, ...words].sort((a, b) => a.startS - b.startS);
  }

  /** Audio seconds examined so far. */
  get audioS(): number {
    return this.nowS;
  }

  /** Moves the audio clock to `toS` and returns, in order, what became due on the way. */
  advance(toS: number): EngineEvent[] {
    const out: EngineEvent[] = [];
    while (this.nowS < toS - EPSILON_S) {
      this.nowS = Math.min(toS, this.nowS + STEP_S);
      this.tick(out);
    }
    return out;
  }

  /**
   * Finalize (`fromFinalize`) or CloseStream: everything begun so far becomes final now. A
   * Finalize the profile leaves unanswered changes nothing: the audio goes on being processed.
   */
  finalize(fromFinalize: boolean): EngineEvent[] {
    if (fromFinalize && !this.behaviour.answersFinalize()) return [];
    const out: EngineEvent[] = [];
    const heard = this.unfinalized().filter((w) => w.startS < this.nowS + EPSILON_S);
    out.push(this.results(heard, { isFinal: true, speechFinal: false, fromFinalize }));
    this.closeWindow(heard);
    // Every word begun is now final, so the next word to come starts a new utterance.
    this.speaking = false;
    return out;
  }

  private tick(out: EngineEvent[]): void {
    const t = this.nowS;
    const s = this.settings;
    const next = this.words[this.finalizedCount];
    if (next && !this.speaking && next.startS <= t + EPSILON_S) {
      this.speaking = true;
      this.utteranceEndPending = false;
      if (s.vadEvents) {
        this.speechStartedTimestampS = next.startS;
        this.speechStartedDueS = next.startS + this.behaviour.nextSpeechStartedDelayMs() / 1000;
      }
    }
    if (this.speechStartedDueS !== undefined && this.speechStartedDueS <= t + EPSILON_S) {
      out.push({ type: 'SpeechStarted', timestamp: round(this.speechStartedTimestampS) });
      this.speechStartedDueS = undefined;
    }
    const ended = this.unfinalized().filter((w) => w.endS <= t + EPSILON_S);
    const inProgress = this.unfinalized().some((w) => w.startS <= t + EPSILON_S && w.endS > t + EPSILON_S);
    const last = ended.at(-1);
    const silenceS = last ? t - last.endS : 0;
    const visible = this.unfinalized().filter(
      (w) => w.startS + this.behaviour.wordVisibleMs(this.words.indexOf(w)) / 1000 <= t + EPSILON_S,
    );
    const endpointS = s.endpointingMs === false ? undefined : s.endpointingMs / 1000 + this.endpointExtraS;

    if (last && !inProgress && endpointS !== undefined && silenceS + EPSILON_S >= endpointS) {
      out.push(this.results(ended, { isFinal: true, speechFinal: true, fromFinalize: false }));
      this.closeWindow(ended);
      this.speaking = false;
    } else if (
      last &&
      t - Math.max(this.windowStartS, this.unfinalized()[0]?.startS ?? t) + EPSILON_S >= this.maxWindowS
    ) {
      out.push(this.results(ended, { isFinal: true, speechFinal: false, fromFinalize: false }));
      this.closeWindow(ended);
    } else if (visible.length > 0 && s.interimResults && t - this.lastInterimS + EPSILON_S >= this.interimS) {
      out.push(this.results(visible, { isFinal: false, speechFinal: false, fromFinalize: false }));
      this.lastInterimS = t;
      this.interimS = this.behaviour.nextInterimMs() / 1000;
    } else if (
      !last &&
      !inProgress &&
      this.silentFinalS > 0 &&
      t - this.windowStartS + EPSILON_S >= this.silentFinalS
    ) {
      out.push(this.results([], { isFinal: true, speechFinal: false, fromFinalize: false }));
      this.closeWindow([]);
    }

    const nextStarted = this.words[this.finalizedCount];
    const newSpeech = nextStarted !== undefined && nextStarted.startS <= t + EPSILON_S;
    // Speech also ends without an endpoint final (endpointing=false, or a long-speech final took
    // the last words): after VAD_SILENCE_S with every begun word final.
    if (this.speaking && !newSpeech && t - (this.lastFinalWordEndS ?? t) + EPSILON_S >= VAD_SILENCE_S) {
      this.speaking = false;
    }
    if (
      this.utteranceEndPending &&
      this.lastFinalWordEndS !== undefined &&
      !newSpeech &&
      s.utteranceEndMs !== undefined &&
      t - this.lastFinalWordEndS + EPSILON_S >= s.utteranceEndMs / 1000 + this.utteranceEndExtraS
    ) {
      out.push({ type: 'UtteranceEnd', lastWordEnd: round(this.lastFinalWordEndS) });
      this.utteranceEndPending = false;
      this.utteranceEndExtraS = this.behaviour.nextUtteranceEndExtraMs() / 1000;
    }
  }

  private unfinalized(): SpokenWord[] {
    return this.words.slice(this.finalizedCount);
  }

  private closeWindow(finalWords: SpokenWord[]): void {
    this.finalizedCount += finalWords.length;
    this.windowStartS = this.nowS;
    this.lastInterimS = this.nowS;
    this.interimS = this.behaviour.nextInterimMs() / 1000;
    this.maxWindowS = this.behaviour.nextMaxWindowMs() / 1000;
    this.silentFinalS = this.behaviour.nextSilentFinalMs() / 1000;
    this.endpointExtraS = this.behaviour.nextEndpointExtraMs() / 1000;
    const last = finalWords.at(-1);
    if (last) {
      this.lastFinalWordEndS = last.endS;
      this.utteranceEndPending = this.settings.interimResults && this.settings.utteranceEndMs !== undefined;
    }
  }

  private results(
    words: SpokenWord[],
    flags: { isFinal: boolean; speechFinal: boolean; fromFinalize: boolean },
  ): EngineEvent {
    const fakeWords = words.flatMap((w, k) => {
      const index = this.words.indexOf(w);
      const firstInterim = !flags.isFinal && w.interimText !== undefined && !this.interimShown.has(index);
      if (!flags.isFinal) this.interimShown.add(index);
      const spoken = firstInterim && w.interimText !== undefined ? { ...w, word: w.interimText } : w;
      const view = {
        isFinal: flags.isFinal,
        isTip: !flags.isFinal && k === words.length - 1,
        punctuate: this.settings.punctuate,
      };
      return this.behaviour.render(spoken, index, view).map((r) => toFakeWord(r, w.confidence));
    });
    const transcript = fakeWords.map((w) => w.punctuated_word ?? w.word).join(' ');
    return {
      type: 'Results',
      start: round(this.windowStartS),
      duration: round(this.nowS - this.windowStartS),
      ...flags,
      transcript,
      words: fakeWords,
    };
  }
}

function toFakeWord(r: RenderedWord, confidence: number | undefined): FakeWord {
  const bare = r.shown.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, '');
  const word: FakeWord = { word: bare, start: round(r.startS), end: round(r.endS), confidence: confidence ?? 0.98 };
  if (r.punctuated) word.punctuated_word = r.shown;
  return word;
}

/** Deepgram reports times with millisecond-ish precision. */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
