import { looksIncomplete } from './looks-incomplete.js';
import { normalizeWords } from './normalize-words.js';

/**
 * How finished the caller's words sound, as a listener judges from the words alone:
 * - `hanging`: cannot end here (a conjunction, article or preposition at the end, a comma, a
 *   dependent clause or fronted phrase with no main clause yet: "In my last role", "When I
 *   joined Acme", "The hardest part was");
 * - `short-unpunctuated`: one or two words from an STT that writes no punctuation ("yes", "no
 *   questions"): a whole short answer or the opening of a longer one ("yes, now is fine"), which
 *   only the comma it does not write would tell;
 * - `preface`: a whole phrase, but one that usually opens a longer answer to an open question
 *   ("Sure.", "Okay, so", "Well") or is too short for it;
 * - `complete`: could be the whole answer.
 */
export type Completeness = 'hanging' | 'short-unpunctuated' | 'preface' | 'complete';

export interface CompletenessContext {
  /** The question the agent just asked; '' when unknown. */
  question?: string;
  /** This call's STT writes no punctuation (CommitRouter's `sttPunctuates`), so a comma would not show. */
  unpunctuated?: boolean;
}

/** Open a dependent clause: the sentence needs a main clause after it. */
const SUBORDINATORS = new Set([
  'when',
  'because',
  'if',
  'after',
  'before',
  'since',
  'while',
  'although',
  'though',
  'once',
  'until',
  'unless',
  'whenever',
  'as',
]);

/** Open a fronted phrase ("In my last role", "At the moment"). */
const PREPOSITIONS = new Set(['in', 'at', 'on', 'during', 'with', 'from', 'after', 'before', 'over', 'by']);

/** Copulas and auxiliaries: hanging at the end unless after a pronoun ("yes, it was."). */
const AUXILIARIES = new Set(['was', 'were', 'is', 'are', 'am', 'been', 'be', 'had', 'have', 'has', 'do', 'did']);
const PRONOUNS = new Set(['it', 'that', 'i', 'we', 'they', 'he', 'she', 'you', 'there', 'this', 'so']);

/** Answers that open an answer rather than give it. */
const PREFACES = new Set([
  'sure',
  'okay',
  'ok',
  'yeah',
  'yes',
  'well',
  'so',
  'right',
  'alright',
  'um',
  'uh',
  'hmm',
  'of',
  'course',
  'absolutely',
  'definitely',
  'great',
  'good',
  'question',
  'thanks',
  'thank',
  'you',
]);

/** Openings of questions that ask for an account, not a yes or no. */
const OPEN_QUESTION = /\b(tell me|describe|walk me|introduce|what|how|why|which|explain|talk about|share)\b/i;

/** Longest fronted phrase or dependent clause, in words, still read as waiting for its main clause. */
const MAX_OPENER_WORDS = 5;

export function judgeCompleteness(text: string, context: CompletenessContext = {}): Completeness {
  if (looksIncomplete(text)) return 'hanging';
  const sentence = lastSentence(text);
  const tokens = normalizeWords(sentence);
  const last = tokens.at(-1);
  if (last === undefined) return 'complete';
  if (AUXILIARIES.has(last) && !PRONOUNS.has(tokens.at(-2) ?? '')) return 'hanging';
  if (opensWithoutMainClause(sentence, tokens)) return 'hanging';
  // "…on the team. Delivery": a sentence begun after a full stop, one or two words in.
  if (sentence !== text.trim() && tokens.length <= 2 && !/[.?!]$/.test(sentence.trimEnd())) return 'hanging';
  const question = context.question ?? '';
  const all = normalizeWords(text);
  if (context.unpunctuated && all.length <= 2) return 'short-unpunctuated';
  if (OPEN_QUESTION.test(question) && (all.every((t) => PREFACES.has(t)) || all.length <= 2)) return 'preface';
  return 'complete';
}

/** The text after the last sentence-ending punctuation that has words after it. */
function lastSentence(text: string): string {
  const parts = text.split(/(?<=[.?!])\s+/);
  return parts.at(-1) ?? text;
}

/**
 * "When I joined Acme", "In my last role": a sentence that opens with a subordinator or a
 * preposition and is still short, with no comma closing the opener (punctuation, when the STT
 * gives it, shows where the main clause starts).
 */
function opensWithoutMainClause(sentence: string, tokens: readonly string[]): boolean {
  const first = tokens[0];
  if (first === undefined || tokens.length > MAX_OPENER_WORDS) return false;
  if (!SUBORDINATORS.has(first) && !PREPOSITIONS.has(first)) return false;
  // "If I am honest, it was slow": the comma closed the opener and a main clause follows.
  return !/,\s*\S/.test(sentence);
}
