import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/lib/circuit-breaker.js';
import { ManualClock } from '../../src/lib/clock.js';
import { FallbackLlm } from '../../src/llm/fallback-llm.js';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import type { ReplyDelta } from '../../src/llm/reply-stream.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { type LlmFaultKind, llmFaultReply } from '../../testing/fakes/fault-plan.js';
import { type FakeReply, type OpenAiFake, startOpenAiFake } from '../../testing/fakes/openai-fake.js';

const messages = [{ role: 'user' as const, content: 'Hello?' }];

async function textOf(stream: AsyncIterable<ReplyDelta>): Promise<string> {
  let text = '';
  for await (const d of stream) if (d.type === 'text') text += d.text;
  return text;
}

describe('the LLM fallback endpoint behind a circuit breaker', () => {
  const fakes: OpenAiFake[] = [];
  afterEach(async () => {
    for (const f of fakes.splice(0)) await f.close();
  });

  async function setup(primaryReply: () => FakeReply) {
    const clock = new ManualClock(0, 0);
    const primaryFake = await startOpenAiFake({ apiKey: 'k1', respond: primaryReply });
    const fallbackFake = await startOpenAiFake({ apiKey: 'k2', respond: () => ({ text: 'From the fallback.' }) });
    fakes.push(primaryFake, fallbackFake);
    const adapter = (fake: OpenAiFake, apiKey: string, model: string) =>
      new OpenAiLlm({ apiKey, baseUrl: fake.baseUrl, model, clock, retryDelayMs: 0 });
    const metrics = createMetrics();
    const states: string[] = [];
    const breaker = new CircuitBreaker(clock, { failureThreshold: 3, windowMs: 30_000, coolDownMs: 30_000 }, (s) => {
      states.push(s);
      metrics.breakerState.set({ provider: 'llm' }, s === 'open' ? 1 : s === 'half_open' ? 2 : 0);
    });
    const llm = new FallbackLlm({
      primary: adapter(primaryFake, 'k1', 'primary-model'),
      fallback: adapter(fallbackFake, 'k2', 'fallback-model'),
      breaker,
      events: {
        error: (provider, code) => metrics.providerErrors.inc({ provider, code }),
        timeout: (provider) => metrics.providerTimeouts.inc({ provider }),
        fallback: (provider) => metrics.providerFallbacks.inc({ provider }),
      },
    });
    return { clock, primaryFake, fallbackFake, llm, metrics, states };
  }

  for (const kind of ['http-500', 'http-503'] as LlmFaultKind[]) {
    it(`${kind}: the fallback answers; after 3 failures the primary is skipped for the cool-down, then probed again`, async () => {
      let primaryDown = true;
      const s = await setup(() => (primaryDown ? llmFaultReply(kind) : { text: 'Primary is back.' }));
      for (let i = 0; i < 3; i++)
        expect(await textOf(s.llm.streamReply({ messages })), kind).toBe('From the fallback.');
      // Each of those cost the primary its request and the adapter's one retry.
      expect(s.primaryFake.requests).toHaveLength(6);
      expect(s.fallbackFake.requests.every((r) => r.body.model === 'fallback-model')).toBe(true);
      expect(s.states).toEqual(['open']);

      // Open: straight to the fallback, the primary is not asked.
      expect(await textOf(s.llm.streamReply({ messages }))).toBe('From the fallback.');
      expect(s.primaryFake.requests).toHaveLength(6);

      // After the cool-down one request probes the primary; it is back, so the breaker closes.
      primaryDown = false;
      s.clock.advance(30_000);
      expect(await textOf(s.llm.streamReply({ messages }))).toBe('Primary is back.');
      expect(s.states).toEqual(['open', 'half_open', 'closed']);

      const text = await s.metrics.registry.metrics();
      expect(text).toContain('provider_fallbacks_total{provider="llm"} 4');
      expect(text).toContain('provider_errors_total{provider="llm",code="LLM_REQUEST_FAILED"} 3');
      expect(text).toContain('circuit_breaker_state{provider="llm"} 0');
    });
  }

  it('a half-open probe whose reader stops early (barge-in) gives no verdict: the next request probes again', async () => {
    let primaryDown = true;
    const s = await setup(() => (primaryDown ? { status: 500 } : { text: 'Primary is back. And more.' }));
    for (let i = 0; i < 3; i++) await textOf(s.llm.streamReply({ messages }));
    expect(s.states).toEqual(['open']);
    primaryDown = false;
    s.clock.advance(30_000);
    // The probe's first delta arrives, then the call stops reading (the caller talked over it).
    for await (const _ of s.llm.streamReply({ messages })) break;
    const asked = s.primaryFake.requests.length;
    expect(await textOf(s.llm.streamReply({ messages })), 'the next request probes the primary').toContain(
      'Primary is back.',
    );
    expect(s.primaryFake.requests.length).toBe(asked + 1);
  });

  it('a failed half-open probe opens the breaker for another cool-down', async () => {
    const s = await setup(() => ({ status: 500 }));
    for (let i = 0; i < 3; i++) await textOf(s.llm.streamReply({ messages }));
    s.clock.advance(30_000);
    expect(await textOf(s.llm.streamReply({ messages }))).toBe('From the fallback.');
    expect(s.states).toEqual(['open', 'half_open', 'open']);
    const asked = s.primaryFake.requests.length;
    expect(await textOf(s.llm.streamReply({ messages }))).toBe('From the fallback.');
    expect(s.primaryFake.requests).toHaveLength(asked);
  });

  it('does not switch over once the primary has started answering (the caller may have heard it)', async () => {
    const s = await setup(() => ({ text: 'Half of a reply that then breaks.', dropAfterChunks: 3 }));
    await expect(textOf(s.llm.streamReply({ messages }))).rejects.toMatchObject({ code: 'LLM_REQUEST_FAILED' });
    expect(s.fallbackFake.requests).toHaveLength(0);
  });
});
