import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';

function interim(text: string): SttEvent {
  return { type: 'transcript', isFinal: false, speechFinal: false, text, words: [], startS: 0, durationS: 1 };
}

describe('the hard maximum wait', () => {
  it('commits a trailing-off sentence maxWaitMs after its last new word', () => {
    const clock = new ManualClock();
    const decisions: Array<{ atMs: number; decision: CommitDecision }> = [];
    const router = new CommitRouter({
      clock,
      onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
    });
    router.handle(interim('I think the main thing was, um'));
    clock.advance(1000);
    // Repeats (and a revision) do not restart the hard limit; only new words would.
    router.handle(interim('I think the main thing was, um'));
    clock.advance(500);
    router.handle(interim('I think the main thing is, um'));
    clock.advance(499);
    expect(decisions.some((d) => d.decision.type === 'commit')).toBe(false);
    clock.advance(1);
    expect(decisions.at(-1)).toEqual({
      atMs: 2000,
      decision: expect.objectContaining({ type: 'commit', reason: 'max-wait', text: 'I think the main thing is, um' }),
    });
  });

  it('commits even when no result ever repeats the words (no stablePartials)', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d), params: { maxWaitMs: 1800 } });
    router.handle(interim('Yes, that works for me.'));
    clock.advance(1799);
    expect(decisions.map((d) => d.type)).toEqual(['speculate']);
    clock.advance(1);
    expect(decisions.at(-1)).toMatchObject({ type: 'commit', reason: 'max-wait', speculated: true });
  });

  it('is restarted by a new word', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    router.handle(interim('so'));
    clock.advance(1900);
    router.handle(interim('so basically'));
    clock.advance(1999);
    expect(decisions.some((d) => d.type === 'commit')).toBe(false);
    clock.advance(1);
    expect(decisions.at(-1)).toMatchObject({ type: 'commit', reason: 'max-wait', text: 'so basically' });
  });
});
