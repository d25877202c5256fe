import { afterAll, afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { FixtureWriter } from '../../src/recording/fixture-writer.js';
import { readFixture } from '../../tools/replay/fixture-reader.js';
import { ReplayPhone } from '../../tools/replay/replay-phone.js';
import {
  AUTH_TOKEN,
  type MediaServer,
  PUBLIC_URL,
  removeTempDirs,
  startMediaServer,
  tempDir,
  until,
} from './replay-harness.js';

afterAll(removeTempDirs);

let server: MediaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** 30 recorded frames (600 ms) whose bytes say which frame they are; a digit at 300 ms, garbage at 350, stop at 640. */
async function recordedCall(options: { stop: boolean; interviewId?: string }) {
  const dir = await tempDir();
  const writer = new FixtureWriter(dir);
  writer.writeLine({
    type: 'meta',
    atMs: 0,
    version: 1,
    synthetic: true,
    description: 'replay phone test',
    interviewId: options.interviewId ?? 'default',
    created: '2026-01-01T00:00:00.000Z',
  });
  const streamSid = `MZ${'0'.repeat(31)}1`;
  writer.writeLine({ type: 'twilio-in', atMs: 0, event: 'connected', message: { event: 'connected' } });
  writer.writeLine({ type: 'twilio-in', atMs: 0, event: 'start', message: { event: 'start', streamSid } });
  for (let i = 0; i < 30; i++) {
    const audio = writer.appendCallerAudio(Buffer.alloc(160, 10 + i));
    const media = { track: 'inbound', chunk: String(i + 1), timestamp: String(i * 20) };
    writer.writeLine({
      type: 'twilio-in',
      atMs: i * 20,
      event: 'media',
      message: { event: 'media', streamSid, media },
      audio,
    });
    if (i === 15) {
      const dtmf = { event: 'dtmf', streamSid, dtmf: { track: 'inbound_track', digit: '7' } };
      writer.writeLine({ type: 'twilio-in', atMs: 300, event: 'dtmf', message: dtmf });
    }
  }
  writer.writeLine({
    type: 'twilio-in',
    atMs: 350,
    event: 'unparsed',
    message: { event: 'unparsed', raw: 'not json' },
  });
  if (options.stop)
    writer.writeLine({ type: 'twilio-in', atMs: 640, event: 'stop', message: { event: 'stop', streamSid } });
  await writer.close();
  return readFixture(dir);
}

/** Moves the clock a frame at a time, letting socket traffic through between steps. */
async function advance(clock: ManualClock, ms: number, seen: () => number, expectedFrames: (t: number) => number) {
  for (let t = 20; t <= ms; t += 20) {
    clock.advance(20);
    const want = expectedFrames(t);
    await until(() => seen() >= want, `frames at ${t} ms`);
  }
}

it('posts the signed webhook, streams with its parameters, and plays the caller side at the recorded times', async () => {
  const fixture = await recordedCall({ stop: true, interviewId: 'screen-v2' });
  const clock = new ManualClock();
  server = await startMediaServer({ clock });
  const phone = await ReplayPhone.dial({
    fixture,
    clock,
    baseUrl: server.baseUrl,
    publicUrl: PUBLIC_URL,
    authToken: AUTH_TOKEN,
  });
  expect(server.webhookCalls).toEqual([phone.callSid]);
  expect(phone.webhook.parameters).toMatchObject({ callId: 'call-1', interviewId: 'screen-v2' });

  phone.play();
  await until(() => server?.calls.length === 1, 'stream start');
  const seen = server.calls[0]!;
  // start.customParameters are the live webhook's, not the recording's.
  expect(seen.customParameters).toEqual(phone.webhook.parameters);
  // The agent talks for 100 ms starting at 100 ms: the phone keeps what it heard, in media time.
  await advance(
    clock,
    100,
    () => seen.audio.length,
    (t) => t / 20,
  );
  seen.sink.audio.write(Buffer.alloc(800, 0x42));
  await until(() => phone.stream.received.length > 0, 'agent audio reaches the phone');
  await advance(
    clock,
    620,
    () => seen.audio.length,
    (t) => t / 20 - 5,
  );
  await until(() => seen.digits.length === 1, 'digit');
  clock.advance(20);
  await until(() => seen.ended !== undefined, 'stop');

  expect(seen.ended).toBe('stop');
  // Same bytes in the same order: the recording's frames, then silence.
  const received = Buffer.concat(seen.audio.map((a) => a.bytes));
  expect(received.subarray(0, fixture.callerAudio.length).equals(fixture.callerAudio)).toBe(true);
  expect(received.subarray(fixture.callerAudio.length).every((b) => b === 0xff)).toBe(true);
  // The digit at its recorded media time (the service's media clock, within a frame).
  expect(seen.digits[0]?.digit).toBe('7');
  expect(Math.abs(seen.digits[0]!.mediaMs - 300)).toBeLessThanOrEqual(20);
  const heard = phone.heardFrames();
  expect(Buffer.concat(heard.map((f) => f.bytes)).equals(Buffer.alloc(800, 0x42))).toBe(true);
  expect(heard[0]!.atMs).toBeGreaterThanOrEqual(100);
  expect(heard[0]!.atMs).toBeLessThanOrEqual(140);
});

it('without a recorded stop, keeps the line open (silence after the recording) until the service hangs up', async () => {
  const fixture = await recordedCall({ stop: false });
  const clock = new ManualClock();
  server = await startMediaServer({ clock });
  const phone = await ReplayPhone.dial({
    fixture,
    clock,
    baseUrl: server.baseUrl,
    publicUrl: PUBLIC_URL,
    authToken: AUTH_TOKEN,
  });
  phone.play();
  await until(() => server?.calls.length === 1, 'stream start');
  const seen = server.calls[0]!;
  await advance(
    clock,
    1000,
    () => seen.audio.length,
    (t) => t / 20,
  );
  expect(seen.ended).toBeUndefined();
  seen.sink.hangUp();
  await phone.whenEnded();
  expect(seen.ended).toBe('agent-hung-up');
});
