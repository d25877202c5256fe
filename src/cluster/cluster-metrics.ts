/**
 * Prometheus metrics summed across the workers: the primary holds prom-client's
 * AggregatorRegistry, which asks every worker for its registry over the cluster's IPC channel;
 * a worker answering GET /metrics asks the primary for the aggregate. Counters and gauges are
 * summed (calls_in_progress is the machine's), as prom-client does for each metric kind.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'phone-screen:metrics-request';
const REPLY = 'phone-screen:metrics-reply';
/** A worker gives up on the primary's answer after this long, ms, and serves its own figures. */
const REPLY_TIMEOUT_MS = 5000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsReply {
  type: typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** In the primary: answers the workers' requests with the aggregate. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    const request = message as Partial<MetricsRequest> | null;
    if (request?.type !== REQUEST || typeof request.id !== 'number') return;
    const id = request.id;
    // The asking worker may have died meanwhile: a reply to it is dropped, never thrown.
    const reply = (message: MetricsReply) => {
      if (worker.isConnected()) worker.send(message, () => undefined);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ type: REPLY, id, text }),
      (err: unknown) => reply({ type: REPLY, id, error: String(err) }),
    );
  });
}

/** In a worker: reports `registry` to the primary, and returns how to read the cluster's metrics. */
export function clusterMetricsText(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's listener that answers the primary's requests.
  new AggregatorRegistry();
  let seq = 0;
  const waiting = new Map<number, (reply: MetricsReply) => void>();
  process.on('message', (message: unknown) => {
    const reply = message as Partial<MetricsReply> | null;
    if (reply?.type !== REPLY || typeof reply.id !== 'number') return;
    waiting.get(reply.id)?.(reply as MetricsReply);
    waiting.delete(reply.id);
  });
  return () =>
    new Promise((resolve) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        waiting.delete(id);
        void registry.metrics().then(resolve);
      }, REPLY_TIMEOUT_MS);
      waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.text !== undefined) resolve(reply.text);
        else void registry.metrics().then(resolve);
      });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
