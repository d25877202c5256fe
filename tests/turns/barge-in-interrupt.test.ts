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
  /** An interim of `text`, its words spread evenly over [startS, endS]. */
  function interim(text: string, startS: number, endS: number) {
    const tokens = text.split(' ');
    const span = (endS - startS) / tokens.length;
    const words = tokens.map((word, i) => ({
      word,
      startS: startS + i * span,
      endS: startS + (i + 1) * span,
      confidence: 0.9,
    }));
    return {
      type: 'transcript',
      isFinal: false,
      speechFinal: false,
      text,
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

  it('interrupts on one unsettled word that may be a misheard backchannel once the voice has gone on longVoiceMs', () => {
    const { clock, policy, interrupts } = policyOnClock();
    clock.advance(400);
    policy.handle(interim('write', 1.0, 1.35));
    expect(interrupts(), '"write" (for "right"?) after 400 ms of voice').toEqual([]);
    clock.advance(400);
    expect(interrupts()).toEqual([{ atMs: 1800, decision: { type: 'interrupt', atS: 1, reason: 'long-speech' } }]);
  });

  it('interrupts on one unsettled word of minSpeechMs at once when no revision could make it a backchannel', () => {
    for (const word of ['sorry', 'wait', 'hello']) {
      const { clock, policy, interrupts } = policyOnClock();
      clock.advance(500);
      policy.handle(interim(word, 1.0, 1.42));
      expect(interrupts(), word).toEqual([
        { atMs: 1500, decision: { type: 'interrupt', atS: 1, reason: 'long-speech' } },
      ]);
    }
  });

  it('interrupts on one short clear word once the voice has gone on minVoicedMs ("Wait, is this…")', () => {
    const { clock, policy, interrupts } = policyOnClock();
    clock.advance(200);
    policy.handle(interim('wait', 1.0, 1.18));
    expect(interrupts(), 'a 180 ms word after 200 ms of voice').toEqual([]);
    clock.advance(50);
    expect(interrupts()).toEqual([{ atMs: 1250, decision: { type: 'interrupt', atS: 1, reason: 'long-speech' } }]);
  });

  it('counts the voice from the first onset of the speech, across a comma pause ("Wait, [100 ms] is…")', () => {
    const { clock, policy, interrupts } = policyOnClock();
    clock.advance(300);
    policy.voice({ type: 'voice-stopped', atMs: 1220, durationMs: 220 });
    clock.advance(40);
    policy.voice({ type: 'voice-started', atMs: 1330 });
    clock.advance(20);
    expect(interrupts(), 'a comma pause before the word shows').toEqual([]);
    policy.handle(interim('wait', 1.0, 1.22));
    expect(interrupts()).toEqual([{ atMs: 1360, decision: { type: 'interrupt', atS: 1, reason: 'long-speech' } }]);
  });

  it('waits on an interim whose unsettled last word may still settle into a backchannel ("write" for "right", "i no" for "i know")', () => {
    for (const text of ['write', 'ok', 'shore', 'gotta', 'grate', 'i no', "that's write", 'thank ewe', 'for shore']) {
      const { clock, policy, interrupts } = policyOnClock();
      clock.advance(500);
      policy.handle(interim(text, 1.0, 1.42));
      clock.advance(200);
      policy.voice({ type: 'voice-stopped', atMs: 1700, durationMs: 700 });
      clock.advance(1000);
      expect(interrupts(), text).toEqual([]);
    }
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
