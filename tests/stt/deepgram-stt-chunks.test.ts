/**
 * Caller audio goes to Deepgram in 40 ms messages, not Twilio's 20 ms frames: one WebSocket
 * message (a write system call on each side) per 20 ms of every call was the largest CPU cost
 * under load. Audio still waiting for a whole chunk goes out before Finalize and CloseStream, so
 * neither cuts the last word short. While the caller is quiet the messages grow to 160 ms (the
 * agent speaking, a long pause), and the first frame that is not quiet takes everything waiting
 * with it at once, so a caller who starts to speak is heard no later than before.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { callAudio, openStt, sendAudio } from './deepgram-stt-harness.js';

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

it('sends 160 ms a message while the caller is quiet; the first frame that is not goes out at once with what waited', async () => {
  fake = await startDeepgramFake({ keepAudio: true });
  const { stream } = openStt(fake);
  const session = await fake.waitForListenSession(0);
  sendAudio(stream, 0, 0.04);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(320));
  for (const frame of callAudio(0.04, 0.44)) stream.sendAudio(frame, 'quiet'); // 20 frames: two chunks, 4 frames over
  await vi.waitFor(() => expect(session.bytesReceived).toBe(320 + 2 * 1280));
  expect(session.audioMessages).toBe(3);

  stream.sendAudio(callAudio(0.44, 0.46)[0]!, 'live');
  await vi.waitFor(() => expect(session.bytesReceived).toBe(320 + 2 * 1280 + 5 * 160));
  expect(session.audioMessages).toBe(4);
  sendAudio(stream, 0.46, 0.5);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(4000));
  expect(session.audioMessages).toBe(5);
  expect(session.audio.equals(Buffer.concat(callAudio(0, 0.5)))).toBe(true);
  await stream.close();
});
