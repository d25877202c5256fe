/**
 * The turn-taking fixtures replayed through the real service: barge-in, a backchannel, a
 * silent line and a caller hanging up; each reproduces its recording and behaves as it must.
 */
import { expect, it } from 'vitest';
import { expectReproduced, lines, replayCommitted } from './fixture-replay-support.js';

it('barge-in: the agent is cleared mid-question and keeps only what the caller heard', async () => {
  const replayed = await replayCommitted('barge-in');
  expectReproduced(replayed);
  const { result } = replayed;
  expect(result.clears).toBeGreaterThanOrEqual(1);
  expect(result.summary?.bargeIns.length).toBeGreaterThanOrEqual(1);
  const cut = lines(result, 'agent').find((l) => l.interrupted);
  // The acknowledgement, then the stage's first question verbatim (the machine's own line).
  const full = 'Could you briefly introduce yourself and tell me about your current or most recent role?';
  expect(cut).toBeDefined();
  expect(full.startsWith(cut?.text ?? '-')).toBe(true);
  expect(cut?.text.length).toBeLessThan(full.length / 2);
  expect(lines(result, 'candidate').map((l) => l.text)).toContain(
    'Sorry, before that, can I ask how long this will take?',
  );
}, 60_000);

it('backchannel: "mm-hmm" over the agent is not a turn, and nothing is cut or lost', async () => {
  const replayed = await replayCommitted('backchannel');
  expectReproduced(replayed);
  const { fixture, result } = replayed;
  expect(fixture.stt.some((l) => l.event.type === 'transcript' && l.event.text.includes('Mm-hmm'))).toBe(true);
  // The VAD holds the agent's audio at the onset and releases it: no clear at all, no
  // barge-in, no line cut, and the transcript is the recorded one (expectReproduced).
  expect(result.clears).toBe(0);
  expect(result.summary?.bargeIns).toEqual([]);
  expect(result.summary?.backchannelsIgnored).toBeGreaterThanOrEqual(1);
  expect(lines(result, 'agent').some((l) => l.interrupted)).toBe(false);
  expect(lines(result, 'candidate').some((l) => /mm-hmm/i.test(l.text))).toBe(false);
}, 60_000);

it('silent-candidate: two prompts, then goodbye with no_response', async () => {
  const replayed = await replayCommitted('silent-candidate');
  expectReproduced(replayed);
  const { result } = replayed;
  expect(lines(result, 'candidate')).toEqual([]);
  const agent = lines(result, 'agent').map((l) => l.text);
  expect(agent).toContain('Take your time.');
  expect(agent).toContain('Are you still there?');
  expect(result.record?.outcome).toBe('no_response');
  expect(result.record?.stages.map((s) => s.name)).toEqual(['greeting']);
}, 60_000);

it('caller-hangs-up: the recorded stop ends the call mid-interview as caller_hung_up', async () => {
  const replayed = await replayCommitted('caller-hangs-up');
  expectReproduced(replayed);
  expect(replayed.fixture.twilio.at(-1)?.event).toBe('stop');
  expect(replayed.result.record?.outcome).toBe('caller_hung_up');
  expect(replayed.result.record?.stages.map((s) => s.name)).toEqual(['greeting', 'self_intro']);
}, 60_000);
