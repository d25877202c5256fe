import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type BargeInDecision, BargeInPolicy } from '../../src/turns/barge-in-policy.js';
import {
  type PartialStreamOptions,
  partialStream,
  playScript,
  type SpeechSegment,
  speak,
} from '../../testing/scripted-partials.js';

/** These tests are about the word rules; the hold on voice has its own file. */
const WORDS_ONLY = { holdOnVoice: false };

function run(segments: SpeechSegment[], agentSpeaking: boolean, stream: PartialStreamOptions = {}) {
  const clock = new ManualClock();
  const decisions: Array<{ atMs: number; decision: BargeInDecision }> = [];
  const policy = new BargeInPolicy({
    clock,
    onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
    params: WORDS_ONLY,
  });
  if (agentSpeaking) policy.agentSpeaking(true, 0.5);
  const words = speak(segments, { startS: 1 });
  playScript(clock, partialStream(words, stream), (e) => policy.handle(e), 10_000);
  return decisions;
}

describe('real speech over the agent', () => {
  it('interrupts on two real words, as soon as the interim shows them', () => {
    const decisions = run(['wait, sorry'], true);
    // "sorry" (1.31–1.56 s) shows in the interim at 1.5 s audio, which arrives 150 ms later.
    expect(decisions).toEqual([{ atMs: 1650, decision: { type: 'interrupt', atS: 1, reason: 'words' } }]);
  });

  it('interrupts when backchannel runs on into a real sentence, dated from the speech start', () => {
    const decisions = run(['okay yeah, but what about remote work?'], true);
    expect(decisions.map((d) => d.decision)).toEqual([expect.objectContaining({ type: 'interrupt', atS: 1 })]);
  });

  it('interrupts on one real word once the speech has lasted minSpeechMs', () => {
    const decisions = run([{ word: 'Hello?', durationMs: 450 }], true);
    expect(decisions.map((d) => d.decision)).toEqual([{ type: 'interrupt', atS: 1, reason: 'long-speech' }]);
  });

  it('does not interrupt on one short real word, nor on a drawn-out filler', () => {
    expect(run([{ word: 'no', durationMs: 200 }], true).map((d) => d.decision.type)).toEqual([]);
    expect(run([{ word: 'well', durationMs: 900 }], true).map((d) => d.decision.type)).toEqual([]);
  });

  it('interrupts once per agent turn', () => {
    const decisions = run(['hold on', { pauseMs: 2000 }, 'one more thing'], true);
    expect(decisions.filter((d) => d.decision.type === 'interrupt')).toHaveLength(1);
  });

  it('counts only words that ended after the agent started speaking', () => {
    const clock = new ManualClock();
    const decisions: BargeInDecision[] = [];
    const policy = new BargeInPolicy({ clock, onDecision: (d) => decisions.push(d), params: WORDS_ONLY });
    const words = speak(['I think that is all', { pauseMs: 200 }, 'mm-hmm'], { startS: 0 });
    // The agent started at 1.6 s audio time, while the caller's "... all" window was still open.
    policy.agentSpeaking(true, 1.6);
    playScript(clock, partialStream(words, { endpointingMs: 500 }), (e) => policy.handle(e), 6000);
    expect(decisions.some((d) => d.type === 'interrupt')).toBe(false);
  });

  it('does nothing while the agent is not speaking', () => {
    expect(run(['wait, I have a question about that'], false)).toEqual([]);
  });

  it('does nothing after the agent stopped speaking', () => {
    const clock = new ManualClock();
    const decisions: BargeInDecision[] = [];
    const policy = new BargeInPolicy({ clock, onDecision: (d) => decisions.push(d), params: WORDS_ONLY });
    policy.agentSpeaking(true);
    policy.agentSpeaking(false);
    playScript(clock, partialStream(speak(['wait, one question'])), (e) => policy.handle(e), 5000);
    expect(decisions).toEqual([]);
  });
});

describe('voice longer than any backchannel', () => {
  function interim(word: string, startS: number, endS: number) {
    const words = [{ word, startS, endS, confidence: 0.9 }];
    return {
      type: 'transcript',
      isFinal: false,
      speechFinal: false,
      text: word,
      words,
      startS,
      durationS: endS - startS,
    } as const;
  }
  function policyOnClock() {
    const clock = new ManualClock();
    const decisions: Array<{ atMs: number; decision: BargeInDecision }> = [];
    const policy = new BargeInPolicy({
      clock,
      onDecision: (decision) => decisions.push({ atMs: clock.now(), decision }),
      params: WORDS_ONLY,
    });
    policy.agentSpeaking(true, 0);
    clock.advance(1000);
    policy.voice({ type: 'voice-started', atMs: 1000 });
    return { clock, policy, interrupts: () => decisions.filter((d) => d.decision.type === 'interrupt') };
  }

  it('interrupts on one real word still unsettled once the voice has gone on longVoiceMs', () => {
    const { clock, policy, interrupts } = policyOnClock();
    clock.advance(400);
    policy.handle(interim('remote', 1.0, 1.35));
    expect(interrupts(), 'one unsettled word after 400 ms of voice').toEqual([]);
    clock.advance(400);
    expect(interrupts()).toEqual([{ atMs: 1800, decision: { type: 'interrupt', atS: 1, reason: 'long-speech' } }]);
  });

  it('does not interrupt on backchannel or filler however long the voice, nor on a word once the voice stopped', () => {
    for (const word of ['mm-hmm', 'okay', 'um']) {
      const { clock, policy, interrupts } = policyOnClock();
      clock.advance(400);
      policy.handle(interim(word, 1.0, 1.35));
      clock.advance(1200);
      expect(interrupts(), word).toEqual([]);
    }
    const { clock, policy, interrupts } = policyOnClock();
    clock.advance(300);
    policy.voice({ type: 'voice-stopped', atMs: 1300, durationMs: 300 });
    policy.handle(interim('remote', 1.0, 1.25));
    clock.advance(1000);
    expect(interrupts(), 'a short word, its voice over').toEqual([]);
  });
});
