import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type BargeInDecision, BargeInPolicy } from '../../src/turns/barge-in-policy.js';
import { partialStream, playScript, type SpeechSegment, speak } from '../../testing/scripted-partials.js';

/** These tests are about the word rules; the hold on voice has its own file. */
const WORDS_ONLY = { holdOnVoice: false };

function duringAgentSpeech(segments: SpeechSegment[], confidence?: number): BargeInDecision[] {
  const clock = new ManualClock();
  const decisions: BargeInDecision[] = [];
  const policy = new BargeInPolicy({ clock, onDecision: (d) => decisions.push(d), params: WORDS_ONLY });
  policy.agentSpeaking(true, 0);
  const words = speak(segments, { startS: 1, ...(confidence === undefined ? {} : { confidence }) });
  playScript(clock, partialStream(words), (e) => policy.handle(e), 10_000);
  policy.agentSpeaking(false);
  return decisions;
}

describe('backchannels while the agent speaks', () => {
  for (const said of [
    ['mm-hmm'],
    ['Mhm.'],
    ['uh-huh'],
    ['Okay.'],
    ['yeah yeah'],
    ['Right, got it.'],
    ['Yes, sure.'],
    ['I see. Cool.'],
    ['alright', { pauseMs: 600 }, 'great'],
    ['uh'],
    ['um'],
  ]) {
    it(`never interrupt: ${JSON.stringify(said)}`, () => {
      const decisions = duringAgentSpeech(said);
      expect(decisions.some((d) => d.type === 'interrupt')).toBe(false);
      expect(decisions.filter((d) => d.type === 'ignored-backchannel').length).toBeGreaterThanOrEqual(1);
    });
  }

  it('never interrupt even when drawn out: "mmmm-hmm" lasting a second', () => {
    const decisions = duringAgentSpeech([{ word: 'mm-hmm', durationMs: 1000 }]);
    expect(decisions).toEqual([{ type: 'ignored-backchannel', text: 'mm-hmm' }]);
  });

  it('ignore low-confidence noise entirely', () => {
    expect(duringAgentSpeech(['stop talking'], 0.2)).toEqual([]);
  });

  it('do not add up across separate moments: "okay" … (3 s) … "so" … (3 s) … "right"', () => {
    const decisions = duringAgentSpeech(['okay', { pauseMs: 3000 }, 'so', { pauseMs: 3000 }, 'right']);
    expect(decisions.some((d) => d.type === 'interrupt')).toBe(false);
  });
});
