import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { defaultCommitParams } from '../../src/turns/commit-params.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import {
  lastWordEndMs,
  partialStream,
  playScript,
  type SpeechSegment,
  speak,
} from '../../testing/scripted-partials.js';

const QUESTION = 'Hi, this is the interviewer from Acme. Is now a good time to talk?';

function run(segments: SpeechSegment[], punctuationRequested = false) {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: CommitDecision }> = [];
  const router = new CommitRouter({
    clock,
    onDecision: (decision) => {
      decisions.push({ atMs: clock.now(), decision });
      // The reply is heard 500 ms after its commit, so the caller's next words start a new utterance.
      if (decision.type === 'commit') clock.setTimeout(() => router.replyHeard(decision.utteranceId), 500);
    },
    stage: 'greeting',
    punctuationRequested,
  });
  router.setQuestion(QUESTION);
  const words = speak(segments);
  playScript(clock, partialStream(words), (e) => router.handle(e), lastWordEndMs(words) + 4000);
  const commits = decisions.filter((d) => d.decision.type === 'commit');
  return { decisions, commits, endMs: lastWordEndMs(words) };
}

/**
 * An STT that writes no punctuation (no `punctuate`/`smart_format`, or a model without it) shows
 * "yes" for both "Yes." and "Yes, …": the one or two words an answer opens with are waited out as
 * a comma would be, and the reply is prepared just before that wait ends.
 */
describe('a short answer from an STT that writes no punctuation', () => {
  it('is not committed in the pause after "yes" when the caller goes on', () => {
    const { decisions, commits, endMs } = run(['yes', { pauseMs: 1300 }, 'now is fine']);
    expect(commits.map((c) => c.decision)).toEqual([expect.objectContaining({ text: 'yes now is fine' })]);
    expect(commits[0]!.atMs).toBeGreaterThan(endMs);
    expect(decisions.some((d) => d.decision.type === 'resumed')).toBe(false);
  });

  it('that is the whole answer is committed after the long wait, on a reply started before it', () => {
    const { decisions, commits, endMs } = run(['yes']);
    expect(commits).toHaveLength(1);
    const commit = commits[0]!;
    expect(commit.decision).toEqual(expect.objectContaining({ text: 'yes', speculated: true }));
    expect(commit.atMs - endMs).toBeGreaterThanOrEqual(defaultCommitParams.hangingPauseMs);
    const speculation = decisions.find((d) => d.decision.type === 'speculate')!;
    expect(commit.atMs - speculation.atMs).toBe(defaultCommitParams.speculateAheadMs);
  });
});

/** The service asks Deepgram to punctuate, so its first "yes" is trusted before any mark shows. */
describe('a short answer from an STT asked to punctuate', () => {
  it('is answered quickly when punctuated: the full stop says it ended', () => {
    const { commits, endMs } = run(['Yes.'], true);
    expect(commits.map((c) => c.decision)).toEqual([expect.objectContaining({ text: 'Yes.' })]);
    expect(commits[0]!.atMs - endMs).toBeLessThan(defaultCommitParams.prefacePauseMs);
  });

  it('is answered quickly even as the first result of the call, without a mark ("Yeah")', () => {
    const { commits, endMs } = run(['Yeah'], true);
    expect(commits.map((c) => c.decision)).toEqual([expect.objectContaining({ text: 'Yeah' })]);
    expect(commits[0]!.atMs - endMs).toBeLessThan(defaultCommitParams.prefacePauseMs);
  });

  it('is waited out once a final of three words has shown that the STT writes no punctuation', () => {
    const { decisions, commits } = run(
      ['i am a backend engineer', { pauseMs: 3000 }, 'yes', { pauseMs: 1300 }, 'now is fine'],
      true,
    );
    expect(commits.map((c) => c.decision)).toEqual([
      expect.objectContaining({ text: 'i am a backend engineer' }),
      expect.objectContaining({ text: 'yes now is fine' }),
    ]);
    expect(decisions.some((d) => d.decision.type === 'resumed')).toBe(false);
  });
});
