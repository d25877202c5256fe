import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';

const words: SttEvent = {
  type: 'transcript',
  isFinal: false,
  speechFinal: false,
  text: 'I can start in May',
  words: [],
  startS: 0,
  durationS: 1,
};

describe('reset and dispose', () => {
  it('reset drops the open utterance and its timer; the next words open a new utterance', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    router.handle(words);
    expect(clock.pendingCount()).toBe(1);
    router.reset();
    expect(clock.pendingCount()).toBe(0);
    clock.advance(5000);
    expect(decisions).toEqual([]);
    router.handle(words);
    clock.advance(5000);
    expect(decisions.filter((d) => d.type === 'commit')).toEqual([expect.objectContaining({ utteranceId: 2 })]);
  });

  it('dispose cancels the timer and ignores everything after', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    router.handle(words);
    router.dispose();
    router.handle(words);
    router.setStage('greeting');
    clock.advance(5000);
    expect(clock.pendingCount()).toBe(0);
    expect(decisions).toEqual([]);
  });
});
