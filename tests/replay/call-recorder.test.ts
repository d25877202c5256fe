import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { CallRecorder } from '../../src/recording/call-recorder.js';
import { PhoneStream } from '../../testing/fakes/twilio-phone.js';
import { mediaPayload, readFixture } from '../../tools/replay/fixture-reader.js';
import { AUTH_TOKEN, type MediaServer, removeTempDirs, startMediaServer, tempDir, until } from './replay-harness.js';

afterAll(removeTempDirs);

let server: MediaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('records every inbound message through the real media session, stamped in media time', async () => {
  const root = await tempDir();
  const clock = new ManualClock(5000);
  const recorders: CallRecorder[] = [];
  server = await startMediaServer({
    clock,
    createTap: () => {
      const recorder = new CallRecorder({
        dir: (start) => path.join(root, start.customParameters.callId ?? 'unknown'),
        clock,
        description: 'tap test',
      });
      recorders.push(recorder);
      return recorder;
    },
  });
  const phone = new PhoneStream({
    localWsUrl: server.wsUrl,
    signedUrl: 'wss://voice.example.com/twilio/media',
    authToken: AUTH_TOKEN,
    clock,
    customParameters: { callId: 'call-7', interviewId: 'screen-v2' },
  });
  await phone.connect();
  phone.start();
  await until(() => server?.calls.length === 1, 'call start');
  const seen = server.calls[0]!;
  const speech = Buffer.from(Array.from({ length: 800 }, (_, i) => i % 251));
  phone.say(speech);

  for (let frame = 1; frame <= 20; frame++) {
    clock.advance(20);
    await until(() => seen.audio.length === frame, `frame ${frame}`);
    if (frame === 10) {
      phone.pressDigit('5');
      await until(() => seen.digits.length === 1, 'digit');
    }
  }
  const recorder = recorders[0]!;
  clock.advance(7);
  // The clock moved 7 ms past the last frame (timestamp 400).
  expect(recorder.mediaNowMs()).toBe(407);
  phone.hangUp();
  await until(() => seen.ended !== undefined, 'stream end');
  await recorder.close();

  expect(recorder.dir).toBe(path.join(root, 'call-7'));
  const fixture = await readFixture(path.join(root, 'call-7'));
  expect(fixture.meta).toMatchObject({
    version: 1,
    synthetic: false,
    interviewId: 'screen-v2',
    description: 'tap test',
  });
  expect(fixture.twilio.map((l) => l.event)).toEqual([
    'connected',
    'start',
    ...Array(10).fill('media'),
    'dtmf',
    ...Array(10).fill('media'),
    'stop',
  ]);

  const media = fixture.twilio.filter((l) => l.event === 'media');
  expect(media.map((l) => l.atMs)).toEqual(Array.from({ length: 20 }, (_, i) => 20 * (i + 1)));
  // The payload left the message and is in caller.ulaw, in order: the speech, then silence.
  expect(media.every((l) => !('payload' in (l.message.media as object)))).toBe(true);
  const expected = Buffer.concat([speech, Buffer.alloc(3200 - speech.length, 0xff)]);
  expect(fixture.callerAudio.equals(expected)).toBe(true);
  expect(mediaPayload(fixture, media[4]!).equals(expected.subarray(640, 800))).toBe(true);

  const dtmf = fixture.twilio.find((l) => l.event === 'dtmf')!;
  expect(dtmf.atMs).toBe(200);
  expect(dtmf.message.dtmf).toEqual({ track: 'inbound_track', digit: '5' });
  expect(fixture.twilio.at(-1)).toMatchObject({ event: 'stop', atMs: 407 });
});

it('writes nothing and fails nothing when the stream never started', async () => {
  const root = await tempDir();
  const clock = new ManualClock();
  const recorder = new CallRecorder({ dir: (s) => path.join(root, s.callSid), clock, description: 'never started' });
  recorder.inbound('{"event":"connected","protocol":"Call","version":"1.0.0"}', 0);
  recorder.stt(0, 0, { type: 'speech-started', atS: 0 });
  await expect(recorder.close()).resolves.toBeUndefined();
  expect(recorder.dir).toBeUndefined();
});
