import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { CallRecorder } from '../../src/recording/call-recorder.js';
import { Scrubber } from '../../src/recording/scrubber.js';
import { readFixture } from '../../tools/replay/fixture-reader.js';
import { removeTempDirs, tempDir } from './replay-harness.js';

afterAll(removeTempDirs);

const ACCOUNT_SID = 'AC1234567890abcdef1234567890abcdef';
const CALL_SID = 'CAfedcba0987654321fedcba0987654321';
const STREAM_SID = 'MZ00112233445566778899aabbccddeeff';
const AUTH_TOKEN = 'f00dfeedbeefcafe0123456789abcdef';
const OPENAI_KEY = 'sk-proj-verysecretkeyvalue1234567890';
const CANDIDATE_PHONE = '+14155550123';
const OTHER_PHONE = '+442071838750';
const SPOKEN_PHONE = '(415) 555-0199';

async function allText(dir: string): Promise<string> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    files.filter((f) => f.isFile()).map((f) => readFile(path.join(f.parentPath, f.name), 'latin1')),
  );
  return texts.join('\n');
}

it('writes no phone number, SID, token or key, and keeps the fixture consistent and readable', async () => {
  const dir = await tempDir();
  const clock = new ManualClock(1000);
  const recorder = new CallRecorder({
    dir,
    clock,
    description: 'scrubbing test',
    secrets: [AUTH_TOKEN, OPENAI_KEY],
    context: { direction: 'outbound', candidateName: 'Sam' },
  });
  const base = { streamSid: STREAM_SID };
  recorder.inbound(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }), clock.now());
  recorder.inbound(
    JSON.stringify({
      event: 'start',
      sequenceNumber: '1',
      ...base,
      start: {
        accountSid: ACCOUNT_SID,
        streamSid: STREAM_SID,
        callSid: CALL_SID,
        tracks: ['inbound'],
        customParameters: {
          callSid: CALL_SID,
          to: CANDIDATE_PHONE,
          streamToken: 'opaque-value-123',
          note: `call me at ${OTHER_PHONE}`,
        },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    }),
    clock.now(),
  );
  const media = { track: 'inbound', chunk: '1', timestamp: '20', payload: Buffer.alloc(160, 0x7f).toString('base64') };
  recorder.inbound(JSON.stringify({ event: 'media', sequenceNumber: '2', ...base, media }), clock.now());
  recorder.stt(0, 0.02, {
    type: 'transcript',
    isFinal: true,
    speechFinal: true,
    text: `My number is ${CANDIDATE_PHONE}, or ${SPOKEN_PHONE}.`,
    words: [{ word: '4155550123', startS: 0, endS: 0.5, confidence: 0.9 }],
    startS: 0,
    durationS: 1,
  });
  recorder.llmRequest(
    [
      { role: 'system', content: `Stage x. Use Authorization: Bearer ${OPENAI_KEY} and token ${AUTH_TOKEN}` },
      { role: 'user', content: `Reach me on ${CANDIDATE_PHONE}` },
    ],
    [],
  );
  recorder.tts({
    text: `I will call ${CANDIDATE_PHONE}.`,
    model: 'aura-2-thalia-en',
    audio: Buffer.alloc(80, 1),
    startedAtMs: 30,
    firstByteMs: 10,
    totalMs: 20,
    aborted: false,
  });
  recorder.outcome({
    outcome: 'completed',
    stages: ['greeting'],
    transcript: [{ role: 'candidate', text: `It is ${OTHER_PHONE}`, stage: 'greeting', atMs: 10, interrupted: false }],
  });
  recorder.inbound(
    JSON.stringify({
      event: 'stop',
      sequenceNumber: '3',
      ...base,
      stop: { accountSid: ACCOUNT_SID, callSid: CALL_SID },
    }),
    clock.now(),
  );
  await recorder.close();

  const written = await allText(dir);
  for (const secret of [ACCOUNT_SID, CALL_SID, STREAM_SID, AUTH_TOKEN, OPENAI_KEY, 'opaque-value-123']) {
    expect(written).not.toContain(secret);
  }
  for (const digits of ['4155550123', '442071838750', '555-0199']) expect(written).not.toContain(digits);

  const fixture = await readFixture(dir); // hashes were computed over the scrubbed messages
  const start = fixture.twilio.find((l) => l.event === 'start')!.message.start as Record<string, unknown>;
  const stop = fixture.twilio.find((l) => l.event === 'stop')!.message.stop as Record<string, unknown>;
  // The same SID becomes the same fake everywhere, so the lines still agree with each other.
  expect(start.callSid).toMatch(/^CA0{31}\d$/);
  expect(stop.callSid).toBe(start.callSid);
  expect((start.customParameters as Record<string, string>).callSid).toBe(start.callSid);
  expect(start.accountSid).toMatch(/^AC0+\d$/);
  expect((start.customParameters as Record<string, string>).streamToken).toBe('[scrubbed]');
  expect((start.customParameters as Record<string, string>).to).toMatch(/^\+1555\*\*\*\d{4}$/);
  // The same number gets the same placeholder in the transcript, the prompt and the speech.
  const placeholder = (start.customParameters as Record<string, string>).to!;
  expect(fixture.stt[0]?.event).toMatchObject({ text: expect.stringContaining(placeholder) });
  expect(fixture.llm[0]?.request.messages[1]?.content).toBe(`Reach me on ${placeholder}`);
  expect(fixture.tts[0]?.line.text).toBe(`I will call ${placeholder}.`);
  expect(fixture.meta.context).toEqual({ direction: 'outbound', candidateName: 'Sam' });
});

it('leaves ordinary text, numbers and short digit runs alone', () => {
  const scrubber = new Scrubber();
  const value = { text: 'Three years at Acme since 2019, team of 12.', timestamp: '15360', count: 42 };
  expect(scrubber.value(value)).toEqual(value);
});
