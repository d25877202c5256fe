/**
 * Seeded behaviour profiles for the fake Deepgram live STT: a profile name and a seed give one
 * deterministic session whose cadence, endpoint timing, tip-word revisions, punctuation and
 * processing lag vary the way real sessions do, within what Deepgram documents for live
 * streaming (interim results, endpointing, utterance_end_ms, vad_events, smart_format). The
 * cadence rules are in deepgram-listen-engine.ts; the ranges below are ours, chosen to bracket
 * what we have measured, with `measured` close to the measurement of issue 11.
 *
 * Everything a profile varies:
 * - interim cadence (ms of audio between interims of an open window), jittered per interim;
 * - when a word being spoken first shows in interims;
 * - tip revisions: the last word of an interim shown wrongly (its stem: "engine" for
 *   "engineer"; a homophone: "for" for "four"), corrected by the next result;
 * - re-splits: the tip word shown split or joined differently ("per cent" / "percent"), or
 *   spelt differently ("ok" / "okay"), settled by the final;
 * - numbers written as digits in finals (smart_format: "twelve" → "12");
 * - finals in the middle of continuous speech, every `finalEveryMs` of it;
 * - `speech_final` after `endpointing` plus a jittered extra silence; `UtteranceEnd` after
 *   `utterance_end_ms` plus an extra;
 * - `SpeechStarted` sent that far into speech (timestamp = the onset);
 * - empty finals in silent windows;
 * - punctuation as requested, only in finals, or never;
 * - processing lag plus jitter, messages never reordered;
 * - whether a `Finalize` is answered (most are).
 */
import { SeededRandom } from '../seeded-random.js';
import type { ListenBehaviour, RenderedWord, SpokenWord } from './deepgram-listen-engine.js';

/** [min, max], ms. */
export type RangeMs = readonly [number, number];

export type PunctuationMode = 'as-requested' | 'finals-only' | 'off';

export interface ListenProfile {
  readonly name: string;
  readonly description: string;
  readonly interimMs: RangeMs;
  readonly wordVisibleMs: RangeMs;
  /** Chance that an interim's tip word is shown wrongly (when a plausible mishearing exists). */
  readonly tipRevisionRate: number;
  /** Chance that a tip word with another spelling or split is shown that way until the final. */
  readonly resplitRate: number;
  readonly formatNumbersInFinals: boolean;
  readonly finalEveryMs: RangeMs;
  readonly endpointExtraMs: RangeMs;
  readonly utteranceEndExtraMs: RangeMs;
  readonly speechStartedDelayMs: RangeMs;
  /** Silence in a wordless window before an empty final. */
  readonly silentFinalMs: RangeMs;
  /** Chance that a wordless window gets an empty final at all. */
  readonly emptyFinalRate: number;
  readonly punctuation: PunctuationMode;
  /** Processing lag from the audio to the message, ms. */
  readonly lagMs: number;
  /** Extra lag, uniform in [0, lagJitterMs], ms; messages keep their order. */
  readonly lagJitterMs: number;
  /** Chance that a `Finalize` is answered at all ("in most cases … not guaranteed", Deepgram's docs). */
  readonly finalizeAnsweredRate: number;
}

const measured: ListenProfile = {
  name: 'measured',
  description: 'close to the issue-11 measurement: interims 200–400 ms, 120 ms lag, finals every 2.5–4 s',
  interimMs: [200, 400],
  wordVisibleMs: [120, 200],
  tipRevisionRate: 0.2,
  resplitRate: 0.3,
  formatNumbersInFinals: true,
  finalEveryMs: [2500, 4000],
  endpointExtraMs: [0, 40],
  utteranceEndExtraMs: [0, 60],
  speechStartedDelayMs: [100, 140],
  silentFinalMs: [1500, 4000],
  emptyFinalRate: 0.5,
  punctuation: 'as-requested',
  lagMs: 120,
  lagJitterMs: 20,
  finalizeAnsweredRate: 0.9,
};

/** Every profile the fake knows, by name. */
export const LISTEN_PROFILES = {
  measured,
  steady: {
    name: 'steady',
    description: 'the fixed cadence the router was first tuned on: interims every 250 ms, 100 ms lag',
    interimMs: [250, 250],
    wordVisibleMs: [150, 150],
    tipRevisionRate: 0,
    resplitRate: 0,
    formatNumbersInFinals: false,
    finalEveryMs: [3000, 3000],
    endpointExtraMs: [0, 0],
    utteranceEndExtraMs: [0, 0],
    speechStartedDelayMs: [0, 0],
    silentFinalMs: [5000, 5000],
    emptyFinalRate: 0,
    punctuation: 'as-requested',
    lagMs: 100,
    lagJitterMs: 0,
    finalizeAnsweredRate: 1,
  },
  twitchy: {
    name: 'twitchy',
    description: 'fast interims (100–200 ms) that often revise the tip word, short lag, frequent empty finals',
    interimMs: [100, 200],
    wordVisibleMs: [80, 160],
    tipRevisionRate: 0.4,
    resplitRate: 0.5,
    formatNumbersInFinals: true,
    finalEveryMs: [2500, 3000],
    endpointExtraMs: [0, 20],
    utteranceEndExtraMs: [0, 30],
    speechStartedDelayMs: [60, 100],
    silentFinalMs: [600, 1500],
    emptyFinalRate: 0.9,
    punctuation: 'as-requested',
    lagMs: 60,
    lagJitterMs: 40,
    finalizeAnsweredRate: 0.7,
  },
  laggy: {
    name: 'laggy',
    description: 'slow interims (300–400 ms), 180 ms lag with 60 ms jitter, late endpoints and SpeechStarted',
    interimMs: [300, 400],
    wordVisibleMs: [150, 250],
    tipRevisionRate: 0.15,
    resplitRate: 0.2,
    formatNumbersInFinals: true,
    finalEveryMs: [3000, 4000],
    endpointExtraMs: [0, 200],
    utteranceEndExtraMs: [0, 300],
    speechStartedDelayMs: [150, 250],
    silentFinalMs: [2000, 5000],
    emptyFinalRate: 0.3,
    punctuation: 'as-requested',
    lagMs: 180,
    lagJitterMs: 60,
    finalizeAnsweredRate: 0.8,
  },
  unpunctuated: {
    name: 'unpunctuated',
    description: 'no punctuation or casing at all (as without punctuate/smart_format), interims 150–350 ms',
    interimMs: [150, 350],
    wordVisibleMs: [100, 200],
    tipRevisionRate: 0.25,
    resplitRate: 0.3,
    formatNumbersInFinals: false,
    finalEveryMs: [2500, 4000],
    endpointExtraMs: [0, 60],
    utteranceEndExtraMs: [0, 100],
    speechStartedDelayMs: [90, 160],
    silentFinalMs: [1500, 4000],
    emptyFinalRate: 0.5,
    punctuation: 'off',
    lagMs: 150,
    lagJitterMs: 40,
    finalizeAnsweredRate: 0.9,
  },
  'late-punctuation': {
    name: 'late-punctuation',
    description: 'interims unpunctuated, finals punctuated and number-formatted, tip words often re-split',
    interimMs: [200, 350],
    wordVisibleMs: [100, 200],
    tipRevisionRate: 0.2,
    resplitRate: 0.6,
    formatNumbersInFinals: true,
    finalEveryMs: [2500, 3500],
    endpointExtraMs: [0, 80],
    utteranceEndExtraMs: [0, 80],
    speechStartedDelayMs: [100, 180],
    silentFinalMs: [800, 2500],
    emptyFinalRate: 0.7,
    punctuation: 'finals-only',
    lagMs: 120,
    lagJitterMs: 60,
    finalizeAnsweredRate: 0.9,
  },
} as const satisfies Record<string, ListenProfile>;

export type ListenProfileName = keyof typeof LISTEN_PROFILES;

export const LISTEN_PROFILE_NAMES = Object.keys(LISTEN_PROFILES) as ListenProfileName[];

export function isListenProfileName(name: string): name is ListenProfileName {
  return Object.hasOwn(LISTEN_PROFILES, name);
}

/** A profile and the seed of one session. */
export interface ListenProfileChoice {
  profile: ListenProfileName | ListenProfile;
  seed: number;
}

export function resolveProfile(profile: ListenProfileName | ListenProfile): ListenProfile {
  return typeof profile === 'string' ? LISTEN_PROFILES[profile] : profile;
}

/** The engine behaviour of one seeded session. */
export function profileBehaviour(choice: ListenProfileChoice): ListenBehaviour {
  const p = resolveProfile(choice.profile);
  const cadence = new SeededRandom(choice.seed);
  const perWord = new SeededRandom(choice.seed ^ 0x5bd1e995);
  const finalizes = new SeededRandom(choice.seed ^ 0x68e31da4);
  const inRange = (range: RangeMs) => Math.round(cadence.between(range[0], range[1]));
  return {
    nextInterimMs: () => inRange(p.interimMs),
    nextMaxWindowMs: () => inRange(p.finalEveryMs),
    wordVisibleMs: (index) => Math.round(perWord.fork(index).between(p.wordVisibleMs[0], p.wordVisibleMs[1])),
    nextEndpointExtraMs: () => inRange(p.endpointExtraMs),
    nextUtteranceEndExtraMs: () => inRange(p.utteranceEndExtraMs),
    nextSpeechStartedDelayMs: () => inRange(p.speechStartedDelayMs),
    nextSilentFinalMs: () => (cadence.chance(p.emptyFinalRate) ? inRange(p.silentFinalMs) : 0),
    answersFinalize: () => finalizes.chance(p.finalizeAnsweredRate),
    render: (word, index, view) => renderWord(p, perWord.fork(index + 1_000_003), word, view),
  };
}

/**
 * Arrival times of one session's messages: each one `lagMs` plus jitter after the audio that
 * produced it, never before the message sent ahead of it (one WebSocket keeps order).
 */
export class ListenArrivals {
  private readonly random: SeededRandom;
  private lastMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly profile: ListenProfile,
    seed: number,
  ) {
    this.random = new SeededRandom(seed ^ 0x27d4eb2f);
  }

  /** When a message produced at `producedAtMs` arrives, same scale. */
  arrivalMs(producedAtMs: number): number {
    const at = producedAtMs + this.profile.lagMs + this.random.between(0, this.profile.lagJitterMs);
    this.lastMs = Math.max(this.lastMs, at);
    return this.lastMs;
  }
}

function renderWord(
  p: ListenProfile,
  random: SeededRandom,
  word: SpokenWord,
  view: { isFinal: boolean; isTip: boolean; punctuate: boolean },
): RenderedWord[] {
  const punctuated =
    view.punctuate && (p.punctuation === 'as-requested' || (p.punctuation === 'finals-only' && view.isFinal));
  // Decided once per word (the fork is per word), so a word keeps its fate across results.
  const revises = random.chance(p.tipRevisionRate);
  const resplits = random.chance(p.resplitRate);
  let shown = word.word;
  if (view.isFinal) {
    if (p.formatNumbersInFinals && view.punctuate) shown = numberAsDigits(shown);
  } else if (view.isTip && revises) {
    shown = misheard(shown) ?? shown;
  }
  const parts = !view.isFinal && view.isTip && resplits ? (respelt(shown) ?? [shown]) : [shown];
  const spanS = (word.endS - word.startS) / parts.length;
  return parts.map((part, k) => ({
    shown: punctuated ? part : bare(part),
    startS: word.startS + spanS * k,
    endS: word.startS + spanS * (k + 1),
    punctuated,
  }));
}

function bare(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, '');
}

/** Keeps the punctuation around a word while its letters change. */
function reword(text: string, change: (core: string) => string | undefined): string | undefined {
  const match = /^([^\p{L}\p{N}]*)([\p{L}\p{N}'-]+)([^\p{L}\p{N}]*)$/u.exec(text);
  if (!match) return undefined;
  const core = change(match[2]!);
  return core === undefined ? undefined : `${match[1]}${core}${match[3]}`;
}

const HOMOPHONES: Readonly<Record<string, string>> = {
  for: 'four',
  four: 'for',
  to: 'two',
  two: 'to',
  too: 'to',
  there: 'their',
  their: 'there',
  no: 'know',
  know: 'no',
  right: 'write',
  one: 'won',
  here: 'hear',
  by: 'buy',
  new: 'knew',
  would: 'wood',
  our: 'are',
  team: 'teen',
};

/** A recognizer that has not heard the end of a word yet shows its stem, or a homophone. */
function misheard(text: string): string | undefined {
  return reword(text, (core) => {
    const lower = core.toLowerCase();
    const homophone = HOMOPHONES[lower];
    if (homophone) return matchCase(core, homophone);
    for (const suffix of ['ing', 'ers', 'er', 'ed', 'ly', 's']) {
      if (lower.length >= suffix.length + 4 && lower.endsWith(suffix)) return core.slice(0, -suffix.length);
    }
    return undefined;
  });
}

/** The same word written another way: split, joined or spelt otherwise. */
const RESPELLINGS: Readonly<Record<string, readonly string[]>> = {
  into: ['in', 'to'],
  percent: ['per', 'cent'],
  sometimes: ['some', 'times'],
  everyone: ['every', 'one'],
  cannot: ['can', 'not'],
  online: ['on', 'line'],
  setup: ['set', 'up'],
  okay: ['ok'],
  alright: ['all', 'right'],
  'mm-hmm': ['mhm'],
  'uh-huh': ['uh', 'huh'],
  yeah: ['yea'],
};

function respelt(text: string): string[] | undefined {
  const match = /^([^\p{L}\p{N}]*)([\p{L}\p{N}'-]+)([^\p{L}\p{N}]*)$/u.exec(text);
  if (!match) return undefined;
  const parts = RESPELLINGS[match[2]!.toLowerCase()];
  if (!parts) return undefined;
  return parts.map((part, k) => {
    const cased = k === 0 ? matchCase(match[2]!, part) : part;
    return `${k === 0 ? match[1] : ''}${cased}${k === parts.length - 1 ? match[3] : ''}`;
  });
}

/** Counts as smart_format writes them, "twelve" → 12, "forty" → 40; beyond this the fake keeps words. */
const DIGITS: Readonly<Record<string, number>> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** "zero" and "one" stay words: "one" is often a pronoun, and the router must not rely on either. */
function numberAsDigits(text: string): string {
  return (
    reword(text, (core) => {
      const value = DIGITS[core.toLowerCase()];
      return value === undefined ? undefined : String(value);
    }) ?? text
  );
}

function matchCase(model: string, word: string): string {
  return model[0] !== undefined && model[0] === model[0].toUpperCase() && model[0] !== model[0].toLowerCase()
    ? word[0]!.toUpperCase() + word.slice(1)
    : word;
}
