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
    speculationsWasted: new Counter({
      name: 'speculative_replies_wasted_total',
      help: 'Speculative LLM calls thrown away',
      registers: [registry],
    }),
    bargeIns: new Counter({
      name: 'barge_ins_total',
      help: 'Replies interrupted by the caller',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
