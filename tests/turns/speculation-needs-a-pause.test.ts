import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { defaultCommitParams } from '../../src/turns/commit-params.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';

/** An interim whose window ends `silenceMs` after its last word. */
function interim(text: string, silenceMs: number): SttEvent {
  const words = text.split(' ').map((word, i) => ({ word, startS: i * 0.3, endS: i * 0.3 + 0.25, confidence: 0.95 }));
  const lastEnd = words.at(-1)!.endS;
  return {
    type: 'transcript',
    isFinal: false,
    speechFinal: false,
    text,
    words,
    startS: 0,
    durationS: lastEnd + silenceMs / 1000,
  };
}

function speculatedAt(silenceMs: number, speculateMinSilenceMs = 100): number | undefined {
  const clock = new ManualClock();
  const decisions: { atMs: number; decision: CommitDecision }[] = [];
  const router = new CommitRouter({
    clock,
    onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
    params: { speculateMinSilenceMs },
  });
  router.handle(interim('I have worked there for four years', silenceMs));
  clock.advance(1000);
  return decisions.find((d) => d.decision.type === 'speculate')?.atMs;
}

describe('speculation gated on a heard pause (speculateMinSilenceMs)', () => {
  it('starts early when the audio shows the caller has paused', () => {
    expect(speculatedAt(150)).toBe(defaultCommitParams.speculateAfterMs);
  });

  it('waits for full stability when the last word runs to the end of the window (mid-sentence)', () => {
    expect(speculatedAt(20)).toBe(defaultCommitParams.stableForMs);
  });

  it('is off by default: stability alone decides', () => {
    expect(speculatedAt(20, defaultCommitParams.speculateMinSilenceMs)).toBe(defaultCommitParams.speculateAfterMs);
  });
});
