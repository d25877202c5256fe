import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type BargeInDecision, BargeInPolicy } from '../../src/turns/barge-in-policy.js';
import { partialStream, playScript, type SpeechSegment, speak } from '../../testing/scripted-partials.js';

/**
 * The VAD's onset (here 40 ms after the first word starts) holds the agent's audio; `held`
 * reports 200 ms still at Twilio, as the player does at its lead.
 */
function run(segments: SpeechSegment[], voice: { fromMs: number; toMs: number }[] = [], aheadMs = 200) {
  const clock = new ManualClock();
  const decisions: string[] = [];
  const policy = new BargeInPolicy({
    clock,
    onDecision: (d: BargeInDecision) => {
      decisions.push(`${d.type}@${clock.now()}`);
      if (d.type === 'hold') policy.held(aheadMs);
    },
  });
  policy.agentSpeaking(true, 0);
  const voiceEvents = voice.flatMap((v) => [
    { atMs: v.fromMs + 40, run: () => policy.voice({ type: 'voice-started', atMs: v.fromMs }) },
    {
      atMs: v.toMs + 100,
      run: () => policy.voice({ type: 'voice-stopped', atMs: v.toMs, durationMs: v.toMs - v.fromMs }),
    },
  ]);
  const stt = partialStream(speak(segments, { startS: 1 })).map((e) => ({
    atMs: e.atMs,
    run: () => policy.handle(e.event),
  }));
  for (const input of [...voiceEvents, ...stt].sort((a, b) => a.atMs - b.atMs)) {
    if (input.atMs > clock.now()) clock.advance(input.atMs - clock.now());
    input.run();
  }
  playScript(clock, [], () => {}, 6000);
  return decisions;
}

describe('hold on the caller voice', () => {
  it('holds at the onset and releases 60 ms after the held audio ran out, never clearing a backchannel', () => {
    expect(run(['mm-hmm'], [{ fromMs: 1000, toMs: 1450 }])).toEqual([
      'hold@1040',
      'release@1300',
      'ignored-backchannel@2400',
    ]);
  });

  it('releases at once when the voice stops before the held audio runs out (a cough, a short "mm")', () => {
    expect(run([], [{ fromMs: 1000, toMs: 1060 }])).toEqual(['hold@1040', 'release@1160']);
  });

  it('a real interruption goes from the hold to the interrupt, dated at the VAD onset', () => {
    const decisions = run(['wait, sorry'], [{ fromMs: 980, toMs: 1560 }]);
    expect(decisions[0]).toBe('hold@1020');
    // "wait" (1.0–1.22 s) shows at 1.4 s, 380 ms into a voice that goes on: interrupt at once.
    expect(decisions.slice(1)).toEqual(['release@1280', 'interrupt@1400']);
  });

  it('a backchannel whose words show after the release is still only a backchannel', () => {
    const decisions = run(['okay', 'yeah'], [{ fromMs: 1000, toMs: 1500 }]);
    expect(decisions.filter((d) => d.startsWith('interrupt'))).toEqual([]);
  });

  it('can be turned off: then only the words decide', () => {
    const clock = new ManualClock();
    const decisions: string[] = [];
    const policy = new BargeInPolicy({
      clock,
      params: { holdOnVoice: false },
      onDecision: (d) => decisions.push(d.type),
    });
    policy.agentSpeaking(true, 0);
    policy.voice({ type: 'voice-started', atMs: 1000 });
    clock.advance(1000);
    expect(decisions).toEqual([]);
  });
});
