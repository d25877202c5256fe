import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { type AppError, isAppError } from '../../src/lib/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import { type DeepgramFake, expectedTtsAudio, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** No wait before the retry (0 ms needs no timer), so these tests need not move the clock. */
const tts = (url: string, apiKey = 'test-key') =>
  new DeepgramTts({
    apiKey,
    apiUrl: url,
    model: 'aura-2-thalia-en',
    logger: createLogger('silent'),
    clock: new ManualClock(),
    retryDelayMs: 0,
  });

/** Yields to I/O (the fake's socket) until `condition` holds; no timer of ours moves meanwhile. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

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

it('waits its retry delay on the injected clock, and not before the clock gets there', async () => {
  fake = await startDeepgramFake();
  fake.failNextSpeak(503);
  const clock = new ManualClock();
  const synthesizer = new DeepgramTts({
    apiKey: 'test-key',
    apiUrl: fake.url,
    model: 'aura-2-thalia-en',
    logger: createLogger('silent'),
    clock,
  });
  let audio: Buffer | undefined;
  const done = collect(synthesizer.synthesize('Hello again.')).then((buffer) => {
    audio = buffer;
  });
  // The 503 has been answered and the retry's wait (default 200 ms) is armed on our clock.
  await until(() => fake?.speakRequests.length === 1 && clock.pendingCount() === 1);
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(fake.speakRequests).toHaveLength(1);

  clock.advance(199);
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(fake.speakRequests).toHaveLength(1);
  expect(clock.pendingCount()).toBe(1);

  clock.advance(1);
  await done;
  expect(fake.speakRequests.map((r) => r.status)).toEqual([503, 200]);
  expect(audio?.equals(expectedTtsAudio('Hello again.'))).toBe(true);
});
