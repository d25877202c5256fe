import { afterEach, expect, it, vi } from 'vitest';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { openStt, sendAudio } from './deepgram-stt-harness.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

it('translates SpeechStarted, revising interims, the speech_final and UtteranceEnd into events on the audio axis', async () => {
  fake = await startDeepgramFake({ transcriptLatencyMs: 20 });
  fake.enqueueScript([
    { word: 'I', startS: 0.6, endS: 0.7 },
    { word: 'worked', startS: 0.75, endS: 1.1, interimText: 'walked' },
    { word: 'at', startS: 1.15, endS: 1.25 },
    { word: 'Acme.', startS: 1.3, endS: 1.8 },
  ]);
  const stt = openStt(fake);
  sendAudio(stt.stream, 0, 3.5);
  await vi.waitFor(() => expect(stt.events.at(-1)?.type).toBe('utterance-end'));

  const kinds = stt.events.map((e) => (e.type === 'transcript' ? (e.isFinal ? 'final' : 'interim') : e.type));
  expect(kinds[0]).toBe('speech-started');
  expect(kinds.slice(1, -2).every((k) => k === 'interim')).toBe(true);
  expect(kinds.slice(-2)).toEqual(['final', 'utterance-end']);

  expect(stt.events[0]).toEqual({ type: 'speech-started', atS: 0.6 });
  const interimTexts = stt.events.flatMap((e) => (e.type === 'transcript' && !e.isFinal ? [e.text] : []));
  expect(interimTexts).toContain('I walked');
  expect(interimTexts.at(-1)).toBe('I worked at Acme.');

  const final = stt.events.at(-2) as Extract<SttEvent, { type: 'transcript' }>;
  expect(final).toMatchObject({ isFinal: true, speechFinal: true, text: 'I worked at Acme.', startS: 0 });
  expect(final.durationS).toBeCloseTo(1.8 + 0.3, 3);
  expect(final.words.map((w) => [w.word, w.startS, w.endS])).toEqual([
    ['i', 0.6, 0.7],
    ['worked', 0.75, 1.1],
    ['at', 1.15, 1.25],
    ['acme', 1.3, 1.8],
  ]);
  expect(stt.events.at(-1)).toEqual({ type: 'utterance-end', lastWordEndS: 1.8 });
  await stt.stream.close();
});
