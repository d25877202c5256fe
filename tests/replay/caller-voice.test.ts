import { describe, expect, it } from 'vitest';
import { mulawRms } from '../../src/media/audio-codec.js';
import { CallerVoice, espeakAvailable, parseCallerLine } from '../../tools/replay/caller-voice.js';

/** A stand-in word synthesiser: 10 ms a letter of a constant level (espeak-free). */
async function blockWord(word: string): Promise<Int16Array> {
  return new Int16Array(word.length * 80).fill(4000);
}

describe('caller lines', () => {
  it('parses words and pause marks', () => {
    expect(parseCallerLine('I worked, [pause 700] um, at Acme.')).toEqual([
      { word: 'I' },
      { word: 'worked,' },
      { pauseMs: 700 },
      { word: 'um,' },
      { word: 'at' },
      { word: 'Acme.' },
    ]);
  });

  it('joins words with gaps and pauses, and gives each word its exact time', async () => {
    const voice = new CallerVoice({
      synthesizeWord: blockWord,
      wordGapMs: 50,
      clausePauseMs: 200,
      sentencePauseMs: 400,
    });
    const speech = await voice.say('I worked, [pause 700] um at Acme. Yes');
    const at = (s: number) => Math.round(s * 1000);
    expect(speech.words.map((w) => [w.word, at(w.startS), at(w.endS), w.filler])).toEqual([
      ['I', 0, 10, false],
      ['worked,', 60, 120, false], // gap 50
      ['um', 1070, 1090, true], // + clause pause 200 + [pause 700] + gap 50
      ['at', 1140, 1160, false],
      ['Acme.', 1210, 1250, false],
      ['Yes', 1700, 1730, false], // + sentence pause 400 + gap 50
    ]);
    expect(speech.durationMs).toBe(1730);
    expect(speech.mulaw.length).toBe(1730 * 8);
    // Silence where the pause is, sound where the words are.
    expect(mulawRms(speech.mulaw.subarray(300 * 8, 1000 * 8))).toBe(0);
    expect(mulawRms(speech.mulaw.subarray(1070 * 8, 1090 * 8))).toBeGreaterThan(3000);
  });
});

describe.skipIf(!espeakAvailable())('caller lines through espeak-ng', () => {
  it('speaks deterministically, with a silent hesitation and sound inside each word', async () => {
    const line = 'I led the payments team, [pause 700] um, for two years.';
    const first = await new CallerVoice().say(line);
    const second = await new CallerVoice().say(line);
    expect(first.mulaw.equals(second.mulaw)).toBe(true);
    expect(first.words.map((w) => w.word)).toEqual([
      'I',
      'led',
      'the',
      'payments',
      'team,',
      'um,',
      'for',
      'two',
      'years.',
    ]);
    for (const word of first.words) {
      expect(word.endS).toBeGreaterThan(word.startS);
      const inside = first.mulaw.subarray(Math.round(word.startS * 8000), Math.round(word.endS * 8000));
      expect(mulawRms(inside)).toBeGreaterThan(300);
    }
    const team = first.words[4]!;
    const um = first.words[5]!;
    expect(um.startS - team.endS).toBeGreaterThanOrEqual(0.7);
    const hesitation = first.mulaw.subarray(Math.round(team.endS * 8000) + 8, Math.round(um.startS * 8000) - 8);
    expect(mulawRms(hesitation)).toBe(0);
    expect(um.filler).toBe(true);
  });
});
