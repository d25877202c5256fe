import { afterEach, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { callAudio, openStt } from './deepgram-stt-harness.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

it('sends KeepAlive only after a whole interval without audio', async () => {
  fake = await startDeepgramFake();
  const clock = new ManualClock();
  // One frame a message, so each send reaches the socket at once.
  const stt = openStt(fake, { clock, keepAliveIntervalMs: 4000, audioChunkMs: 20 });
  const frames = callAudio(0, 1);
  const send = (i: number) => stt.stream.sendAudio(frames[i] as Buffer);

  send(0); // buffered until open; its arrival proves the socket is open
  const session = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(160));

  clock.advance(2000);
  send(1);
  clock.advance(2000); // a check at 4 s: audio went 2 s ago, so no KeepAlive
  send(2);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(480));
  expect(session.keepAlives).toBe(0); // the socket is ordered: a KeepAlive would have arrived first

  clock.advance(4000); // the check at 8 s: nothing sent for 4 s
  await vi.waitFor(() => expect(session.keepAlives).toBe(1));
  clock.advance(4000);
  await vi.waitFor(() => expect(session.keepAlives).toBe(2));
  expect(session.closed).toBe(false);
  await stt.stream.close();
});

it('sends a frame left waiting for a whole chunk at the next check, not a KeepAlive', async () => {
  fake = await startDeepgramFake();
  const clock = new ManualClock();
  const stt = openStt(fake, { clock, keepAliveIntervalMs: 4000, audioChunkMs: 40 });
  const frames = callAudio(0, 1);
  stt.stream.sendAudio(frames[0] as Buffer);
  stt.stream.sendAudio(frames[1] as Buffer);
  const session = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(320));

  clock.advance(1000);
  stt.stream.sendAudio(frames[2] as Buffer); // half a chunk, and then the audio stops
  clock.advance(3000);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(480));
  expect(session.keepAlives).toBe(0);
  await stt.stream.close();
});
