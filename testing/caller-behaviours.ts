/**
 * Seeded callers for property tests: what a candidate says and when, as word timelines on the
 * audio axis that the fake Deepgram engine turns into its messages.
 *
 * - Fluent answers of 1–40 s: sentences at 2.5–4 words a second, 20–120 ms between words,
 *   150–350 ms between sentences.
 * - Hesitant answers: the same with 1–3 thinking pauses of 400–1,500 ms, each at a point of a
 *   known kind (after a hanging word such as a preposition, article or conjunction; after a
 *   comma; after a dependent clause or a fronted phrase; after a whole sentence).
 * - Backchannels of 200–700 ms ("Mm-hmm.", "Okay.", "I see.") and real interruptions (a whole
 *   question or objection, 1–3 s) at a chosen moment.
 *
 * Every pause carries its kind, so a test can say which pauses a listener could have told apart
 * from an end of turn by the words alone.
 */
import type { SpokenWord } from './fakes/deepgram-listen-engine.js';
import type { SeededRandom } from './seeded-random.js';

/** Where a thinking pause falls. */
export type PauseKind = 'hanging-word' | 'comma' | 'dependent-clause' | 'sentence';

export interface CallerPause {
  kind: PauseKind;
  /** Index in `words` of the word the pause follows. */
  afterWord: number;
  ms: number;
  /** Audio seconds where the pause starts (the end of that word) and ends (the next word's start). */
  fromS: number;
  toS: number;
}

export interface CallerAnswer {
  kind: 'fluent' | 'hesitant';
  words: SpokenWord[];
  pauses: CallerPause[];
  /** Audio seconds of the first word's start and the last word's end. */
  startS: number;
  endS: number;
}

export interface Interjection {
  kind: 'backchannel' | 'interruption';
  words: SpokenWord[];
  startS: number;
  endS: number;
}

/** Sentences an answer is made of; a "|" marks a dependent clause or fronted phrase ending there. */
const SENTENCES: readonly string[] = [
  'I am a backend engineer at a logistics company.',
  'I have worked on routing services for four years.',
  'In my last role,| I led the payments team.',
  'When I joined Acme,| the tests took an hour to run.',
  'We moved our nightly batch jobs to a streaming pipeline.',
  'The hardest part was the migration of the old data.',
  'I wrote the migration plan and built the first consumers.',
  'Because the old system kept losing orders,| we rebuilt the ledger from scratch.',
  'Reports were ready four hours earlier after that.',
  'I designed the matching service myself, and I wrote most of its code.',
  'Delivery times dropped by twelve percent over a quarter.',
  'If I am honest,| the first version was far too slow.',
  'After the launch,| the pages to the on call team dropped by half.',
  'I like the product, and I want to work on real time systems.',
  'Mostly I want to work closer to customers.',
  'I mentored two junior engineers on the team.',
  'We measured it over a whole quarter with the support team.',
  'At the moment,| I am looking for a role with more ownership.',
  'The team was small, so everyone did a bit of everything.',
  'I set up the component library for the booking flow.',
];

/** Answers shorter than a sentence, for 1–2 s turns. */
const SHORT_ANSWERS: readonly string[] = [
  'Yes, this is Sam.',
  'Sure, go ahead.',
  'Yes, now is fine.',
  'About four years.',
  'No questions, thank you.',
  'That sounds good.',
  'Yes, that is right.',
];

/** Words after which a sentence cannot end: a pause there is a hesitation whatever follows. */
export const HANGING_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'my',
  'our',
  'its',
  'and',
  'but',
  'or',
  'so',
  'because',
  'to',
  'of',
  'in',
  'on',
  'at',
  'for',
  'with',
  'from',
  'into',
  'by',
  'was',
  'were',
  'is',
  'am',
  'had',
  'have',
  'i',
  'we',
  'that',
  'when',
]);

const BACKCHANNELS: readonly string[] = [
  'Mm-hmm.',
  'Okay.',
  'Right.',
  'Yeah.',
  'Uh-huh.',
  'Sure.',
  'I see.',
  'Got it.',
  'Yes.',
  'Mhm.',
  'Okay, yeah.',
  'Alright.',
  'Yep.',
  'Oh, okay.',
  'I know.',
  'Makes sense.',
  'Interesting.',
  'Thank you.',
  'Exactly.',
  'Uh-huh, yeah.',
];

const INTERRUPTIONS: readonly string[] = [
  'Sorry, can I ask how long this will take?',
  'Wait, is this role remote or in the office?',
  'Hold on, could you say that again please?',
  'Actually, I have a question about the team.',
  'Sorry, I did not catch that last part.',
  'Excuse me, what was the name of the company?',
  'Can you repeat the question?',
  'No, that is not what I meant.',
];

export interface AnswerOptions {
  kind: 'fluent' | 'hesitant';
  /** Audio seconds where the first word starts. */
  startS: number;
  /** Spoken length aimed at, ms (pauses excluded). Default: 1–40 s, drawn. */
  targetMs?: number;
  /** Pause kinds a hesitant answer may use. Default all four. */
  pauseKinds?: readonly PauseKind[];
}

/** One answer, laid out on the audio axis. */
export function generateAnswer(random: SeededRandom, options: AnswerOptions): CallerAnswer {
  const targetMs = options.targetMs ?? Math.round(random.between(1000, 40_000));
  const sentences = pickSentences(random, targetMs);
  const tokens = sentences.flatMap((sentence, s) =>
    sentence
      .split(/\s+/)
      .filter((t) => t.length > 0)
      .map((raw, k, all) => ({
        word: raw.replace('|', ''),
        clauseEnd: raw.endsWith('|'),
        sentenceEnd: k === all.length - 1 && s < sentences.length - 1,
      })),
  );
  const pauses = options.kind === 'hesitant' ? planPauses(random, tokens, options.pauseKinds) : new Map();
  const rate = random.between(0.85, 1.2);
  const words: SpokenWord[] = [];
  const laid: CallerPause[] = [];
  let cursorS = options.startS;
  tokens.forEach((token, i) => {
    const lengthS = (wordMs(token.word) * rate) / 1000;
    words.push({ word: token.word, startS: round(cursorS), endS: round(cursorS + lengthS) });
    cursorS += lengthS;
    const pause = pauses.get(i);
    let gapMs = token.sentenceEnd
      ? random.between(150, 350)
      : token.word.endsWith(',')
        ? random.between(80, 250)
        : random.between(20, 120);
    if (pause && i < tokens.length - 1) {
      gapMs = Math.round(random.between(400, 1500));
      laid.push({ kind: pause, afterWord: i, ms: gapMs, fromS: round(cursorS), toS: round(cursorS + gapMs / 1000) });
    }
    if (i < tokens.length - 1) cursorS += gapMs / 1000;
  });
  return { kind: options.kind, words, pauses: laid, startS: words[0]!.startS, endS: words.at(-1)!.endS };
}

/** A backchannel (200–700 ms) or a real interruption starting at `startS`. */
export function generateInterjection(random: SeededRandom, kind: Interjection['kind'], startS: number): Interjection {
  if (kind === 'interruption') {
    const answer = generateAnswerFrom(random, random.pick(INTERRUPTIONS), startS);
    return { kind, words: answer, startS, endS: answer.at(-1)!.endS };
  }
  const tokens = random.pick(BACKCHANNELS).split(' ');
  const totalMs = random.between(200, 700);
  const gapMs = tokens.length > 1 ? random.between(30, 80) : 0;
  const eachS = (totalMs - gapMs * (tokens.length - 1)) / tokens.length / 1000;
  const words = tokens.map((word, k) => {
    const s = startS + k * (eachS + gapMs / 1000);
    return { word, startS: round(s), endS: round(s + eachS) };
  });
  return { kind, words, startS, endS: words.at(-1)!.endS };
}

function generateAnswerFrom(random: SeededRandom, text: string, startS: number): SpokenWord[] {
  const rate = random.between(0.85, 1.2);
  let cursorS = startS;
  return text.split(' ').map((word) => {
    const lengthS = (wordMs(word) * rate) / 1000;
    const w = { word, startS: round(cursorS), endS: round(cursorS + lengthS) };
    cursorS += lengthS + random.between(20, word.endsWith(',') ? 200 : 100) / 1000;
    return w;
  });
}

function pickSentences(random: SeededRandom, targetMs: number): string[] {
  if (targetMs < 2200) return [random.pick(SHORT_ANSWERS)];
  const out: string[] = [];
  let spokenMs = 0;
  while (spokenMs < targetMs) {
    const sentence = random.pick(SENTENCES);
    out.push(sentence);
    spokenMs += sentence.split(' ').reduce((sum, w) => sum + wordMs(w) + 70, 0);
  }
  return out;
}

interface Token {
  word: string;
  clauseEnd: boolean;
  sentenceEnd: boolean;
}

/** Chooses 1–3 pause points of the allowed kinds; the map is word index → kind. */
function planPauses(
  random: SeededRandom,
  tokens: readonly Token[],
  kinds?: readonly PauseKind[],
): Map<number, PauseKind> {
  const allowed = new Set<PauseKind>(kinds ?? ['hanging-word', 'comma', 'dependent-clause', 'sentence']);
  const candidates: { index: number; kind: PauseKind }[] = [];
  tokens.forEach((t, i) => {
    if (i === tokens.length - 1) return;
    const bare = t.word.toLowerCase().replace(/[^a-z']/g, '');
    if (t.clauseEnd) candidates.push({ index: i, kind: 'dependent-clause' });
    else if (t.sentenceEnd) candidates.push({ index: i, kind: 'sentence' });
    else if (t.word.endsWith(',')) candidates.push({ index: i, kind: 'comma' });
    else if (HANGING_WORDS.has(bare)) candidates.push({ index: i, kind: 'hanging-word' });
  });
  const usable = candidates.filter((c) => allowed.has(c.kind));
  const out = new Map<number, PauseKind>();
  const count = Math.min(usable.length, random.int(1, 3));
  while (out.size < count) {
    const c = random.pick(usable);
    out.set(c.index, c.kind);
  }
  return out;
}

/** Spoken length of a word, ms, before the speaker's rate: ~110 ms plus ~120 ms a syllable. */
function wordMs(word: string): number {
  const syllables = Math.max(1, (word.toLowerCase().match(/[aeiouy]+/g) ?? []).length);
  return 110 + 120 * syllables;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** One question of a simulated interview and the stage it belongs to. */
export interface InterviewTurn {
  stage: string;
  question: string;
  answer: CallerAnswer;
}

/** The default interview's stages in order, a representative question for each, and answer lengths. */
const INTERVIEW_PLAN: readonly { stage: string; question: string; spokenMs: readonly [number, number] }[] = [
  {
    stage: 'greeting',
    question: 'Hi, this is an AI interviewer calling about the role. Is now a good time?',
    spokenMs: [800, 3000],
  },
  {
    stage: 'self_intro',
    question: 'Could you briefly introduce yourself and your current role?',
    spokenMs: [1000, 40_000],
  },
  { stage: 'self_intro', question: 'What draws you to this role?', spokenMs: [1000, 20_000] },
  { stage: 'past_experience', question: 'Tell me about a project you are proud of.', spokenMs: [1000, 40_000] },
  { stage: 'past_experience', question: 'What was the hardest part of it?', spokenMs: [1000, 30_000] },
  { stage: 'closing', question: 'Do you have any questions for me?', spokenMs: [800, 4000] },
];

/**
 * A whole interview's answers on one audio axis: each answer starts 4–8 s after the previous one
 * ended (the agent's reply in between). `kind` says how the caller speaks every answer.
 */
export function generateInterview(random: SeededRandom, kind: CallerAnswer['kind']): InterviewTurn[] {
  const turns: InterviewTurn[] = [];
  let startS = 1;
  for (const plan of INTERVIEW_PLAN) {
    const targetMs = Math.round(random.between(plan.spokenMs[0], plan.spokenMs[1]));
    const answer = generateAnswer(random, { kind, startS, targetMs });
    turns.push({ stage: plan.stage, question: plan.question, answer });
    startS = round(answer.endS + random.between(4, 8));
  }
  return turns;
}
