import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';

function result(text: string, opts: { isFinal: boolean; speechFinal?: boolean; windowEndS: number }): SttEvent {
  const words = text.split(' ').map((word, i) => ({ word, startS: 0.3 * i, endS: 0.3 * i + 0.25, confidence: 0.9 }));
  return {
    type: 'transcript',
    isFinal: opts.isFinal,
    speechFinal: opts.speechFinal ?? false,
    text,
    words,
    startS: 0,
    durationS: opts.windowEndS,
  };
}

function setup() {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: CommitDecision }> = [];
  const router = new CommitRouter({ clock, onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }) });
  const commits = () => decisions.filter((d) => d.decision.type === 'commit');
  return { clock, router, commits };
}

// "I am free on Monday" — last word ends at 1.45 s.
const TEXT = 'I am free on Monday';

describe('end signals from the STT', () => {
  it('speech_final after heard silence commits a complete sentence endSignalStableMs after the last change', () => {
    const { clock, router, commits } = setup();
    router.handle(result(TEXT, { isFinal: false, windowEndS: 1.5 }));
    clock.advance(100);
    router.handle(result(TEXT, { isFinal: true, speechFinal: true, windowEndS: 1.8 }));
    expect(commits()).toEqual([]);
    clock.advance(50);
    expect(commits()).toEqual([{ atMs: 150, decision: expect.objectContaining({ reason: 'end-signal', text: TEXT }) }]);
  });

  it('without end signals the same words wait for stableForMs', () => {
    const { clock, router, commits } = setup();
    router.handle(result(TEXT, { isFinal: false, windowEndS: 1.5 }));
    clock.advance(100);
    router.handle(result(TEXT, { isFinal: true, windowEndS: 1.8 }));
    clock.advance(1000);
    expect(commits()).toEqual([{ atMs: 550, decision: expect.objectContaining({ reason: 'stable' }) }]);
  });

  it('UtteranceEnd commits a complete sentence early too', () => {
    const { clock, router, commits } = setup();
    router.handle(result(TEXT, { isFinal: true, windowEndS: 1.5 }));
    clock.advance(200);
    router.handle({ type: 'utterance-end', lastWordEndS: 1.45 });
    expect(commits()).toEqual([{ atMs: 200, decision: expect.objectContaining({ reason: 'end-signal' }) }]);
  });

  it('speech_final with only a word gap of silence (10 ms endpointing) is not an end signal', () => {
    const { clock, router, commits } = setup();
    router.handle(result(TEXT, { isFinal: true, speechFinal: true, windowEndS: 1.5 }));
    clock.advance(549);
    expect(commits()).toEqual([]);
  });

  it('end signals do not shorten the wait for a sentence that hangs ("... and")', () => {
    const { clock, router, commits } = setup();
    router.handle(result(`${TEXT} and`, { isFinal: false, windowEndS: 1.9 }));
    router.handle(result(`${TEXT} and`, { isFinal: true, speechFinal: true, windowEndS: 2.2 }));
    router.handle({ type: 'utterance-end', lastWordEndS: 1.75 });
    clock.advance(1549);
    expect(commits()).toEqual([]);
    clock.advance(1);
    expect(commits()).toEqual([{ atMs: 1550, decision: expect.objectContaining({ reason: 'stable' }) }]);
  });

  it('speech-started after an endpoint holds the commit off while the next words are transcribed', () => {
    const { clock, router, commits } = setup();
    router.handle(result(TEXT, { isFinal: true, speechFinal: true, windowEndS: 1.8 }));
    router.handle({ type: 'speech-started', atS: 1.8 });
    clock.advance(500);
    expect(commits()).toEqual([]);
    router.handle(result('and Tuesday', { isFinal: false, windowEndS: 2.4 }));
    clock.advance(3000);
    expect(commits().map((c) => c.decision)).toEqual([expect.objectContaining({ text: `${TEXT} and Tuesday` })]);
  });
});
