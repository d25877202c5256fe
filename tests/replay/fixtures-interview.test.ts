/**
 * The interview fixtures replayed through the real service: each reproduces its recording
 * (no divergence, same outcome, stages and transcript) and shows what it is there to show.
 */
import { expect, it } from 'vitest';
import { expectReproduced, lines, replayCommitted } from './fixture-replay-support.js';

const STAGES = ['greeting', 'self_intro', 'past_experience', 'closing'];

it('happy-path: all four stages, completed, every turn measured', async () => {
  const replayed = await replayCommitted('happy-path');
  expectReproduced(replayed);
  const { result } = replayed;
  expect(result.record?.outcome).toBe('completed');
  expect(result.record?.stages.map((s) => s.name)).toEqual(STAGES);
  expect(lines(result, 'agent').at(-1)?.text).toMatch(/Goodbye!$/);
  expect(lines(result, 'agent').some((l) => l.interrupted)).toBe(false);
  expect(result.summary?.turns.length).toBeGreaterThanOrEqual(6);
  expect(result.summary?.turns.every((t) => t.voiceToVoiceHeardMs !== undefined)).toBe(true);
}, 60_000);

it('hesitant-speaker: a thought with 600-900 ms pauses is one turn, and no reply cuts into a pause', async () => {
  const replayed = await replayCommitted('hesitant-speaker');
  expectReproduced(replayed);
  const { fixture, result } = replayed;
  // The recording really has the long pauses between transcribed words.
  const words = fixture.stt.flatMap((l) =>
    l.event.type === 'transcript' && l.event.isFinal ? l.event.words.map((w) => w) : [],
  );
  const gaps = words.slice(1).map((w, i) => w.startS - (words[i]?.endS ?? 0));
  expect(gaps.filter((g) => g >= 0.6 && g <= 1.2).length).toBeGreaterThanOrEqual(3);
  const candidate = lines(result, 'candidate').map((l) => l.text);
  expect(candidate).toContain('So I work at a logistics company, on the routing team, for about four years now.');
  // A 900 ms pause right after "I think" is waited out, not answered.
  expect(candidate).toContain('I think the voice work is what interests me the most.');
  expect(lines(result, 'agent').some((l) => l.interrupted)).toBe(false);
  expect(result.record?.outcome).toBe('candidate_ended');
}, 60_000);

it('repeat-question: the agent repeats the question it asked', async () => {
  const replayed = await replayCommitted('repeat-question');
  expectReproduced(replayed);
  const agent = lines(replayed.result, 'agent').map((l) => l.text);
  const question = agent.find((t) => t.includes('introduce yourself'));
  expect(question).toBeDefined();
  const repeated = agent.find((t) => t.startsWith('Of course.'));
  expect(repeated).toBe(`Of course. ${question?.replace(/^Thank you\. /, '')}`);
  expect(replayed.result.record?.outcome).toBe('candidate_ended');
}, 60_000);

it('dtmf: the digits pressed reach the service and the interview carries on', async () => {
  const replayed = await replayCommitted('dtmf');
  expectReproduced(replayed);
  const digits = replayed.fixture.twilio
    .filter((l) => l.event === 'dtmf')
    .map((l) => (l.message.dtmf as { digit?: string }).digit);
  expect(digits).toEqual(['1', '5']);
  expect(lines(replayed.result, 'candidate').length).toBeGreaterThanOrEqual(3);
  expect(lines(replayed.result, 'agent').some((l) => l.interrupted)).toBe(false);
  expect(replayed.result.record?.outcome).toBe('candidate_ended');
}, 60_000);
