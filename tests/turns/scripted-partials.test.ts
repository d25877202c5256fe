import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { partialStream, playScript, speak } from '../../testing/scripted-partials.js';

describe('scripted partial streams', () => {
  it('lay words out on the audio timeline with pauses', () => {
    const words = speak(['Hi there', { pauseMs: 800 }, { word: 'Sam', confidence: 0.5 }], {
      startS: 1,
      wordMs: 200,
      gapMs: 50,
    });
    expect(words).toEqual([
      { word: 'Hi', startS: 1, endS: 1.2, confidence: 0.95 },
      { word: 'there', startS: 1.25, endS: 1.45, confidence: 0.95 },
      { word: 'Sam', startS: 2.25, endS: 2.45, confidence: 0.5 },
    ]);
  });

  it('deliver growing interims, an endpoint final, VAD and utterance-end events at their arrival times', () => {
    const words = speak(['one two', { pauseMs: 1200 }, 'three'], { startS: 0, wordMs: 200, gapMs: 50 });
    const script = partialStream(words, {
      interimEveryMs: 200,
      latencyMs: 100,
      endpointingMs: 300,
      utteranceEndMs: 1000,
    });
    const summary = script.map(({ atMs, event }) => `${atMs} ${label(event)}`);
    expect(summary).toEqual([
      '100 speech-started 0',
      '300 interim "one"',
      '500 interim "one two"',
      '700 interim "one two"',
      '850 final+speech "one two"',
      '1550 utterance-end 0.45',
      '1750 speech-started 1.65',
      '1950 interim "three"',
      '2150 interim "three"',
      '2250 final+speech "three"',
      '2950 utterance-end 1.85',
    ]);
  });

  it('show a misheard word in interims and the corrected one in the final', () => {
    const words = speak(['at', { word: 'Acme', misheardAs: 'Acne' }], { startS: 0 });
    const texts = partialStream(words).flatMap(({ event }) => (event.type === 'transcript' ? [event.text] : []));
    expect(texts.at(-2)).toBe('at Acne');
    expect(texts.at(-1)).toBe('at Acme');
  });

  it('are played on a manual clock in order, firing timers on the way', () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`timer@${clock.now()}`), 400);
    const script = partialStream(speak(['hello'], { startS: 0 }), { latencyMs: 100 });
    playScript(clock, script, (event) => seen.push(`${label(event)}@${clock.now()}`), 2000);
    expect(seen).toEqual([
      'speech-started 0@100',
      'interim "hello"@350',
      'timer@400',
      'interim "hello"@600',
      'final+speech "hello"@650',
      'utterance-end 0.25@1350',
    ]);
    expect(clock.now()).toBe(2000);
  });
});

function label(event: SttEvent): string {
  switch (event.type) {
    case 'speech-started':
      return `speech-started ${event.atS}`;
    case 'utterance-end':
      return `utterance-end ${event.lastWordEndS}`;
    case 'transcript':
      return `${event.isFinal ? (event.speechFinal ? 'final+speech' : 'final') : 'interim'} "${event.text}"`;
  }
}
