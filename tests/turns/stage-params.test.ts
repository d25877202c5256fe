import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { defaultCommitParams, defaultStageCommitParams, resolveCommitParams } from '../../src/turns/commit-params.js';
import { CommitRouter } from '../../src/turns/commit-router.js';
import {
  lastWordEndMs,
  type PartialStreamOptions,
  partialStream,
  playScript,
  type SpeechSegment,
  speak,
} from '../../src/turns/scripted-partials.js';

const NO_END_SIGNALS: PartialStreamOptions = { speechFinal: false, utteranceEndMs: null };

/** Ms from the last word's end to the commit of the whole answer, for `segments` spoken in `stage`. */
function commitDelay(segments: SpeechSegment[], stage: string | undefined, stream = NO_END_SIGNALS): number {
  const clock = new ManualClock();
  let committedAtMs: number | undefined;
  const router = new CommitRouter({
    clock,
    onDecision: (d) => {
      if (d.type === 'commit') committedAtMs = clock.now();
    },
    ...(stage === undefined ? {} : { stage }),
  });
  const words = speak(segments);
  playScript(clock, partialStream(words, stream), (e) => router.handle(e), lastWordEndMs(words) + 5000);
  return committedAtMs! - lastWordEndMs(words);
}

function committedTexts(segments: SpeechSegment[], stage: string, stream: PartialStreamOptions): string[] {
  const clock = new ManualClock();
  const texts: string[] = [];
  const router = new CommitRouter({ clock, stage, onDecision: (d) => d.type === 'commit' && texts.push(d.text) });
  const words = speak(segments);
  playScript(clock, partialStream(words, stream), (e) => router.handle(e), lastWordEndMs(words) + 5000);
  return texts;
}

describe('per-stage parameters', () => {
  it('resolve as defaults, then base overrides, then the stage overrides', () => {
    expect(resolveCommitParams(undefined)).toEqual(defaultCommitParams);
    expect(resolveCommitParams('self_intro')).toEqual(defaultCommitParams);
    expect(resolveCommitParams('greeting', { maxWaitMs: 9000, minConfidence: 0.6 })).toEqual({
      ...defaultCommitParams,
      minConfidence: 0.6,
      ...defaultStageCommitParams.greeting,
    });
    expect(resolveCommitParams('greeting', {}, {})).toEqual(defaultCommitParams);
  });

  it('make greeting answers commit sooner than past_experience ones', () => {
    const answer = ['Yes, this is Sam.'];
    const greeting = commitDelay(answer, 'greeting');
    const past = commitDelay(answer, 'past_experience');
    expect(greeting).toBeLessThan(past);
    expect(past - greeting).toBe(
      defaultStageCommitParams.past_experience!.stableForMs! - defaultStageCommitParams.greeting!.stableForMs!,
    );
  });

  it('make past_experience wait out a longer thinking pause than greeting', () => {
    // 1.2 s after "and": greeting gives up (max wait 1.5 s) and has to resume; past_experience waits.
    const thinking: SpeechSegment[] = ['I led the team and', { pauseMs: 1200 }, 'we shipped it.'];
    const stream: PartialStreamOptions = { ...NO_END_SIGNALS, vadEvents: false };
    expect(committedTexts(thinking, 'greeting', stream)).toContain('I led the team and');
    expect(committedTexts(thinking, 'past_experience', stream)).toEqual(['I led the team and we shipped it.']);
  });

  it('switch with setStage, taking effect on the utterance in progress', () => {
    const clock = new ManualClock();
    const commits: number[] = [];
    const router = new CommitRouter({
      clock,
      stage: 'past_experience',
      onDecision: (d) => d.type === 'commit' && commits.push(clock.now()),
    });
    expect(router.currentParams.maxWaitMs).toBe(3000);
    router.handle({
      type: 'transcript',
      isFinal: false,
      speechFinal: false,
      text: 'and so',
      words: [],
      startS: 0,
      durationS: 1,
    });
    clock.advance(1600);
    expect(commits).toEqual([]);
    router.setStage('greeting');
    // greeting's max wait (1500 ms) has already passed: the switch commits at once.
    expect(commits).toEqual([1600]);
  });
});
