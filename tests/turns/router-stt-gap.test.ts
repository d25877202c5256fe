import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';

function final(text: string, startS: number, endS: number): SttEvent {
  const list = text.split(' ');
  const step = (endS - startS) / list.length;
  return {
    type: 'transcript',
    isFinal: true,
    speechFinal: false,
    text,
    words: list.map((word, i) => ({
      word: word.toLowerCase().replace(/[^a-z]/g, ''),
      punctuated: word,
      startS: startS + i * step,
      endS: startS + (i + 1) * step - 0.05,
      confidence: 0.95,
    })),
    startS,
    durationS: endS - startS,
  };
}

describe("an STT gap is not the caller's silence", () => {
  it('holds the commit while the reconnected socket catches up, then commits the whole answer', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    clock.advance(2000);
    router.handle(final('I worked at Acme for three years.', 0, 2));
    // The socket drops having been sent 2.2 s: the next words come only after the reconnect.
    router.sttGap(2.2);
    clock.advance(2500);
    expect(decisions.filter((d) => d.type === 'commit')).toEqual([]);
    router.handle(final('Then I moved to Globex.', 2.1, 3.4));
    clock.advance(5000);
    const commits = decisions.filter((d) => d.type === 'commit');
    expect(commits).toHaveLength(1);
    expect(commits[0]?.type === 'commit' && commits[0].text).toContain('Globex');
  });

  it('gives up waiting after sttGapHoldMs when nothing comes back', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d), params: { sttGapHoldMs: 1000 } });
    clock.advance(2000);
    router.handle(final('I worked at Acme for three years.', 0, 2));
    router.sttGap(2.2);
    clock.advance(6000);
    expect(decisions.filter((d) => d.type === 'commit')).toHaveLength(1);
  });
});
