import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import { VoiceEvidence } from '../../src/turns/voice-evidence.js';
import type { VoiceActivityEvent } from '../../src/vad/voice-activity.js';

type Transcript = Extract<SttEvent, { type: 'transcript' }>;

/** An unpunctuated interim (as without smart_format) whose words sit 300 ms apart from `fromS`. */
function interim(text: string, fromS: number): Transcript {
  const words = text.split(' ').map((word, i) => ({
    word,
    startS: fromS + i * 0.3,
    endS: fromS + i * 0.3 + 0.25,
    confidence: 0.95,
  }));
  const endS = words.at(-1)!.endS;
  return {
    type: 'transcript',
    isFinal: false,
    speechFinal: false,
    text,
    words,
    startS: fromS,
    durationS: endS - fromS,
  };
}

/**
 * An STT shows words ~300 ms after they are spoken; the VAD hears the caller on the line tens of
 * ms after the audio. An interim that ends on a word the caller has long talked past (no pause:
 * the VAD's run goes on) is no end of thought, so no reply is started on it.
 */
describe('a speculation on words the caller is already talking past', () => {
  function call() {
    const clock = new ManualClock(0);
    const decisions: CommitDecision[] = [];
    /** Clock ms of each decision. */
    const times: number[] = [];
    const router = new CommitRouter({
      clock,
      onDecision: (d) => {
        decisions.push(d);
        times.push(clock.now());
      },
    });
    const to = (atMs: number) => clock.advance(atMs - clock.now());
    /** A VAD event about audio `atMs`: an onset reported 40 ms later (two frames), an offset 140 (its hangover). */
    const vad = (event: VoiceActivityEvent) => {
      to(event.atMs + (event.type === 'voice-started' ? 40 : 140));
      router.voice(event);
    };
    const stt = (event: Transcript, atMs: number) => {
      to(atMs);
      router.handle(event);
    };
    return { decisions, times, vad, stt, to };
  }

  const SENTENCE = 'so i am a backend engineer at a logistics company';

  /** The words of SENTENCE spoken by audio `atMs` (each 250 ms long, 300 ms apart), as an interim. */
  function shownBy(atMs: number): Transcript {
    const count = Math.floor((atMs + 50) / 300);
    return interim(SENTENCE.split(' ').slice(0, count).join(' '), 0);
  }

  function firstWords(vad: (e: VoiceActivityEvent) => void, stt: (e: Transcript, at: number) => void) {
    // A first word and a breath teach the router how fast the VAD reports an onset.
    vad({ type: 'voice-started', atMs: 0 });
    stt(interim('so', 0), 300);
    vad({ type: 'voice-stopped', atMs: 250, durationMs: 250 });
    vad({ type: 'voice-started', atMs: 400 });
  }

  it('waits while the VAD hears the same voice going on past the last word, then starts on the whole sentence', () => {
    const { decisions, vad, stt, to } = call();
    firstWords(vad, stt);
    // The caller goes straight through the sentence (ends at 2.95 s); the STT shows each word
    // ~300 ms late, so every interim ends on a word the caller has already talked past.
    for (let atMs = 600; atMs <= 3000; atMs += 300) stt(shownBy(atMs - 300), atMs);
    vad({ type: 'voice-stopped', atMs: 2950, durationMs: 2550 });
    stt(shownBy(3000), 3300);
    to(3600);
    expect(decisions.filter((d) => d.type === 'speculate').map((d) => d.type === 'speculate' && d.text)).toEqual([
      SENTENCE,
    ]);
  });

  it('trusts the VAD only as long as the STT takes to show a word: a voice it does not transcribe lapses', () => {
    const { decisions, vad, stt, to } = call();
    firstWords(vad, stt);
    // "so i am a backend engineer" (ends at 1.75 s), then only a voice the STT never writes
    // down (a television): the VAD's run goes on and no word follows.
    stt(interim('so i am a backend engineer', 0), 2050);
    to(2300);
    expect(decisions.filter((d) => d.type === 'speculate')).toEqual([]);
    // The next word would have begun by 1.87 s and been shown ~600 ms later (the STT's default
    // report delay): by then the reply is started on the words there are.
    to(1870 + 50 + 600 + 1);
    expect(decisions.filter((d) => d.type === 'speculate').map((d) => d.type === 'speculate' && d.text)).toEqual([
      'so i am a backend engineer',
    ]);
  });

  it('stops waiting on the VAD in a call where twice no word followed what it heard (a noisy room)', () => {
    const { decisions, times, vad, stt, to } = call();
    firstWords(vad, stt);
    // Three stretches of words, 3 s of the caller's silence after each; a television goes on
    // under all of it, so the VAD's run never ends. The STT shows each stretch 300 ms after it.
    const stretches = ['i am a backend engineer', 'at acme', 'in berlin'];
    const words: Transcript['words'][number][] = [];
    let atS = 0.5;
    const speculatedAfterShown: number[] = [];
    for (const stretch of stretches) {
      for (const word of stretch.split(' ')) {
        words.push({ word, startS: atS, endS: atS + 0.25, confidence: 0.95 });
        atS += 0.3;
      }
      const endS = words.at(-1)!.endS;
      const text = words.map((w) => w.word).join(' ');
      const shownAtMs = endS * 1000 + 300;
      const before = decisions.length;
      stt(
        { type: 'transcript', isFinal: false, speechFinal: false, text, words: [...words], startS: 0, durationS: endS },
        shownAtMs,
      );
      to(shownAtMs + 2900);
      const index = decisions.findIndex((d, i) => i >= before && d.type === 'speculate');
      expect(index, `a speculation after "${stretch}"`).toBeGreaterThanOrEqual(0);
      speculatedAfterShown.push(times[index]! - shownAtMs);
      atS = endS + 3;
    }
    // The first two wait until the STT would have shown a next word (its report delay, learnt
    // from these late words, after the word would have begun); neither came, so the third starts
    // at once.
    expect(speculatedAfterShown[0]).toBeGreaterThan(400);
    expect(speculatedAfterShown[1]).toBeGreaterThan(400);
    expect(speculatedAfterShown[2]).toBe(0);
  });
});

describe('VoiceEvidence.nextWordBy', () => {
  function evidence() {
    const e = new VoiceEvidence();
    e.voice({ type: 'voice-started', atMs: 0 }, 40);
    e.voice({ type: 'voice-stopped', atMs: 250, durationMs: 250 }, 390);
    e.voice({ type: 'voice-started', atMs: 400 }, 440);
    return e;
  }

  it('is true in a voiced run that began after the word', () => {
    expect(evidence().nextWordBy(300, 450)).toBe(400);
  });

  it('is true in a run from before the word once its silence would have been reported', () => {
    // The word ends at 1000; a silence after it would be reported by 1000 + 60 + 120 + 40 ms.
    expect(evidence().nextWordBy(1000, 1210)).toBeUndefined();
    expect(evidence().nextWordBy(1000, 1230)).toBe(1120);
  });

  it('holds after the run ended well past the word: the caller said more than the STT has shown', () => {
    const e = evidence();
    e.voice({ type: 'voice-stopped', atMs: 1500, durationMs: 1100 }, 1640);
    expect(e.nextWordBy(1000, 1700)).toBe(1120);
  });

  it('takes a voice that ends a little after the word for the word itself: STT times and audio differ', () => {
    const e = evidence();
    e.voice({ type: 'voice-stopped', atMs: 1150, durationMs: 750 }, 1290);
    expect(e.nextWordBy(1000, 1300)).toBeUndefined();
  });

  it('is undefined once the VAD heard the caller stop at the word', () => {
    const e = evidence();
    e.voice({ type: 'voice-stopped', atMs: 1000, durationMs: 600 }, 1140);
    expect(e.nextWordBy(1000, 2000)).toBeUndefined();
  });
});
