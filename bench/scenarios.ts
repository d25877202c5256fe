/**
 * What the simulated candidates say in the benchmark calls: fluent answers (three candidates),
 * hesitant answers with 600–900 ms pauses mid-sentence after "and", "um" and "so", and talk-over
 * during the agent's replies (backchannels that must not stop it, real interruptions that must).
 */
import type { SpeechSegment } from '../testing/scripted-partials.js';

export type Stage = 'greeting' | 'self_intro' | 'past_experience' | 'closing';

/** The answers of one candidate per interview stage, in order; `extra` covers follow-up questions. */
export interface Candidate {
  name: string;
  answers: Record<Stage, SpeechSegment[][]>;
  extra: SpeechSegment[][];
}

/** Talk-over `afterMs` into the agent's reply to the answer it follows. */
export interface Interjection {
  kind: 'backchannel' | 'barge-in';
  words: string;
  afterMs: number;
}

const line = (text: string): SpeechSegment[] => [text];

const EXTRA_FLUENT: SpeechSegment[][] = [
  line('Let me add that I also work closely with our support team every week.'),
  line('I should mention I also ran the on call rotation for the whole team.'),
  line('One more thing, I also wrote most of the documentation for new hires.'),
];

export const FLUENT_CANDIDATES: Candidate[] = [
  {
    name: 'fluent-sam',
    answers: {
      greeting: [line('Yes, this is Sam, and now is a good time.')],
      self_intro: [
        line('I am a backend engineer at a logistics company, working on routing services for four years.'),
        line('I like the product and the team, and I want to work on real time voice systems.'),
      ],
      past_experience: [
        line('I rebuilt the dispatch system that assigns drivers to orders in real time last year.'),
        line('I designed the matching service myself and wrote most of its code and its tests.'),
        line('Delivery times dropped by twelve percent, and we measured it over a whole quarter.'),
      ],
      closing: [line('No questions, thank you, that was all very clear to me.')],
    },
    extra: EXTRA_FLUENT,
  },
  {
    name: 'fluent-kim',
    answers: {
      greeting: [line('Yes, speaking. Now works well for me.')],
      self_intro: [
        line('I lead a small data platform team at a bank, and before that I built payment APIs.'),
        line('Mostly the chance to work closer to customers, on a product people use every day.'),
      ],
      past_experience: [
        line('We moved our nightly batch jobs to a streaming pipeline that runs all day long.'),
        line('I wrote the migration plan, built the first three consumers and ran the cutover weekend.'),
        line('Reports were ready four hours earlier, and the pages to the on call team dropped by half.'),
      ],
      closing: [line('No, I think you covered everything, thanks a lot.')],
    },
    extra: EXTRA_FLUENT,
  },
  {
    name: 'fluent-alex',
    answers: {
      greeting: [line('Yes, that is me, please go ahead.')],
      self_intro: [
        line('I am a frontend developer, building design systems for an online travel agency.'),
        line('The role mixes product work with infrastructure, which is exactly what I enjoy most.'),
      ],
      past_experience: [
        line('I led the rewrite of our booking flow from a legacy framework to React last spring.'),
        line('I set up the component library, mentored two juniors and owned the accessibility work.'),
        line('Conversion went up by three percent, and support tickets about checkout nearly vanished.'),
      ],
      closing: [line('No, that is all from me, thank you for your time.')],
    },
    extra: EXTRA_FLUENT,
  },
];

export const HESITANT_CANDIDATE: Candidate = {
  name: 'hesitant-robin',
  answers: {
    greeting: [['Yes, this is Robin, and', { pauseMs: 700 }, 'now is a good time.']],
    self_intro: [
      ['I work as a backend engineer and', { pauseMs: 800 }, 'um', { pauseMs: 650 }, 'mostly on routing services.'],
      ['So', { pauseMs: 900 }, 'I like the product, and', { pauseMs: 750 }, 'I want to work on voice systems.'],
    ],
    past_experience: [
      ['I rebuilt the dispatch system and', { pauseMs: 850 }, 'it assigns drivers to orders in real time.'],
      ['Um', { pauseMs: 700 }, 'I designed the matching service so', { pauseMs: 900 }, 'most of the code is mine.'],
      ['Delivery times dropped and', { pauseMs: 600 }, 'um', { pauseMs: 800 }, 'we measured twelve percent.'],
    ],
    closing: [['No questions, so', { pauseMs: 750 }, 'thank you, that was clear.']],
  },
  extra: [
    ['I also help the support team and', { pauseMs: 800 }, 'um', { pauseMs: 700 }, 'I enjoy that part.'],
    ['So', { pauseMs: 850 }, 'I also ran the on call rotation and', { pauseMs: 650 }, 'wrote its runbooks.'],
  ],
};

/** The talk-over candidate answers like Sam, and interjects during the replies, in turn order. */
export const TALK_OVER_CANDIDATE: Candidate = { ...FLUENT_CANDIDATES[0]!, name: 'talk-over-jo' };

export const INTERJECTIONS: Interjection[] = [
  { kind: 'backchannel', words: 'Mm-hmm.', afterMs: 1500 },
  { kind: 'barge-in', words: 'Sorry, can I ask how long this will take?', afterMs: 1200 },
  { kind: 'backchannel', words: 'Okay.', afterMs: 1000 },
  { kind: 'barge-in', words: 'Wait, is this role remote or in the office?', afterMs: 1400 },
  { kind: 'backchannel', words: 'Right.', afterMs: 1300 },
  { kind: 'barge-in', words: 'Hold on, could you say that again please?', afterMs: 1100 },
  { kind: 'backchannel', words: 'Uh-huh.', afterMs: 1200 },
];

/** The answer for the `index`-th turn in `stage`; past the stage's list, the next unused extra. */
export function answerFor(candidate: Candidate, stage: string, index: number, extraUsed: number): SpeechSegment[] {
  const list = candidate.answers[stage as Stage] ?? candidate.answers.closing;
  return list[index] ?? candidate.extra[extraUsed % candidate.extra.length]!;
}

/** The words of segments as one line (pauses dropped). */
export function textOf(segments: readonly SpeechSegment[]): string {
  return segments
    .map((s) => (typeof s === 'string' ? s : 'word' in s ? s.word : ''))
    .filter(Boolean)
    .join(' ');
}
