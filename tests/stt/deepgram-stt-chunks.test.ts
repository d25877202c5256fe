/**
 * Caller audio goes to Deepgram in 40 ms messages, not Twilio's 20 ms frames: one WebSocket
 * message (a write system call on each side) per 20 ms of every call was the largest CPU cost
 * under load. Audio still waiting for a whole chunk goes out before Finalize and CloseStream, so
 * neither cuts the last word short.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { openStt, sendAudio } from './deepgram-stt-harness.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

it('sends two 20 ms frames a message, every byte in order', async () => {
  fake = await startDeepgramFake({ keepAudio: true });
  const { stream } = openStt(fake);
  const session = await fake.waitForListenSession(0);
  sendAudio(stream, 0, 1);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(8000));
  expect(session.audioMessages).toBe(25);
  const expected = Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.alloc(160, i)));
  expect(session.audio.equals(expected)).toBe(true);
  await stream.close();
});

it('flushes a half chunk before Finalize, and before CloseStream', async () => {
  fake = await startDeepgramFake();
  const { stream } = openStt(fake);
  const session = await fake.waitForListenSession(0);
  sendAudio(stream, 0, 0.04); // its arrival proves the socket open (a backlog goes out whole)
  await vi.waitFor(() => expect(session.bytesReceived).toBe(320));
  sendAudio(stream, 0.04, 0.5); // 23 frames: 11 whole chunks and one frame left over
  await vi.waitFor(() => expect(session.bytesReceived).toBe(3840));
  stream.finalize();
  await vi.waitFor(() => expect(session.controlMessages).toContain('Finalize'));
  expect(session.bytesReceived).toBe(4000);

  sendAudio(stream, 0.5, 0.52);
  await stream.close();
  expect(session.controlMessages.at(-1)).toBe('CloseStream');
  expect(session.bytesReceived).toBe(4160);
});
