import { createHmac } from 'node:crypto';
import type { Clock, Timer } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxItem, ResultsOutboxStore } from '../store/call-store.js';

/**
 * Delivers finished calls to the recruiter: POST RESULTS_WEBHOOK_URL with the call record as JSON.
 *
 * Headers: `Content-Type: application/json`, `X-Signature: sha256=<hex>` where hex is
 * HMAC-SHA256 of the exact body bytes keyed with RESULTS_WEBHOOK_SECRET (verify it over the raw
 * body, with a constant-time compare), and `X-Delivery-Id` (stable across retries of one
 * delivery, so a receiver can drop duplicates: delivery is at least once).
 *
 * Any 2xx marks the delivery done; anything else, or no answer, retries with exponential
 * back-off. Attempts and the next attempt time live in the outbox table, so a restart resumes.
 */
export interface ResultsDelivererOptions {
  outbox: ResultsOutboxStore;
  clock: Clock;
  logger: Logger;
  webhookUrl: string;
  secret: string;
  /** Pause between passes over the outbox, ms; default 5000. */
  pollIntervalMs?: number;
  /** Delay before the first retry, ms, doubling per failed attempt; default 10 000. */
  baseRetryDelayMs?: number;
  /** Longest delay between retries, ms; default 3 600 000 (one hour). */
  maxRetryDelayMs?: number;
  /** How long a claimed delivery is hidden from other instances, ms; default 60 000 (> requestTimeoutMs). */
  leaseMs?: number;
  /** Timeout of one POST, ms; default 10 000. */
  requestTimeoutMs?: number;
  /** The HTTP client; default global fetch. */
  fetch?: typeof fetch;
}

export const SIGNATURE_HEADER = 'X-Signature';

/** `sha256=<hex HMAC-SHA256(body, secret)>`, the X-Signature value. */
export function signResultsBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export class ResultsDeliverer {
  private timer: Timer | undefined;
  private running = false;
  private pass: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ResultsDelivererOptions) {}

  /** Starts passing over the outbox every `pollIntervalMs`, beginning now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    await this.pass;
  }

  /** Sends every delivery due now, one at a time; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const item = await this.options.outbox.claimDueDelivery(this.options.leaseMs ?? 60_000);
      if (!item) return attempted;
      attempted++;
      await this.deliver(item);
    }
  }

  private schedule(delayMs: number): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.pass = this.deliverDue()
        .catch((err: unknown) => this.options.logger.error({ err }, 'results outbox pass failed'))
        .finally(() => {
          if (this.running) this.schedule(this.options.pollIntervalMs ?? 5_000);
        });
    }, delayMs);
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const { outbox, clock, logger } = this.options;
    const failure = await this.post(item);
    if (failure === null) {
      await outbox.markDelivered(item.id);
      logger.info({ callId: item.callId, deliveryId: item.id, attempts: item.attempts + 1 }, 'results delivered');
      return;
    }
    const base = this.options.baseRetryDelayMs ?? 10_000;
    const delayMs = Math.min(base * 2 ** item.attempts, this.options.maxRetryDelayMs ?? 3_600_000);
    await outbox.markFailed(item.id, failure, new Date(clock.wallNow() + delayMs));
    logger.warn(
      { callId: item.callId, deliveryId: item.id, attempts: item.attempts + 1, delayMs, failure },
      'results delivery failed',
    );
  }

  /** null on a 2xx; else why not. */
  private async post(item: OutboxItem): Promise<string | null> {
    const doFetch = this.options.fetch ?? fetch;
    try {
      const response = await doFetch(this.options.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signResultsBody(item.body, this.options.secret),
          'x-delivery-id': String(item.id),
        },
        body: item.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (err) {
      return err instanceof Error ? `${err.name}: ${err.message}` : 'request failed';
    }
  }
}
