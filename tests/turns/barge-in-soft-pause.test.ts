import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type BargeInDecision, BargeInPolicy } from '../../src/turns/barge-in-policy.js';
import { partialStream, playScript, type SpeechSegment, speak } from '../../src/turns/scripted-partials.js';

function run(segments: SpeechSegment[], pauseOnSpeechStart?: boolean) {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: BargeInDecision }> = [];
  const policy = new BargeInPolicy({
    clock,
    ...(pauseOnSpeechStart === undefined ? {} : { params: { pauseOnSpeechStart } }),
    onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
  });
  policy.agentSpeaking(true, 0);
  playScript(clock, partialStream(speak(segments, { startS: 1 })), (e) => policy.handle(e), 6000);
  return decisions.map((d) => `${d.decision.type}@${d.atMs}`);
}

describe('soft pause on speech start', () => {
  it('pauses at speech start (by default) and resumes after resumeAfterMs when it was only a backchannel', () => {
    expect(run(['mm-hmm'])).toEqual(['pause@1150', 'resume@2150', 'ignored-backchannel@2400']);
  });

  it('pauses, then interrupts without resuming when real words follow', () => {
    expect(run(['wait, sorry'], true)).toEqual(['pause@1150', 'interrupt@1650']);
  });

  it('can be turned off: then only the words decide', () => {
    expect(run(['mm-hmm'], false)).toEqual(['ignored-backchannel@2400']);
  });
});
