import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/lib/circuit-breaker.js';
import { ManualClock } from '../../src/lib/clock.js';
import { type AppError, isAppError } from '../../src/lib/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { providerEvents } from '../../src/observability/provider-metrics.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import { FallbackTts } from '../../src/tts/fallback-tts.js';
import {
  type DeepgramFake,
  type DeepgramFakeOptions,
  expectedTtsAudio,
  startDeepgramFake,
} from '../../testing/fakes/deepgram-fake.js';

const LINE = 'Could you tell me about a project you are proud of?';
const LONG = 'A line long enough to span several chunks of audio, so a reset can strike in its middle.';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

async function failure(chunks: AsyncIterable<Buffer>, got: Buffer[] = []): Promise<AppError> {
  try {
    for await (const chunk of chunks) got.push(chunk);
  } catch (err) {
    if (isAppError(err)) return err;
    throw err;
  }
  throw new Error('expected the synthesis to fail');
}

describe('the second Aura voice behind a circuit breaker', () => {
  const fakes: DeepgramFake[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.close();
  });

  async function setup(primaryOptions: DeepgramFakeOptions = {}) {
    const clock = new ManualClock(0, 0);
    const primaryFake = await startDeepgramFake({ speakRealtimeFactor: 1000, ...primaryOptions });
    const fallbackFake = await startDeepgramFake({ speakRealtimeFactor: 1000 });
    fakes.push(primaryFake, fallbackFake);
    // No wait before the adapter's retry, so the clock moves only where a test moves it.
    const voice = (fake: DeepgramFake, model: string) =>
      new DeepgramTts({ apiKey: 'k', apiUrl: fake.url, model, logger: createLogger('silent'), clock, retryDelayMs: 0 });
    const metrics = createMetrics();
    const states: string[] = [];
    const breaker = new CircuitBreaker(clock, { failureThreshold: 3, windowMs: 30_000, coolDownMs: 30_000 }, (s) => {
      states.push(s);
      metrics.breakerState.set({ provider: 'tts' }, s === 'open' ? 1 : s === 'half_open' ? 2 : 0);
    });
    const tts = new FallbackTts({
      primary: voice(primaryFake, 'aura-2-thalia-en'),
      fallback: voice(fallbackFake, 'aura-2-orion-en'),
      breaker,
      events: providerEvents(metrics),
    });
    const primaryDown = () => {
      primaryFake.speakOptions.faultFor = () => ({ kind: 'status', status: 503 });
    };
    const primaryBack = () => {
      delete primaryFake.speakOptions.faultFor;
    };
    return { clock, primaryFake, fallbackFake, tts, metrics, states, primaryDown, primaryBack };
  }

  it('speaks in the primary voice while it answers; the second voice is not asked', async () => {
    const s = await setup();
    expect((await collect(s.tts.synthesize(LINE))).equals(expectedTtsAudio(LINE))).toBe(true);
    expect(s.primaryFake.speakRequests.map((r) => r.query.model)).toEqual(['aura-2-thalia-en']);
    expect(s.fallbackFake.speakRequests).toHaveLength(0);
    expect(await s.metrics.registry.metrics()).not.toContain('provider_fallbacks_total{provider="tts"}');
  });

  it('a primary failing before its first byte (request and retry): the whole line in the second voice, counted', async () => {
    const s = await setup();
    s.primaryDown();
    expect((await collect(s.tts.synthesize(LINE))).equals(expectedTtsAudio(LINE))).toBe(true);
    expect(s.primaryFake.speakRequests.map((r) => r.status)).toEqual([503, 503]);
    expect(s.fallbackFake.speakRequests.map((r) => [r.query.model, r.text, r.finished])).toEqual([
      ['aura-2-orion-en', LINE, true],
    ]);
    const text = await s.metrics.registry.metrics();
    expect(text).toContain('provider_fallbacks_total{provider="tts"} 1');
    expect(text).toContain('provider_errors_total{provider="tts",code="TTS_REQUEST_FAILED"} 1');
    expect(s.states).toEqual([]);
  });

  it('a primary failing after its first byte is rethrown, not switched (the caller heard part of it)', async () => {
    const s = await setup({ speakChunkBytes: 800 });
    s.primaryFake.speakOptions.faultFor = () => ({ kind: 'reset', afterBytes: 1600 });
    const got: Buffer[] = [];
    const err = await failure(s.tts.synthesize(LONG), got);
    expect(err.code).toBe('TTS_REQUEST_FAILED');
    const heard = Buffer.concat(got);
    expect(heard.length).toBeGreaterThan(0);
    expect(expectedTtsAudio(LONG).subarray(0, heard.length).equals(heard)).toBe(true);
    expect(s.fallbackFake.speakRequests).toHaveLength(0);
    expect(await s.metrics.registry.metrics()).toContain(
      'provider_errors_total{provider="tts",code="TTS_REQUEST_FAILED"} 1',
    );
  });

  it('an abort before the first byte ends the line quietly: no second voice, nothing counted', async () => {
    // The primary's first byte waits on a clock nobody moves, so the request is in flight when aborted.
    const s = await setup({ speakFirstByteMs: 1000, speakClock: new ManualClock() });
    const abort = new AbortController();
    const pending = collect(s.tts.synthesize(LINE, { signal: abort.signal }));
    while (s.primaryFake.speakRequests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    expect((await pending).length).toBe(0);
    expect(s.fallbackFake.speakRequests).toHaveLength(0);
    const text = await s.metrics.registry.metrics();
    expect(text).not.toContain('provider_errors_total{provider="tts"');
    expect(text).not.toContain('provider_fallbacks_total{provider="tts"}');
  });

  it('opens after 3 failures: syntheses go straight to the second voice until the cool-down ends', async () => {
    const s = await setup();
    s.primaryDown();
    for (let i = 0; i < 3; i++) await collect(s.tts.synthesize(LINE));
    expect(s.states).toEqual(['open']);
    expect(s.primaryFake.speakRequests).toHaveLength(6);
    expect((await collect(s.tts.synthesize(LINE))).equals(expectedTtsAudio(LINE))).toBe(true);
    expect(s.primaryFake.speakRequests).toHaveLength(6);
    expect(s.fallbackFake.speakRequests).toHaveLength(4);
    const text = await s.metrics.registry.metrics();
    expect(text).toContain('provider_fallbacks_total{provider="tts"} 4');
    expect(text).toContain('circuit_breaker_state{provider="tts"} 1');
  });

  it('after the cool-down one synthesis probes the primary; its success closes the breaker', async () => {
    const s = await setup();
    s.primaryDown();
    for (let i = 0; i < 3; i++) await collect(s.tts.synthesize(LINE));
    s.primaryBack();
    s.clock.advance(30_000);
    expect((await collect(s.tts.synthesize(LINE))).equals(expectedTtsAudio(LINE))).toBe(true);
    expect(s.primaryFake.speakRequests.at(-1)?.status).toBe(200);
    expect(s.fallbackFake.speakRequests).toHaveLength(3);
    expect(s.states).toEqual(['open', 'half_open', 'closed']);
    expect(await s.metrics.registry.metrics()).toContain('circuit_breaker_state{provider="tts"} 0');
  });

  it('a failed probe opens it for another cool-down', async () => {
    const s = await setup();
    s.primaryDown();
    for (let i = 0; i < 3; i++) await collect(s.tts.synthesize(LINE));
    s.clock.advance(30_000);
    expect((await collect(s.tts.synthesize(LINE))).equals(expectedTtsAudio(LINE))).toBe(true);
    expect(s.states).toEqual(['open', 'half_open', 'open']);
    const asked = s.primaryFake.speakRequests.length;
    await collect(s.tts.synthesize(LINE));
    expect(s.primaryFake.speakRequests).toHaveLength(asked);
  });

  it('a probe stopped early (barge-in) gives no verdict: the next synthesis probes again', async () => {
    const s = await setup();
    s.primaryDown();
    for (let i = 0; i < 3; i++) await collect(s.tts.synthesize(LINE));
    s.primaryBack();
    s.clock.advance(30_000);
    for await (const _chunk of s.tts.synthesize(LONG)) break;
    expect(s.states).toEqual(['open', 'half_open']);
    const asked = s.primaryFake.speakRequests.length;
    await collect(s.tts.synthesize(LINE));
    expect(s.primaryFake.speakRequests).toHaveLength(asked + 1);
    expect(s.states).toEqual(['open', 'half_open', 'half_open', 'closed']);
  });

  it('an aborted probe is no success: the breaker stays half-open', async () => {
    const s = await setup({ speakFirstByteMs: 1000, speakClock: new ManualClock() });
    s.primaryDown();
    for (let i = 0; i < 3; i++) await collect(s.tts.synthesize(LINE));
    s.primaryBack();
    s.clock.advance(30_000);
    const abort = new AbortController();
    const pending = collect(s.tts.synthesize(LINE, { signal: abort.signal }));
    while (s.primaryFake.speakRequests.length < 7) await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    expect((await pending).length).toBe(0);
    expect(s.states).toEqual(['open', 'half_open']);
    expect(await s.metrics.registry.metrics()).toContain('circuit_breaker_state{provider="tts"} 2');
  });

  it('the spare (holding lines) speaks in the second voice without asking the primary', async () => {
    const s = await setup();
    expect((await collect(s.tts.spare.synthesize(LINE))).equals(expectedTtsAudio(LINE))).toBe(true);
    expect(s.primaryFake.speakRequests).toHaveLength(0);
    expect(s.fallbackFake.speakRequests).toHaveLength(1);
  });
});
