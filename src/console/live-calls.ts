import type { Request, Response } from 'express';
import type { Clock, Timer } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import type { CallListItem, CallRecord, CallStore } from '../store/call-store.js';
import type { Html } from './html.js';

/**
 * Server-sent events that keep the console's live views current. Each stream polls the
 * database, never this process's memory, so a call handled by another service process sharing
 * the database shows up too. Two kinds:
 *  - the calls list: `call` events `{ id, matches, html }` for every call that changed;
 *  - one call's page: a `changed` event when its record moved on (stage, line, outcome).
 */
export interface LiveCallsOptions {
  store: CallStore;
  clock: Clock;
  logger: Logger;
  /** How often a stream looks for changes, ms; default 1000. */
  pollMs?: number;
  /** Comment line sent after this long without an event, so proxies keep the stream open, ms; default 15000. */
  keepAliveMs?: number;
}

/**
 * Changes are read from this far back on every poll, so a write committed late (its timestamp
 * older than the previous poll) or stamped by a process whose clock lags is still seen, ms.
 */
const LOOKBACK_MS = 5_000;
/** Changed calls read per poll. */
const POLL_LIMIT = 100;
/** How long the browser waits before reconnecting a dropped stream, ms (EventSource `retry`). */
const RECONNECT_MS = 3_000;

interface Stream {
  res: Response;
  timer?: Timer;
  lastWriteMs: number;
  closed: boolean;
}

export class LiveCalls {
  private readonly streams = new Set<Stream>();
  private readonly pollMs: number;
  private readonly keepAliveMs: number;
  private stopped = false;

  constructor(private readonly options: LiveCallsOptions) {
    this.pollMs = options.pollMs ?? 1_000;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
  }

  /** Streams every changed call to the calls list; `render` gives its row and whether it matches the filter. */
  streamCalls(req: Request, res: Response, render: (call: CallListItem) => { matches: boolean; html: Html }): void {
    const stream = this.open(req, res);
    if (!stream) return;
    const sent = new Map<string, string>();
    let since = this.options.clock.wallNow();
    this.loop(stream, async () => {
      const pollStarted = this.options.clock.wallNow();
      const { calls } = await this.options.store.listCalls({
        changedSince: new Date(since - LOOKBACK_MS),
        limit: POLL_LIMIT,
      });
      // Oldest first, so rows the browser adds at the top end up newest first.
      for (const call of [...calls].reverse()) {
        if (sent.get(call.id) === call.updatedAt) continue;
        sent.set(call.id, call.updatedAt);
        const row = render(call);
        this.write(stream, 'call', JSON.stringify({ id: call.id, matches: row.matches, html: row.html.value }));
      }
      since = pollStarted;
      for (const [id, updatedAt] of sent) if (Date.parse(updatedAt) < since - 2 * LOOKBACK_MS) sent.delete(id);
    });
  }

  /** Tells one call's page when its record changed. */
  streamCall(req: Request, res: Response, callId: string): void {
    const stream = this.open(req, res);
    if (!stream) return;
    let last: string | undefined;
    this.loop(stream, async () => {
      const record = await this.options.store.getRecord(callId);
      const now = record ? fingerprint(record) : 'gone';
      if (last !== undefined && now !== last) this.write(stream, 'changed', JSON.stringify({ id: callId }));
      last = now;
    });
  }

  /** Ends every stream; later requests get 204, which tells EventSource not to reconnect. */
  close(): void {
    this.stopped = true;
    for (const stream of this.streams) this.end(stream);
  }

  private open(req: Request, res: Response): Stream | null {
    if (this.stopped) {
      res.status(204).end();
      return null;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const stream: Stream = { res, lastWriteMs: this.options.clock.now(), closed: false };
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    this.streams.add(stream);
    req.on('close', () => this.end(stream));
    return stream;
  }

  /** Polls one at a time (the next after the last finished); a failed poll is logged and retried. */
  private loop(stream: Stream, poll: () => Promise<void>): void {
    const tick = async () => {
      if (stream.closed) return;
      try {
        await poll();
      } catch (err) {
        this.options.logger.warn({ err }, 'console live poll failed');
      }
      if (stream.closed) return;
      if (this.options.clock.now() - stream.lastWriteMs >= this.keepAliveMs) this.comment(stream);
      stream.timer = this.options.clock.setTimeout(() => void tick(), this.pollMs);
    };
    void tick();
  }

  private write(stream: Stream, event: string, data: string): void {
    if (stream.closed) return;
    stream.res.write(`event: ${event}\ndata: ${data}\n\n`);
    stream.lastWriteMs = this.options.clock.now();
  }

  private comment(stream: Stream): void {
    stream.res.write(': keep-alive\n\n');
    stream.lastWriteMs = this.options.clock.now();
  }

  private end(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    stream.timer?.cancel();
    this.streams.delete(stream);
    stream.res.end();
  }
}

/** What a call page shows that can change while the call goes on. */
function fingerprint(record: CallRecord): string {
  return [
    record.updatedAt,
    record.status,
    record.stage,
    record.outcome,
    record.transcript.length,
    record.stages.length,
    record.latency.length,
  ].join('|');
}
