import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';

type Transcript = Extract<SttEvent, { type: 'transcript' }>;

import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import { lastWordEndMs, partialStream, playScript, speak } from '../../testing/scripted-partials.js';

function final(text: string, confidence: number, startS = 5): Transcript {
  const words = text
    .split(' ')
    .map((word, i) => ({ word, startS: startS + i * 0.3, endS: startS + i * 0.3 + 0.2, confidence }));
  return { type: 'transcript', isFinal: true, speechFinal: true, text, words, startS, durationS: 1 };
}

function setup() {
  const clock = new ManualClock();
  const decisions: CommitDecision[] = [];
  const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
  return { clock, decisions, router };
}

describe('noise', () => {
  it('does not open an utterance: a cough as "uh", low-confidence words, empty results', () => {
    const { clock, decisions, router } = setup();
    router.handle(final('uh', 0.9));
    router.handle(final('Um.', 0.95));
    router.handle(final('hello there', 0.2));
    router.handle(final('', 0));
    router.handle({
      type: 'transcript',
      isFinal: false,
      speechFinal: false,
      text: ' ',
      words: [],
      startS: 0,
      durationS: 1,
    });
    clock.advance(10_000);
    expect(decisions).toEqual([]);
    expect(router.stats.noiseIgnored).toBe(5);
  });

  it('does not extend an utterance: a low-confidence "hmm" after the answer leaves the commit time alone', () => {
    const words = speak(['I am based in Lisbon.']);
    // Its own window (after a 200 ms endpoint) while the router still waits for stability.
    const withCough = [...words, { word: 'hmm', startS: 2.2, endS: 2.4, confidence: 0.15 }];
    const stream = { endpointingMs: 200, speechFinal: false, utteranceEndMs: null, vadEvents: false };
    const commitTimes = [words, withCough].map((spoken) => {
      const clock = new ManualClock();
      const commits: Array<{ atMs: number; text: string }> = [];
      const router = new CommitRouter({
        clock,
        onDecision: (d) => d.type === 'commit' && commits.push({ atMs: clock.now(), text: d.text }),
      });
      playScript(clock, partialStream(spoken, stream), (e) => router.handle(e), 6000);
      expect(commits.map((c) => c.text)).toEqual(['I am based in Lisbon.']);
      expect(router.stats.noiseIgnored).toBe(spoken === words ? 0 : 2);
      return commits[0]!.atMs - lastWordEndMs(words);
    });
    expect(commitTimes[0]).toBeGreaterThan(0);
    expect(commitTimes[1]).toBe(commitTimes[0]);
  });

  it('does not resume a committed utterance: a cough after the commit keeps the reply', () => {
    const { clock, decisions, router } = setup();
    router.handle({ ...final('That is right.', 0.9, 1), speechFinal: true, durationS: 2 });
    clock.advance(1000);
    expect(decisions.at(-1)).toMatchObject({ type: 'commit' });
    router.handle(final('uh', 0.8, 4));
    router.handle(final('mm hmm', 0.1, 5));
    clock.advance(3000);
    expect(decisions.at(-1)).toMatchObject({ type: 'commit' });
    expect(router.stats.resumes).toBe(0);
  });

  it('still lets a lone "um" continue an utterance that is open', () => {
    // Results arrive 100 ms after the audio they cover.
    const clock = new ManualClock(2300);
    const decisions: CommitDecision[] = [];
    const router = new CommitRouter({ clock, onDecision: (d) => decisions.push(d) });
    router.handle({ ...final('I moved to Berlin', 0.9, 1), speechFinal: false, durationS: 1.2 });
    clock.advance(500);
    router.handle({ ...final('um', 0.9, 2.4), speechFinal: false, durationS: 0.3 });
    // "um" hangs: the wait is a whole thinking pause from its end, not a complete sentence's.
    clock.advance(900);
    expect(decisions.some((d) => d.type === 'commit')).toBe(false);
    clock.advance(2000);
    expect(decisions.filter((d) => d.type === 'commit')).toEqual([
      expect.objectContaining({ text: 'I moved to Berlin um' }),
    ]);
  });
});
