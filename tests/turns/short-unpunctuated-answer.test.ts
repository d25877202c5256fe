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

function run(segments: SpeechSegment[]) {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: CommitDecision }> = [];
  const router = new CommitRouter({
    clock,
    onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
    stage: 'greeting',
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

  it('still answers a punctuated "Yes." quickly: the full stop says it ended', () => {
    const { commits, endMs } = run(['Yes.']);
    expect(commits.map((c) => c.decision)).toEqual([expect.objectContaining({ text: 'Yes.' })]);
    expect(commits[0]!.atMs - endMs).toBeLessThan(defaultCommitParams.prefacePauseMs);
  });
});
