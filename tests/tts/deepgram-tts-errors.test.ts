import { afterEach, expect, it } from 'vitest';
import { type AppError, isAppError } from '../../src/lib/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import { type DeepgramFake, expectedTtsAudio, startDeepgramFake } from '../fakes/deepgram-fake.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const tts = (url: string, apiKey = 'test-key') =>
  new DeepgramTts({ apiKey, apiUrl: url, model: 'aura-2-thalia-en', logger: createLogger('silent'), retryDelayMs: 1 });

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function failure(chunks: AsyncIterable<Buffer>): Promise<AppError> {
  try {
    await collect(chunks);
  } catch (err) {
    if (isAppError(err, 'TTS_REQUEST_FAILED')) return err;
    throw err;
  }
  throw new Error('expected the synthesis to fail');
}

it('retries a 5xx once and then streams the audio', async () => {
  fake = await startDeepgramFake();
  fake.failNextSpeak(503);
  const audio = await collect(tts(fake.url).synthesize('Hello again.'));
  expect(audio.equals(expectedTtsAudio('Hello again.'))).toBe(true);
  expect(fake.speakRequests.map((r) => r.status)).toEqual([503, 200]);
});

it('gives up after the one retry with a retryable TTS_REQUEST_FAILED', async () => {
  fake = await startDeepgramFake();
  fake.failNextSpeak(500, 2);
  const err = await failure(tts(fake.url).synthesize('Hello again.'));
  expect(err.retryable).toBe(true);
  expect(fake.speakRequests).toHaveLength(2);
});

it('does not retry a 401', async () => {
  fake = await startDeepgramFake({ apiKey: 'the-right-key' });
  const err = await failure(tts(fake.url, 'a-wrong-key').synthesize('Hello again.'));
  expect(err.retryable).toBe(false);
  expect(fake.speakRequests.map((r) => r.status)).toEqual([401]);
});
