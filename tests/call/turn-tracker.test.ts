import { describe, expect, it } from 'vitest';
import { TurnTracker } from '../../src/call/turn-tracker.js';

describe('turn latency bookkeeping', () => {
  it('measures a turn from commit to the first audio of the speech that answers it', () => {
    const turns = new TurnTracker();
    turns.open(1000, 1300);
    turns.attach('s1', { speculative: true });
    turns.firstToken('s1', 1400);
    const done = turns.finish('s1', { ttsFirstByteAt: 1650, firstAudioSentAt: 1652, firstAudioHeardAt: 1660 });
    expect(done).toMatchObject({ turn: 1, commitDelayMs: 300, voiceToVoiceSentMs: 652, voiceToVoiceHeardMs: 660 });
    expect(done?.speculative).toBe(true);
  });

  it('hands a tool-only reply’s turn to the speech after it', () => {
    const turns = new TurnTracker();
    turns.open(1000, 1300);
    turns.attach('tool-only');
    turns.handOn('tool-only');
    turns.attach('next');
    expect(turns.finish('tool-only', {})).toBeUndefined();
    expect(turns.finish('next', { firstAudioHeardAt: 2000 })?.voiceToVoiceHeardMs).toBe(1000);
  });

  it('forgets a taken-back commit entirely, even a turn already finished (cut before it was heard)', () => {
    const turns = new TurnTracker();
    turns.open(1000, 1300);
    turns.attach('a');
    turns.finish('a', { firstAudioHeardAt: 1900 });
    const before = turns.turnCount;
    turns.open(5000, 5200);
    turns.attach('early');
    turns.finish('early', {}); // interrupted before any audio: finished, then the commit is taken back
    turns.rewindTo(before);
    turns.open(6000, 6300);
    turns.attach('merged');
    turns.finish('merged', { firstAudioHeardAt: 7000 });
    expect(turns.completed.map((t) => [t.turn, t.voiceToVoiceHeardMs])).toEqual([
      [1, 900],
      [2, 1000],
    ]);
  });
});
