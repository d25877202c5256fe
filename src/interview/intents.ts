/**
 * Small keyword rules for the few things a candidate says that the machine handles itself,
 * without the LLM: a request to repeat, and a wish to stop. Everything else goes to the LLM.
 * False positives cost more than misses (a missed "repeat" still reaches the LLM, which can
 * repeat; a wrong "leave" would end an interview), so the rules only fire on short utterances.
 */

export type LeaveReason = 'has_to_go' | 'call_later' | 'bad_time' | 'wrong_person' | 'wants_to_stop';

export type CandidateIntent = { kind: 'repeat' } | { kind: 'leave'; reason: LeaveReason } | { kind: 'none' };

/** Longest utterance treated as a repeat request, words: longer ones are answers that mention it. */
const MAX_REPEAT_WORDS = 12;
/** Longest utterance treated as a wish to stop, words. */
const MAX_LEAVE_WORDS = 25;

const REPEAT_PATTERNS: readonly RegExp[] = [
  /\b(can|could|would|will) you (please )?(repeat|say) (that|it|the question|this)\b/,
  /\b(can|could|would|will) you (please )?repeat\b/,
  /\brepeat (that|the question|it|please)\b/,
  /^(please )?repeat\b/,
  /\bsay (that|it) again\b/,
  /\bcome again\b/,
  /^(sorry,? )?(pardon|what)( me)?\??$/,
  /\bi (didn'?t|did not) (catch|hear|understand|get) (that|you|the question|what you said)(?=$|[.,!?])/,
  /\bwhat was the question\b/,
  /\bone more time\b/,
];

// In an answer "go"/"leave" usually has an object or destination ("I had to go to the client",
// "I have to leave the team"); a wish to end the call does not, hence the lookahead.
const NO_OBJECT = String.raw`(?!\s+(to|through|over|into|with|and|back|for|from|in|on|at|out|about|ahead|the|my|our|a|an|this|that|it|them|their|his|her|home|abroad|early)\b)`;

const LEAVE_PATTERNS: ReadonlyArray<readonly [RegExp, LeaveReason]> = [
  [/\b(call|ring) me (back|later|tomorrow|another time|some other time|next week|in an hour)\b/, 'call_later'],
  [/\b(can|could|shall) we (please )?reschedule\b/, 'call_later'],
  [/\b(talk|speak|do this|do it) (later|another time|some other time|tomorrow)\b/, 'call_later'],
  [/\b(now|this|it|today)('s not| is not| isn't)( really)? (a |the )?(good|great|convenient|right) time\b/, 'bad_time'],
  [/^(no,? |sorry,? )*not (a |the )?(good|great|convenient|right) time\b/, 'bad_time'],
  [/\b(it's|this is|now is|it is) (a |really a )?bad time\b/, 'bad_time'],
  [/\bi'?m (busy|driving|in a meeting) (right )?now\b/, 'bad_time'],
  [
    new RegExp(
      String.raw`\b(i|i've got|i have|i got) (to|gotta|have to|need to|must) (go|run|leave|hang up)\b${NO_OBJECT}`,
    ),
    'has_to_go',
  ],
  [/\bgotta (go|run)\b/, 'has_to_go'],
  [/\bwrong (number|person)\b/, 'wrong_person'],
  [/\b(i'?m|i am) not (him|her|them|the candidate)\b/, 'wrong_person'],
  [/\b(stop|end) (the|this) (interview|call)\b/, 'wants_to_stop'],
  [/\bi (don't|do not) want to (continue|do this|go on)\b/, 'wants_to_stop'],
  [/^(sorry,? )?(i'?m |i am )?not interested( any ?more)?[.!]?$/, 'wants_to_stop'],
];

/** Lower-cases and straightens quotes so the rules see one spelling. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Classifies one committed candidate utterance. */
export function detectIntent(text: string): CandidateIntent {
  const said = normalise(text);
  const words = wordCount(said);
  if (words === 0) return { kind: 'none' };
  if (words <= MAX_LEAVE_WORDS) {
    for (const [pattern, reason] of LEAVE_PATTERNS) if (pattern.test(said)) return { kind: 'leave', reason };
  }
  if (words <= MAX_REPEAT_WORDS && REPEAT_PATTERNS.some((p) => p.test(said))) return { kind: 'repeat' };
  return { kind: 'none' };
}

/** Plain words for the record's end reason. */
export function describeLeaveReason(reason: LeaveReason): string {
  switch (reason) {
    case 'has_to_go':
      return 'candidate had to go';
    case 'call_later':
      return 'candidate asked to be called another time';
    case 'bad_time':
      return 'candidate said it was not a good time';
    case 'wrong_person':
      return 'the person who answered is not the candidate';
    case 'wants_to_stop':
      return 'candidate asked to stop the interview';
  }
}

/**
 * The last question in an agent's words, for "can you repeat that?": the last sentence ending in
 * `?`, or undefined when the text asks nothing.
 */
export function lastQuestionIn(text: string): string | undefined {
  const sentences = text.match(/[^.!?]+[.!?]*/g) ?? [];
  for (let i = sentences.length - 1; i >= 0; i--) {
    const sentence = sentences[i]?.trim() ?? '';
    if (sentence.endsWith('?')) return sentence;
  }
  return undefined;
}
