import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per server instance (not prom-client's global), so tests can build many. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    callsInProgress: new Gauge({ name: 'calls_in_progress', help: 'Media streams in progress', registers: [registry] }),
    callsRefused: new Counter({
      name: 'calls_refused_total',
      help: 'Voice webhooks answered with the busy apology',
      labelNames: ['reason'],
      registers: [registry],
    }),
    messagesDropped: new Counter({
      name: 'media_messages_dropped_total',
      help: 'Inbound Media Streams messages dropped as invalid',
      labelNames: ['reason'],
      registers: [registry],
    }),
    turnLatency: new Histogram({
      name: 'turn_latency_ms',
      help: 'Per-turn latency on the media clock, by span (e.g. voice_to_voice_heard)',
      labelNames: ['span'],
      buckets: [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1200, 1500, 2000, 3000, 5000],
      registers: [registry],
    }),
    agentAudioStalls: new Counter({
      name: 'agent_audio_stalls_total',
      help: "Stalls in the agent's audio at the phone, by cause (late: our pacing; starved: TTS or the reply behind)",
      labelNames: ['cause'],
      registers: [registry],
    }),
    speculationsWasted: new Counter({
      name: 'speculative_replies_wasted_total',
      help: 'Speculative LLM calls thrown away',
      registers: [registry],
    }),
    llmCallsWasted: new Counter({
      name: 'llm_calls_wasted_total',
      help: 'LLM calls for replies the caller never heard, by reason (speculation, taken_back)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    ttsCharactersWasted: new Counter({
      name: 'tts_characters_wasted_total',
      help: 'Characters synthesised for replies the caller never heard, by reason (speculation, taken_back)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    bargeIns: new Counter({
      name: 'barge_ins_total',
      help: 'Replies interrupted by the caller',
      registers: [registry],
    }),
    providerErrors: new Counter({
      name: 'provider_errors_total',
      help: 'Provider requests that failed, by provider (llm, llm_fallback, tts, tts_fallback) and error code',
      labelNames: ['provider', 'code'],
      registers: [registry],
    }),
    providerTimeouts: new Counter({
      name: 'provider_timeouts_total',
      help: 'Provider requests that timed out, by provider',
      labelNames: ['provider'],
      registers: [registry],
    }),
    providerFallbacks: new Counter({
      name: 'provider_fallbacks_total',
      help: 'Requests sent to the fallback provider instead of the primary, by provider',
      labelNames: ['provider'],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'circuit_breaker_state',
      help: 'Circuit breaker of a provider: 0 closed, 1 open, 2 half-open',
      labelNames: ['provider'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
