/**
 * The commit router's invariants across seeded calls × Deepgram profiles × caller behaviours,
 * on the ManualClock (testing/router-simulation.ts says what "released" and "audible" mean).
 * Every failure names its profile, seed and caller so it can be rerun alone with
 * `simulateCall(generateInterview(new SeededRandom(callSeed(seed, kind)), kind), { profile, seed })`.
 */
import { describe, expect, it } from 'vitest';
import { defaultCommitParams } from '../../src/turns/commit-params.js';
import { meaningKey } from '../../src/turns/same-meaning.js';
import { type CallerPause, generateInterview } from '../../testing/caller-behaviours.js';
import {
  LISTEN_PROFILE_NAMES,
  LISTEN_PROFILES,
  type ListenProfileName,
} from '../../testing/fakes/deepgram-listen-profile.js';
import { type CallOutcome, simulateCall, type TurnOutcome } from '../../testing/router-simulation.js';
import { SeededRandom } from '../../testing/seeded-random.js';

const SEEDS = Array.from({ length: 8 }, (_, i) => i + 1);
/**
 * The first test of a profile simulates its 16 calls (STT engine and the VAD over synthetic
 * voice, ~0.5 s a call on an idle core); a budget, not a timing: nothing here reads a real clock.
 */
const SIMULATION_BUDGET_MS = 120_000;
type CallerKind = 'fluent' | 'hesitant';

function callSeed(seed: number, kind: CallerKind): number {
  return seed * 7 + (kind === 'fluent' ? 0 : 1);
}

const runs = new Map<string, CallOutcome>();
function run(profile: ListenProfileName, seed: number, kind: CallerKind): CallOutcome {
  const key = `${profile}/${seed}/${kind}`;
  let out = runs.get(key);
  if (!out) {
    out = simulateCall(generateInterview(new SeededRandom(callSeed(seed, kind)), kind), { profile, seed });
    runs.set(key, out);
  }
  return out;
}

/**
 * Whether a listener could have told this pause from the end of the answer by what they had
 * heard: a hanging word; a comma or an unfinished opener the STT wrote down; an opener that
 * starts the answer, short enough to read as one without punctuation; the first word or two of
 * an answer, without punctuation (a "yes" that may be "yes,"); a caller who had already made a
 * thinking pause in the call, this one no longer than half as long again as their longest (and
 * within maxHabitMs); or, within maxHabitMs, a caller who had already paused mid-phrase (after a
 * hanging word or a written comma). A pause after a whole sentence by a caller who has not
 * paused before is not: any listener would take the turn there, and the caller's next words
 * barge in.
 */
function mustHold(
  pause: CallerPause,
  turn: TurnOutcome,
  earlier: readonly CallerPause[],
  profile: ListenProfileName,
): boolean {
  const punctuated = LISTEN_PROFILES[profile].punctuation !== 'off';
  if (pause.kind === 'hanging-word') return true;
  if ((pause.kind === 'comma' || pause.kind === 'dependent-clause') && punctuated) return true;
  // "yes [pause] now is fine": without punctuation an answer's first word or two cannot be told
  // from a whole short answer, so the router waits them out as it waits out a comma it sees.
  if (pause.kind === 'comma' && !punctuated && pause.afterWord <= 1) return true;
  if (pause.kind === 'dependent-clause') {
    const words = turn.turn.answer.words.slice(0, pause.afterWord + 1);
    const sentenceStart = words.findLastIndex((w, i) => i < words.length - 1 && /[.?!]$/.test(w.word)) + 1;
    // Unpunctuated, only an opener that starts the answer shows where its sentence begins.
    if (words.length - sentenceStart <= 5 && (punctuated || sentenceStart === 0)) return true;
  }
  if (earlier.length === 0) return false;
  // A caller seen pausing inside a phrase thinks while speaking: any pause of theirs within the cap.
  if (earlier.some((p) => tellable(p, profile))) return pause.ms <= defaultCommitParams.maxHabitMs;
  return pause.ms <= Math.min(1.5 * Math.max(...earlier.map((p) => p.ms)), defaultCommitParams.maxHabitMs);
}

/** A pause the words before it show to be mid-phrase: a hanging word, or a comma the STT wrote. */
function tellable(pause: CallerPause, profile: ListenProfileName): boolean {
  return pause.kind === 'hanging-word' || (pause.kind === 'comma' && LISTEN_PROFILES[profile].punctuation !== 'off');
}

describe.each(LISTEN_PROFILE_NAMES)('commit router on the %s profile', (profile) => {
  it(
    'never releases a reply into a pause a listener would wait out, inside an unfinished answer',
    () => {
      const violations: string[] = [];
      for (const seed of SEEDS) {
        const out = run(profile, seed, 'hesitant');
        const pausesSoFar: CallerPause[] = [];
        for (const turn of out.turns) {
          for (const pause of turn.turn.answer.pauses) {
            const released = turn.premature.filter(
              (c) => c.audibleAtMs >= pause.fromS * 1000 && c.audibleAtMs < pause.toS * 1000,
            );
            if (released.length > 0 && mustHold(pause, turn, pausesSoFar, profile)) {
              violations.push(
                `profile ${profile} seed ${seed} hesitant caller: reply audible ${Math.round(released[0]!.audibleAtMs - pause.fromS * 1000)} ms ` +
                  `into a ${pause.ms} ms ${pause.kind} pause after "${released[0]!.text.slice(-50)}"`,
              );
            }
            pausesSoFar.push(pause);
          }
        }
      }
      expect(violations).toEqual([]);
    },
    SIMULATION_BUDGET_MS,
  );

  it(
    'never releases a reply into a fluent answer at all, not even between its sentences (gaps of 150–350 ms)',
    () => {
      const violations: string[] = [];
      for (const seed of SEEDS) {
        for (const turn of run(profile, seed, 'fluent').turns) {
          const words = turn.turn.answer.words;
          for (const c of turn.premature) {
            const next = words.find((w) => w.startS > c.lastWordEndS + 1e-3);
            const gapMs = next ? Math.round((next.startS - c.lastWordEndS) * 1000) : undefined;
            const last = words.findLast((w) => w.endS <= c.lastWordEndS + 1e-3);
            const where = last && /[.?!]$/.test(last.word) ? 'between sentences' : 'mid-sentence';
            violations.push(
              `profile ${profile} seed ${seed} fluent caller: reply to "${c.text.slice(-40)}" heard ${where}, the caller went on after ${gapMs} ms`,
            );
          }
        }
      }
      expect(violations).toEqual([]);
    },
    SIMULATION_BUDGET_MS,
  );

  it('answers every answer once it is over, with all of its words', () => {
    const missing: string[] = [];
    for (const seed of SEEDS) {
      for (const kind of ['fluent', 'hesitant'] as const) {
        for (const turn of run(profile, seed, kind).turns) {
          const lastWord = turn.turn.answer.words.at(-1)!.word;
          const heard = turn.final ? meaningKey(turn.final.text) : '';
          if (!heard.endsWith(meaningKey(lastWord)))
            missing.push(`profile ${profile} seed ${seed} ${kind}: "${lastWord}"`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('takes back a commit the caller talks over before hearing it, whole: the next commit holds all its words', () => {
    for (const seed of SEEDS) {
      for (const kind of ['fluent', 'hesitant'] as const) {
        const { decisions } = run(profile, seed, kind);
        decisions.forEach(({ decision }, i) => {
          if (decision.type !== 'resumed') return;
          const before = decisions.slice(0, i).findLast((d) => d.decision.type === 'commit')?.decision;
          const after = decisions.slice(i).find((d) => d.decision.type === 'commit')?.decision;
          const where = `profile ${profile} seed ${seed} ${kind}, utterance ${decision.utteranceId}`;
          expect(before?.utteranceId, where).toBe(decision.utteranceId);
          expect(after?.utteranceId, where).toBe(decision.utteranceId);
          if (before?.type === 'commit' && after?.type === 'commit')
            expect(meaningKey(after.text).startsWith(meaningKey(before.text)), where).toBe(true);
        });
      }
    }
  });

  it(`starts at most ${defaultCommitParams.maxSpeculations} speculative replies per utterance`, () => {
    for (const seed of SEEDS) {
      for (const kind of ['fluent', 'hesitant'] as const) {
        const perUtterance = new Map<number, number>();
        for (const { decision } of run(profile, seed, kind).decisions) {
          if (decision.type === 'speculate')
            perUtterance.set(decision.utteranceId, (perUtterance.get(decision.utteranceId) ?? 0) + 1);
        }
        const most = Math.max(0, ...perUtterance.values());
        expect(most, `profile ${profile} seed ${seed} ${kind}`).toBeLessThanOrEqual(
          defaultCommitParams.maxSpeculations,
        );
      }
    }
  });
});

/**
 * Fluent answers: the caller's last word → the reply's first audio, modelled with a four-token
 * first clause (TYPICAL_AUDIBLE_MS). Every profile but one meets issue 11's targets (p50 ≤ 800,
 * p90 ≤ 1100 ms): with punctuated interims on the STT's full stop, without them on the local
 * VAD's silence (src/vad, on synthetic voice here), which also keeps speculations off interims
 * whose last word the caller is already talking past, so the attempts last to the real end.
 * With 180 ms of lag and 300–400 ms interims (`laggy`) even a final flushed at the VAD's offset
 * (`Finalize`) arrives 280–340 ms after the last word: held to p50 ≤ 900, p90 ≤ 1000 ms, which
 * the flush is needed for (without it, p90 ~1,090 ms on these seeds).
 */
const LATENCY_BOUNDS: Record<ListenProfileName, { p50: number; p90: number }> = {
  measured: { p50: 800, p90: 1100 },
  steady: { p50: 800, p90: 1100 },
  twitchy: { p50: 800, p90: 1100 },
  laggy: { p50: 900, p90: 1000 },
  unpunctuated: { p50: 800, p90: 1100 },
  'late-punctuation': { p50: 800, p90: 1100 },
};

describe('fluent answers are answered quickly', () => {
  it.each(LISTEN_PROFILE_NAMES)('on the %s profile', (profile) => {
    const firstAudio = SEEDS.flatMap((seed) =>
      run(profile, seed, 'fluent').turns.flatMap((t) => (t.firstAudioMs === undefined ? [] : [t.firstAudioMs])),
    ).sort((a, b) => a - b);
    const at = (q: number) => Math.round(firstAudio[Math.floor(q * (firstAudio.length - 1))]!);
    const bounds = LATENCY_BOUNDS[profile];
    const figures = `profile ${profile}, ${firstAudio.length} answers, seeds ${SEEDS[0]}–${SEEDS.at(-1)}: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms`;
    expect(at(0.5), figures).toBeLessThanOrEqual(bounds.p50);
    expect(at(0.9), figures).toBeLessThanOrEqual(bounds.p90);
  });
});
