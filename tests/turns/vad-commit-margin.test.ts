import { expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import type { VoiceActivityEvent } from '../../src/vad/voice-activity.js';

/**
 * Settled words that end a sentence are committed once the VAD has heard `completeGapMs` (350)
 * of silence after them, and not before a caller going on inside that silence would have been
 * heard. The VAD stamps an onset at its first voiced 20 ms frame, so a sentence that begins
 * 345 ms after the last one (fluent speakers leave 150–350 ms) may show as an onset at 360 ms,
 * reported two frames later: the commit must still be waiting then.
 */
const SENTENCES: { text: string; fromS: number; toS: number }[] = [
  { text: 'When I joined Acme,', fromS: 0, toS: 0.9 },
  { text: 'the tests took an hour to run.', fromS: 1.1, toS: 2.0 },
];

/** A final for the sentences, its words spread evenly over each sentence's span. */
function final(windowEndS: number): Extract<SttEvent, { type: 'transcript' }> {
  const words = SENTENCES.flatMap(({ text, fromS, toS }) => {
    const parts = text.split(' ');
    const eachS = (toS - fromS) / parts.length;
    return parts.map((word, i) => ({
      word: word.replace(/[.,]/g, '').toLowerCase(),
      punctuated: word,
      startS: fromS + i * eachS,
      endS: fromS + (i + 1) * eachS,
      confidence: 0.97,
    }));
  });
  const text = SENTENCES.map((s) => s.text).join(' ');
  return { type: 'transcript', isFinal: true, speechFinal: false, text, words, startS: 0, durationS: windowEndS };
}

function call() {
  const clock = new ManualClock(0);
  const decisions: { atMs: number; decision: CommitDecision }[] = [];
  const router = new CommitRouter({ clock, onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }) });
  const to = (atMs: number) => clock.advance(atMs - clock.now());
  /** VAD events as src/vad reports them: an onset two frames after its stamp, an offset 140 ms after. */
  const vad = (event: VoiceActivityEvent) => {
    to(event.atMs + (event.type === 'voice-started' ? 40 : 140));
    router.voice(event);
  };
  // The answer so far: two voiced runs, then the final (as a Finalize at the VAD's offset brings it).
  vad({ type: 'voice-started', atMs: 0 });
  vad({ type: 'voice-stopped', atMs: 900, durationMs: 900 });
  vad({ type: 'voice-started', atMs: 1100 });
  vad({ type: 'voice-stopped', atMs: 2000, durationMs: 900 });
  to(2260);
  router.handle(final(2.12));
  const commits = () => decisions.filter((d) => d.decision.type === 'commit');
  return { router, vad, to, commits };
}

it('commits settled, finished words once the VAD has heard 350 ms of silence after them', () => {
  const { to, commits } = call();
  to(2500);
  expect(commits()).toHaveLength(1);
  expect(commits()[0]!.atMs).toBeGreaterThanOrEqual(2390);
});

it('does not commit before a caller going on 345 ms after the sentence is reported by the VAD', () => {
  const { vad, commits } = call();
  // The next sentence begins at 2345 ms of audio: its first wholly voiced frame starts at 2360.
  vad({ type: 'voice-started', atMs: 2360 });
  expect(commits(), 'the commit came before the onset of the next sentence was reported').toEqual([]);
});
