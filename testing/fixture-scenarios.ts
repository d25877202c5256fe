/**
 * The synthetic calls of fixtures/: each a candidate who reacts to the agent on the simulated
 * call (testing/call-simulator.ts), speaking in an espeak-ng voice (CallerVoice) with
 * exact word timings. fixtures/generate.ts runs them through the real service and records them.
 * A scenario only plays the candidate; what the service does is whatever it does, recorded.
 */
import type { CallerVoice } from '../tools/replay/caller-voice.js';
import type { SimCall } from './call-simulator.js';

export interface FixtureScenario {
  /** The fixture folder's name. */
  name: string;
  /** The meta line: what the fixture shows (it is marked synthetic separately). */
  description: string;
  /** Plays the candidate's side until the call is over (or the candidate hangs up). */
  play(call: SimCall, voice: CallerVoice): Promise<void>;
}

/** A candidate's natural gap before answering, ms. */
const ANSWER_GAP_MS = 500;
/**
 * Silence after the agent's audio that means it has finished its turn, ms: longer than the gap
 * between two clauses of a reply, and than a reply that starts, is taken back and comes again.
 */
const AGENT_DONE_QUIET_MS = 1200;
const LEAVE = 'Sorry, I have to go now.';

/** Says `line` after `gapMs` (or after the line still being spoken) and runs until it is spoken. */
async function speak(call: SimCall, voice: CallerVoice, line: string, gapMs = ANSWER_GAP_MS): Promise<void> {
  const { endMs } = await call.sayVoiced(voice, line, gapMs);
  const left = endMs - call.phone.mediaNowMs();
  if (left > 0) await call.run(left);
}

/** Runs until the agent has spoken and then been quiet (its turn is over). */
async function agentDone(call: SimCall): Promise<void> {
  await call.untilAgentDone({ quietMs: AGENT_DONE_QUIET_MS });
}

/** Says `line`, then waits until the agent has answered it and gone quiet. */
async function answer(call: SimCall, voice: CallerVoice, line: string, gapMs = ANSWER_GAP_MS): Promise<void> {
  await speak(call, voice, line, gapMs);
  await agentDone(call);
}

/** Runs until the agent has been playing its next line for `ms`. */
async function intoNextReply(call: SimCall, ms: number): Promise<void> {
  const heardBefore = call.phone.heardBytes;
  for (let i = 0; i < 500 && call.phone.heardBytes === heardBefore; i++) await call.run(20);
  await call.run(ms);
}

const HAPPY_GREETING = 'Yes, this is Sam, and now is a good time.';
const HAPPY_ANSWERS: Record<string, string[]> = {
  greeting: ['Yes, this is Sam, and now is a good time.'],
  self_intro: [
    'I am a backend engineer at a logistics company, where I have worked on routing services for four years.',
    'I like the product and the team, and I want to work on real time voice systems.',
  ],
  past_experience: [
    'Last year I rebuilt the dispatch system that assigns drivers to orders in real time.',
    'I designed the matching service myself, and I wrote most of its code and its tests.',
    'Delivery times dropped by twelve percent, and we measured it over a whole quarter.',
  ],
  closing: ['No questions, thank you, that was all very clear.'],
};

/** Answers whatever stage the call is in, each stage's answers in turn, until the call ends. */
async function interview(call: SimCall, voice: CallerVoice, answers: Record<string, string[]>): Promise<void> {
  const said = new Map<string, number>();
  for (let turn = 0; turn < 16 && !call.summary(); turn++) {
    const stage = (await call.stage()) ?? 'greeting';
    const lines = answers[stage] ?? answers.closing ?? [];
    const index = said.get(stage) ?? 0;
    said.set(stage, index + 1);
    const line = lines[Math.min(index, lines.length - 1)];
    if (line === undefined) break;
    await answer(call, voice, line);
  }
}

export const FIXTURE_SCENARIOS: readonly FixtureScenario[] = [
  {
    name: 'happy-path',
    description:
      'Happy path: a fluent candidate answers every question; greeting, self_intro, past_experience and closing, completed.',
    async play(call, voice) {
      await agentDone(call);
      await interview(call, voice, HAPPY_ANSWERS);
    },
  },
  {
    name: 'hesitant-speaker',
    description:
      'Hesitant speaker: fillers and 600-900 ms pauses mid-sentence (after "and", after commas, after "I think"); the agent waits through every pause and answers only when each sentence is finished; then the candidate has to go.',
    async play(call, voice) {
      await agentDone(call);
      await answer(call, voice, 'Um, yes, this is Sam, and [pause 700] now is a good time.');
      await answer(
        call,
        voice,
        'So I work at a logistics company, [pause 800] on the routing team, [pause 650] for about four years now.',
      );
      await answer(call, voice, 'I think [pause 900] the voice work is what interests me the most.');
      await answer(call, voice, LEAVE);
    },
  },
  {
    name: 'barge-in',
    description:
      'Barge-in: the candidate talks over the first interview question with a question of their own; the agent pauses at the onset, stops (clear) once the words are real, keeps only what was heard, answers, and goes on until the candidate has to go.',
    async play(call, voice) {
      await agentDone(call);
      await speak(call, voice, HAPPY_GREETING);
      // Past the brief acknowledgement, into the question itself.
      await intoNextReply(call, 3000);
      await answer(call, voice, 'Sorry, before that, can I ask how long this will take?', 0);
      await answer(call, voice, HAPPY_ANSWERS.self_intro?.[0] ?? '');
      await answer(call, voice, LEAVE);
    },
  },
  {
    name: 'backchannel',
    description:
      'Backchannel: the candidate says "mm-hmm" while the agent asks a question; the agent pauses at most briefly and goes on from where it was (nothing interrupted or lost, not a turn), then the candidate answers and has to go.',
    async play(call, voice) {
      await agentDone(call);
      await speak(call, voice, HAPPY_GREETING);
      await intoNextReply(call, 3000);
      await speak(call, voice, 'Mm-hmm.', 0);
      await agentDone(call);
      await answer(call, voice, HAPPY_ANSWERS.self_intro?.[0] ?? '');
      await answer(call, voice, LEAVE);
    },
  },
  {
    name: 'silent-candidate',
    description:
      'Silent candidate: the line is open but nobody speaks; the agent prompts twice ("Take your time.", "Are you still there?") and then says goodbye, no_response.',
    async play(call) {
      await call.untilEnded(90_000);
    },
  },
  {
    name: 'caller-hangs-up',
    description:
      "Caller hangs up mid-interview: after the greeting and one answer the candidate hangs up two seconds into the agent's next question; caller_hung_up.",
    async play(call, voice) {
      await agentDone(call);
      await answer(call, voice, HAPPY_GREETING);
      await speak(call, voice, HAPPY_ANSWERS.self_intro?.[0] ?? '');
      await intoNextReply(call, 2000);
      call.phone.hangUp();
    },
  },
  {
    name: 'repeat-question',
    description:
      'Repeat request: the candidate asks the agent to repeat the first interview question; it does ("Of course. …"), the candidate answers, then has to go.',
    async play(call, voice) {
      await agentDone(call);
      await answer(call, voice, HAPPY_GREETING);
      await answer(call, voice, 'Sorry, could you repeat the question?');
      await answer(call, voice, HAPPY_ANSWERS.self_intro?.[0] ?? '');
      await answer(call, voice, LEAVE);
    },
  },
  {
    name: 'dtmf',
    description:
      'DTMF: the candidate presses keys (1 after the greeting, 5 while the agent asks a question); the digits are logged and the interview carries on undisturbed until the candidate has to go.',
    async play(call, voice) {
      await agentDone(call);
      call.phone.pressDigit('1');
      await call.run(400);
      await answer(call, voice, HAPPY_GREETING, 300);
      await speak(call, voice, HAPPY_ANSWERS.self_intro?.[0] ?? '');
      await intoNextReply(call, 1000);
      call.phone.pressDigit('5');
      await agentDone(call);
      await answer(call, voice, LEAVE);
    },
  },
];
