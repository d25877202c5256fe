import { afterEach, expect, it, vi } from 'vitest';
import { isAppError } from '../../src/lib/errors.js';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { callAudio, openStt, sendAudio } from './deepgram-stt-harness.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

it('after an abrupt drop, reconnects, resends the last 5 s and keeps event times on the call axis', async () => {
  fake = await startDeepgramFake({ keepAudio: true });
  // Session 0 hears the call from 0 s.
  fake.enqueueScript([
    { word: 'Hello.', startS: 0.5, endS: 0.9 },
    { word: 'Okay.', startS: 6.0, endS: 6.3 },
  ]);
  // Session 1 is sent the call from 3 s (8 s − 5 s of resend), so its axis is the call's minus 3 s:
  // it hears "Okay." again at 3.0 (already final on session 0) and then the new "Again." at 6.0 (call 9.0).
  fake.enqueueScript([
    { word: 'Okay.', startS: 3.0, endS: 3.3 },
    { word: 'Again.', startS: 6.0, endS: 6.4 },
  ]);
  const stt = openStt(fake);
  sendAudio(stt.stream, 0, 8);
  const first = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(first.audioS).toBe(8));
  await vi.waitFor(() => expect(stt.finalTexts()).toEqual(['Hello.', 'Okay.']));

  fake.dropListenSession(0);
  const second = await fake.waitForListenSession(1);
  // Open yet or not on the client side, this audio must reach session 1 whole, after the resent 5 s.
  sendAudio(stt.stream, 8, 10);
  await vi.waitFor(() => expect(second.audioS).toBe(7));

  expect(second.query).toEqual(first.query);
  expect(second.audio.equals(Buffer.concat(callAudio(3, 10)))).toBe(true);
  await vi.waitFor(() => expect(stt.finalTexts()).toEqual(['Hello.', 'Okay.', 'Again.']));
  const again = stt.events.find((e) => e.type === 'transcript' && e.text === 'Again.');
  expect(again?.type === 'transcript' && again.words[0]?.startS).toBeCloseTo(9.0, 3);
  const speechStarts = stt.events.flatMap((e) => (e.type === 'speech-started' ? [e.atS] : []));
  expect(speechStarts).toEqual([0.5, 6.0, 9.0]);
  const utteranceEnds = stt.events.flatMap((e) => (e.type === 'utterance-end' ? [e.lastWordEndS] : []));
  expect(utteranceEnds).toEqual([0.9, 6.3]);
  expect(stt.errors).toEqual([]);
  await stt.stream.close();
});

it('gives up with STT_STREAM_FAILED when the service stays unreachable after a drop', async () => {
  fake = await startDeepgramFake();
  const stt = openStt(fake, { connectAttempts: 2, reconnectBaseDelayMs: 5 });
  sendAudio(stt.stream, 0, 0.2);
  const first = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(first.bytesReceived).toBe(1600));

  fake.refuseListen(503);
  fake.dropListenSession(0);
  await vi.waitFor(() => expect(stt.errors).toHaveLength(1));
  expect(isAppError(stt.errors[0], 'STT_STREAM_FAILED')).toBe(true);
  expect(fake.listenSessions).toHaveLength(1);
  await stt.stream.close(); // closing a failed stream still resolves
});
