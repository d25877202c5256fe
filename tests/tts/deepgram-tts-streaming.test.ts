import { afterEach, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import { type DeepgramFake, expectedTtsAudio, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';

let fake: DeepgramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const tts = (url: string) =>
  new DeepgramTts({
    apiKey: 'test-key',
    apiUrl: url,
    model: 'aura-2-thalia-en',
    logger: createLogger('silent'),
    clock: new ManualClock(),
  });

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

it('yields the first audio while the fake is still generating, and the bytes are raw μ-law (container=none)', async () => {
  fake = await startDeepgramFake({ speakStallAfterBytes: 1600 });
  const text = 'Thanks, tell me about your last role.';
  const iterator = tts(fake.url).synthesize(text)[Symbol.asyncIterator]();

  const first = await iterator.next();
  expect(first.done).toBe(false);
  expect(fake.speakRequests[0]?.finished).toBe(false); // the fake holds the rest until released
  fake.releaseSpeak();
  const rest: Buffer[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);

  expect(Buffer.concat([first.value as Buffer, ...rest]).equals(expectedTtsAudio(text))).toBe(true);
  expect(fake.speakRequests[0]).toMatchObject({
    text,
    authorization: 'Token test-key',
    query: { model: 'aura-2-thalia-en', encoding: 'mulaw', sample_rate: '8000', container: 'none' },
  });
});

it('reuses keep-alive connections across the sentences of a call', async () => {
  fake = await startDeepgramFake();
  const synth = tts(fake.url);
  for (const sentence of ['First.', 'Second.', 'Third.', 'Fourth.']) await collect(synth.synthesize(sentence));
  const ports = new Set(fake.speakRequests.map((r) => r.remotePort));
  // undici may open a second connection while the first is being released; never one a request.
  expect(fake.speakRequests).toHaveLength(4);
  expect(ports.size).toBeLessThanOrEqual(2);
});

it('ends quietly when aborted mid-stream, and the fake sees the request closed early', async () => {
  fake = await startDeepgramFake({ speakStallAfterBytes: 1600 });
  const controller = new AbortController();
  const iterator = tts(fake.url)
    .synthesize('A long answer that the caller interrupts.', { signal: controller.signal })
    [Symbol.asyncIterator]();
  expect((await iterator.next()).done).toBe(false);

  controller.abort();
  await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  await vi.waitFor(() => expect(fake?.speakRequests[0]?.closedEarly).toBe(true));
  expect(fake.speakRequests[0]?.finished).toBe(false);
});

it('yields nothing and sends nothing when already aborted', async () => {
  fake = await startDeepgramFake();
  const controller = new AbortController();
  controller.abort();
  expect((await collect(tts(fake.url).synthesize('Never said.', { signal: controller.signal }))).length).toBe(0);
  expect(fake.speakRequests).toHaveLength(0);
});
