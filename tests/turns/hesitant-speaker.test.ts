import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type CommitDecision, CommitRouter } from '../../src/turns/commit-router.js';
import {
  lastWordEndMs,
  type PartialStreamOptions,
  partialStream,
  playScript,
  type SpeechSegment,
  speak,
} from '../../testing/scripted-partials.js';

/** Thinking pauses of 600–900 ms, each after a word that leaves the sentence hanging. */
const HESITANT: SpeechSegment[] = [
  'I worked at Acme and',
  { pauseMs: 900 },
  'then I moved to Globex um',
  { pauseMs: 800 },
  'where I led the payments team so',
  { pauseMs: 700 },
  'we rebuilt the ledger because',
  { pauseMs: 600 },
  'it kept losing money.',
];
const FULL_TEXT =
  'I worked at Acme and then I moved to Globex um where I led the payments team so we rebuilt the ledger because it kept losing money.';

function run(stream: PartialStreamOptions, stage?: string, hangingPauseMs?: number) {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: CommitDecision }> = [];
  const router = new CommitRouter({
    clock,
    onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
    ...(stage === undefined ? {} : { stage }),
    ...(hangingPauseMs === undefined ? {} : { params: { hangingPauseMs } }),
  });
  const words = speak(HESITANT);
  playScript(clock, partialStream(words, stream), (e) => router.handle(e), lastWordEndMs(words) + 4000);
  return { decisions, endMs: lastWordEndMs(words) };
}

// Deepgram's default endpointing (10 ms) marks speech_final inside every pause; no VAD events.
const TWITCHY_ENDPOINTS: PartialStreamOptions = { endpointingMs: 10, vadEvents: false, utteranceEndMs: null };

describe('a hesitant speaker', () => {
  for (const [name, stream] of [
    ['with 10 ms endpoints and no VAD events', TWITCHY_ENDPOINTS],
    ['with 300 ms endpoints, utterance ends and VAD events', {}],
    ['with interims only every 400 ms', { ...TWITCHY_ENDPOINTS, interimEveryMs: 400 }],
  ] as const) {
    it(`is not committed in pauses after "and", "um", "so", "because" (${name})`, () => {
      const { decisions, endMs } = run(stream);
      const commits = decisions.filter((d) => d.decision.type === 'commit');
      expect(commits.map((c) => c.decision)).toEqual([expect.objectContaining({ text: FULL_TEXT, utteranceId: 1 })]);
      expect(commits[0]!.atMs).toBeGreaterThan(endMs);
      expect(decisions.some((d) => d.decision.type === 'resumed')).toBe(false);
    });
  }

  it('would be cut off in those pauses if hanging words were not waited out', () => {
    const { decisions } = run(TWITCHY_ENDPOINTS, undefined, 0);
    const early = decisions.flatMap((d) => (d.decision.type === 'commit' ? [d.decision.text] : []));
    expect(early).toContain('I worked at Acme and');
    expect(decisions.some((d) => d.decision.type === 'resumed')).toBe(true);
  });

  it('is not committed in the pauses in past_experience either, where the wait is longer', () => {
    const { decisions } = run(TWITCHY_ENDPOINTS, 'past_experience');
    expect(decisions.filter((d) => d.decision.type === 'commit')).toHaveLength(1);
  });

  it('is not asked to speculate on a hanging sentence before the pause is over', () => {
    const { decisions } = run(TWITCHY_ENDPOINTS);
    const speculated = decisions.flatMap((d) => (d.decision.type === 'speculate' ? [d.decision.text] : []));
    expect(speculated.filter((text) => /\b(and|um|so|because)$/.test(text))).toEqual([]);
  });
});

/**
 * Runs one scripted answer through a router on the manual clock (300 ms endpoints, utterance
 * ends and VAD events, as Deepgram is asked for) and returns its commits.
 */
function commitsOf(script: SpeechSegment[]) {
  const clock = new ManualClock();
  const commits: Array<{ atMs: number; text: string }> = [];
  const router = new CommitRouter({
    clock,
    onDecision: (d) => {
      if (d.type === 'commit') commits.push({ atMs: clock.now(), text: d.text });
    },
  });
  const words = speak(script);
  playScript(clock, partialStream(words, {}), (e) => router.handle(e), lastWordEndMs(words) + 4000);
  return { commits, endMs: lastWordEndMs(words) };
}

describe('a caller who has hesitated mid-phrase', () => {
  it('is given the whole thinking time after a later sentence: no commit in a 1.2 s pause after "…payments team."', () => {
    // A short hesitation after "the" (450 ms) says this caller thinks while speaking; the pauses
    // where such a speaker plans the next sentence are longer than those inside a phrase.
    const { commits, endMs } = commitsOf([
      'In my last role I led the',
      { pauseMs: 450 },
      'payments team.',
      { pauseMs: 1200 },
      'We rebuilt the ledger.',
    ]);
    expect(commits.map((c) => c.text)).toEqual(['In my last role I led the payments team. We rebuilt the ledger.']);
    expect(commits[0]!.atMs).toBeGreaterThan(endMs);
  });

  it('while a caller whose only pause was a breath between sentences keeps the quicker wait', () => {
    const { commits, endMs } = commitsOf(['I led the payments team.', { pauseMs: 450 }, 'We rebuilt the ledger.']);
    expect(commits).toHaveLength(1);
    // 1.5 × 450 ms plus the STT's report delays: well short of the 1.5 s thinking cap.
    expect(commits[0]!.atMs - endMs).toBeLessThan(1200);
  });
});
