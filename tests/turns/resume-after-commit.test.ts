import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import { partialStream, playScript, speak } from '../../testing/scripted-partials.js';

// A complete-sounding sentence, a 1.2 s pause (long enough to commit), then more.
const words = speak(['I was at Acme for three years.', { pauseMs: 1200 }, 'Then I joined Globex.']);

describe('speech after a commit', () => {
  it('before the reply is heard: resumes the same utterance and commits the merged text', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    playScript(clock, partialStream(words), (e) => router.handle(e), 8000);

    const significant = decisions.filter((d) => d.type === 'commit' || d.type === 'resumed');
    expect(significant).toEqual([
      expect.objectContaining({ type: 'commit', utteranceId: 1, text: 'I was at Acme for three years.' }),
      expect.objectContaining({ type: 'resumed', utteranceId: 1, text: 'I was at Acme for three years. Then' }),
      expect.objectContaining({
        type: 'commit',
        utteranceId: 1,
        text: 'I was at Acme for three years. Then I joined Globex.',
      }),
    ]);
    expect(router.stats).toMatchObject({ commits: 2, resumes: 1 });
  });

  it('after the reply is heard: opens a new utterance with only the new words', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({
      clock,
      onDecision: (d) => {
        decisions.push(d);
        // The reply's first audio reaches the caller 500 ms after the commit.
        if (d.type === 'commit') clock.setTimeout(() => router.replyHeard(d.utteranceId), 500);
      },
    });
    playScript(clock, partialStream(words), (e) => router.handle(e), 8000);

    expect(decisions.filter((d) => d.type === 'commit' || d.type === 'resumed')).toEqual([
      expect.objectContaining({ type: 'commit', utteranceId: 1, text: 'I was at Acme for three years.' }),
      expect.objectContaining({ type: 'commit', utteranceId: 2, text: 'Then I joined Globex.' }),
    ]);
    expect(router.stats.resumes).toBe(0);
  });

  it('ignores replyHeard for another utterance or after a resume', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({
      clock,
      onDecision: (d) => {
        decisions.push(d);
        if (d.type === 'resumed') router.replyHeard(d.utteranceId); // that reply was cancelled
        if (d.type === 'commit') router.replyHeard(d.utteranceId + 1); // not this utterance
      },
    });
    playScript(clock, partialStream(words), (e) => router.handle(e), 8000);
    expect(decisions.filter((d) => d.type === 'commit').map((d) => d.utteranceId)).toEqual([1, 1]);
  });
});
