import { expect, it } from 'vitest';
import { translateListenMessage } from '../../src/stt/deepgram-results.js';

function results(startS: number, durationS: number, words: [string, number, number][], isFinal = true) {
  return {
    type: 'Results',
    start: startS,
    duration: durationS,
    is_final: isFinal,
    speech_final: false,
    channel: {
      alternatives: [
        {
          transcript: words.map((w) => w[0]).join(' '),
          confidence: 0.95,
          words: words.map(([word, start, end]) => ({ word, start, end, confidence: 0.95 })),
        },
      ],
    },
  };
}

it('after a reconnect keeps a word the old connection never finalised though it started inside its last final window', () => {
  // The old connection's last final covered 0–3.9 s but held words only to 3.7 s: "time" (3.8–4.05)
  // straddled the window's end and was still an interim when the socket died.
  const axis = { offsetS: 1, settledUntilS: 3.9, wordsSettledUntilS: 3.7 };
  const event = translateListenMessage(
    results(0, 3.2, [
      ['good', 2.4, 2.7],
      ['time', 2.8, 3.05],
    ]),
    axis,
  );
  expect(event?.type === 'transcript' && event.words.map((w) => w.word)).toEqual(['time']);
  expect(event?.type === 'transcript' && event.text).toBe('time');
});

it('after a reconnect drops a repeated window holding only words already delivered', () => {
  const axis = { offsetS: 1, settledUntilS: 3.9, wordsSettledUntilS: 3.7 };
  expect(translateListenMessage(results(0, 2.8, [['good', 2.4, 2.7]]), axis)).toBeUndefined();
});
