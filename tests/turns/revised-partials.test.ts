import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';

type Transcript = Extract<SttEvent, { type: 'transcript' }>;

import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import { lastWordEndMs, partialStream, playScript, speak } from '../../src/turns/scripted-partials.js';

function interim(text: string, endS: number): Transcript {
  const words = text.split(' ').map((word, i) => ({ word, startS: i * 0.3, endS: i * 0.3 + 0.25, confidence: 0.9 }));
  return { type: 'transcript', isFinal: false, speechFinal: false, text, words, startS: 0, durationS: endS };
}

describe('a corrected interim word', () => {
  it('invalidates the speculation made on it, and the commit carries the corrected words', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    // "Acme" is heard as "Acne" until the window's final corrects it; the final comes late
    // (endpointing 400 ms), after the speculation on the wrong words but before the commit.
    const words = speak(['I worked at', { word: 'Acme', misheardAs: 'Acne' }]);
    playScript(
      clock,
      partialStream(words, { endpointingMs: 400 }),
      (e) => router.handle(e),
      lastWordEndMs(words) + 3000,
    );

    const types = decisions.map((d) => d.type);
    const wrong = decisions.findIndex((d) => d.type === 'speculate' && d.text === 'I worked at Acne');
    expect(wrong).toBeGreaterThanOrEqual(0);
    expect(types[wrong + 1]).toBe('speculation-invalidated');
    expect(decisions.filter((d) => d.type === 'commit')).toEqual([
      expect.objectContaining({ text: 'I worked at Acme', speculated: false }),
    ]);
    expect(router.stats.speculationsWasted).toBe(decisions.filter((d) => d.type === 'speculation-invalidated').length);
    expect(router.stats.speculationsWasted).toBeGreaterThanOrEqual(1);
  });

  it('counts a revision as a change even when the number of words stays the same', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({
      clock,
      onDecision: (d) => decisions.push(d),
      params: { stablePartials: 1, speculateMinSilenceMs: 0 },
    });
    router.handle(interim('I led the platform team', 1.5));
    clock.advance(300);
    expect(decisions.map((d) => d.type)).toEqual(['speculate']);
    router.handle(interim('I led the payments team', 1.7));
    expect(decisions.map((d) => d.type)).toEqual(['speculate', 'speculation-invalidated']);
    // Stability restarts from the revision: 549 ms later nothing, at 550 ms the commit.
    clock.advance(549);
    expect(decisions.some((d) => d.type === 'commit')).toBe(false);
    clock.advance(1);
    expect(decisions.at(-1)).toMatchObject({ type: 'commit', text: 'I led the payments team', speculated: true });
    expect(router.stats).toMatchObject({ speculations: 2, speculationsWasted: 1, commits: 1 });
  });

  it('does not count punctuation or casing changes as revisions', () => {
    const clock = new ManualClock();
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    router.handle(interim('yes this is sam', 1.2));
    clock.advance(300);
    router.handle({
      ...(interim('Yes, this is Sam.', 1.4) as Extract<SttEvent, { type: 'transcript' }>),
      isFinal: true,
    });
    clock.advance(250);
    expect(decisions.map((d) => d.type)).toEqual(['speculate', 'commit']);
    expect(decisions.at(-1)).toMatchObject({ text: 'Yes, this is Sam.', speculated: true });
  });
});
