import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { defaultCommitParams } from '../../src/turns/commit-params.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import {
  lastWordEndMs,
  type PartialStreamOptions,
  partialStream,
  playScript,
  speak,
} from '../../src/turns/scripted-partials.js';

const ANSWER = 'I have been a backend engineer for six years, mostly on payment systems.';

function run(stream: PartialStreamOptions) {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: CommitDecision }> = [];
  const router = new CommitRouter({ clock, onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }) });
  const words = speak([ANSWER]);
  playScript(clock, partialStream(words, stream), (e) => router.handle(e), lastWordEndMs(words) + 4000);
  const commits = decisions.filter((d) => d.decision.type === 'commit');
  return { decisions, commits, endMs: lastWordEndMs(words), router };
}

describe('a fluent speaker', () => {
  it('is committed once, whole, shortly after the last word when the STT sends endpoints', () => {
    const { commits, endMs, router } = run({});
    expect(commits).toHaveLength(1);
    const commit = commits[0]!;
    expect(commit.decision).toMatchObject({ type: 'commit', utteranceId: 1, text: ANSWER, reason: 'end-signal' });
    // endpoint 300 ms + STT latency 150 ms: the commit comes with the endpoint's final.
    expect(commit.atMs - endMs).toBe(450);
    expect(router.stats.resumes).toBe(0);
  });

  it('is committed on stability alone when the STT sends no end signals', () => {
    const { commits, endMs } = run({ speechFinal: false, utteranceEndMs: null });
    expect(commits).toHaveLength(1);
    const commit = commits[0]!;
    expect(commit.decision).toMatchObject({ text: ANSWER, reason: 'stable', speculated: true });
    const delayMs = commit.atMs - endMs;
    // The last word shows ≤ 250 ms + 150 ms latency after it ends, then 550 ms of stability.
    expect(delayMs).toBeGreaterThanOrEqual(550 + 150);
    expect(delayMs).toBeLessThanOrEqual(550 + 150 + 250);
  });

  it('speculates before it commits, on the same words, so the speculative reply can be used', () => {
    const { decisions } = run({ speechFinal: false, utteranceEndMs: null });
    const commitAt = decisions.findIndex((d) => d.decision.type === 'commit');
    const before = decisions.slice(0, commitAt).map((d) => d.decision);
    const lastSpeculation = before.filter((d) => d.type === 'speculate').at(-1);
    expect(lastSpeculation).toMatchObject({ type: 'speculate', text: ANSWER });
    expect(before.at(-1)?.type).toBe('speculate');
    const speculatedAt = decisions[commitAt - 1]!.atMs;
    // The speculation leads the commit, by at most the stability it did not wait for.
    const lead = decisions[commitAt]!.atMs - speculatedAt;
    expect(lead).toBeGreaterThan(0);
    expect(lead).toBeLessThanOrEqual(defaultCommitParams.stableForMs - defaultCommitParams.speculateAfterMs);
  });

  it('is committed once, whole, at interim cadences from 100 ms to 1 s', () => {
    for (const interimEveryMs of [100, 150, 250, 400, 1000]) {
      const { commits } = run({ interimEveryMs, speechFinal: false, utteranceEndMs: null });
      expect(commits.map((c) => c.decision)).toEqual([expect.objectContaining({ text: ANSWER, reason: 'stable' })]);
    }
  });
});
