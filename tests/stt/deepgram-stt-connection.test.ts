import { afterEach, expect, it, vi } from 'vitest';
import { isAppError } from '../../src/lib/errors.js';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { openStt, sendAudio } from './deepgram-stt-harness.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

it('connects with the phone-audio query and Token auth, and delivers audio sent before the socket opened', async () => {
  fake = await startDeepgramFake({ apiKey: 'test-key' });
  const { stream } = openStt(fake);
  sendAudio(stream, 0, 1); // sent at once, before the handshake can have finished

  const session = await fake.waitForListenSession(0);
  expect(session.query).toEqual({
    model: 'nova-3',
    encoding: 'mulaw',
    sample_rate: '8000',
    channels: '1',
    interim_results: 'true',
    endpointing: '300',
    utterance_end_ms: '1000',
    vad_events: 'true',
    smart_format: 'true',
    punctuate: 'true',
  });
  expect(session.headers.authorization).toBe('Token test-key');
  await vi.waitFor(() => expect(session.bytesReceived).toBe(8000));
  await stream.close();
});

it('reports a connect failure once the attempts are spent (wrong key: 401)', async () => {
  fake = await startDeepgramFake({ apiKey: 'the-right-key' });
  const { errors } = openStt(fake, { connectAttempts: 2, reconnectBaseDelayMs: 1 });
  await vi.waitFor(() => expect(errors).toHaveLength(1));
  expect(isAppError(errors[0], 'STT_CONNECT_FAILED')).toBe(true);
  expect(fake.listenSessions).toHaveLength(0);
});

it('close() sends CloseStream, delivers the flushed final, then resolves', async () => {
  fake = await startDeepgramFake();
  fake.enqueueScript([
    { word: 'Hello,', startS: 0.5, endS: 0.8 },
    { word: 'my', startS: 0.9, endS: 1.0 },
    { word: "name's", startS: 1.05, endS: 1.4 },
  ]);
  const stt = openStt(fake);
  sendAudio(stt.stream, 0, 1.2);
  const session = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(session.audioS).toBe(1.2));

  await stt.stream.close();
  expect(session.controlMessages).toContain('CloseStream');
  expect(session.closeReason).toBe('close-stream');
  const last = stt.events.at(-1);
  // Words begun before the end of the audio count as heard.
  expect(last).toMatchObject({ type: 'transcript', isFinal: true, text: "Hello, my name's" });
  expect(stt.errors).toEqual([]);
});

it('finalize() sends Finalize and the heard words come back final', async () => {
  fake = await startDeepgramFake();
  fake.enqueueScript([{ word: 'Yes.', startS: 0.2, endS: 0.5 }]);
  const stt = openStt(fake, { endpointingMs: 2000 });
  sendAudio(stt.stream, 0, 0.6);
  const session = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(session.audioS).toBe(0.6));
  stt.stream.finalize();
  await vi.waitFor(() => expect(stt.finalTexts()).toEqual(['Yes.']));
  expect(session.controlMessages).toEqual(['Finalize']);
  await stt.stream.close();
});

it('aborting the open signal closes the stream the same way (CloseStream)', async () => {
  fake = await startDeepgramFake();
  const controller = new AbortController();
  const stt = openStt(fake, { signal: controller.signal });
  sendAudio(stt.stream, 0, 0.2);
  const session = await fake.waitForListenSession(0);
  await vi.waitFor(() => expect(session.bytesReceived).toBe(1600));
  controller.abort();
  await vi.waitFor(() => expect(session.closeReason).toBe('close-stream'));
  expect(stt.errors).toEqual([]);
});

it('close() while still connecting resolves at once and reports nothing', async () => {
  fake = await startDeepgramFake();
  const stt = openStt(fake);
  stt.stream.sendAudio(Buffer.alloc(160, 0xff));
  await stt.stream.close();
  stt.stream.sendAudio(Buffer.alloc(160, 0xff)); // ignored after close
  expect(stt.errors).toEqual([]);
  expect(fake.listenSessions.every((s) => s.bytesReceived === 0)).toBe(true);
});
