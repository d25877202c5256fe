/**
 * Starts the real HTTP + WebSocket server on 127.0.0.1 with an injected clock and call
 * behaviour, for edge tests. The call handler is a dependency of the server (in production
 * the orchestrator); edge tests plug in small scripted handlers.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { CallRegistry } from '../../src/call/call-registry.js';
import { createServer, type RunningServer } from '../../src/http/server.js';
import type { CallIntake } from '../../src/http/voice-webhook.js';
import { type Clock, systemClock } from '../../src/lib/clock.js';
import type { CallHandler, CallHandlerFactory, MediaSink } from '../../src/media/media-session.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';

/** Collects log lines so tests can assert what was (and was not) logged. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    done();
  }
}

let shared: Promise<PostgresCallStore> | undefined;

/** One in-memory store per test file (PGlite takes a second or two to start). */
function sharedStore(): Promise<PostgresCallStore> {
  shared ??= memoryStore(systemClock).then((s) => s.store);
  return shared;
}

/** The real call store on an in-memory PGlite, as the voice webhook's intake. */
export async function memoryStore(clock: Clock): Promise<{ store: PostgresCallStore; close: () => Promise<void> }> {
  const db = await openDatabase({});
  return { store: new PostgresCallStore({ db, clock, defaultRole: 'Software Engineer' }), close: () => db.destroy() };
}

export interface EdgeServer {
  running: RunningServer;
  baseUrl: string;
  wsUrl: string;
  publicUrl: string;
  metrics: Metrics;
  logs: LogCapture;
  registry: CallRegistry;
  close(): Promise<void>;
}

export async function startEdgeServer(options: {
  clock: Clock;
  createCall: CallHandlerFactory;
  publicUrl?: string;
  maxCalls?: number;
  intake?: CallIntake;
  logLevel?: string;
}): Promise<EdgeServer> {
  const logs = new LogCapture();
  const logger = createLogger(options.logLevel ?? 'info', logs);
  const metrics = createMetrics();
  const registry = new CallRegistry(options.maxCalls ?? 10);
  const publicUrl = options.publicUrl ?? 'https://voice.example.com';
  const intake = options.intake ?? (await sharedStore());
  const running = createServer({
    publicUrl,
    twilioAuthToken: AUTH_TOKEN,
    logger,
    metrics,
    registry,
    intake,
    clock: options.clock,
    createCall: options.createCall,
  });
  await new Promise<void>((resolve) => running.server.listen(0, '127.0.0.1', resolve));
  const { port } = running.server.address() as AddressInfo;
  return {
    running,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/twilio/media`,
    publicUrl,
    metrics,
    logs,
    registry,
    close: () => running.shutdown(0),
  };
}

/** A call handler that records what reaches it and exposes the sink to the test. */
export function recordingCallFactory() {
  const calls: { sink: MediaSink; audioFrames: number; digits: string[]; marks: string[]; ended?: string }[] = [];
  const factory: CallHandlerFactory = (_start, sink) => {
    const record: (typeof calls)[number] = { sink, audioFrames: 0, digits: [], marks: [] };
    calls.push(record);
    const handler: CallHandler = {
      onAudio: () => {
        record.audioFrames++;
      },
      onDtmf: (digit) => record.digits.push(digit),
      onMarkPlayed: (name) => record.marks.push(name),
      onStreamEnded: (reason) => {
        record.ended = reason;
      },
    };
    return handler;
  };
  return { factory, calls };
}

/** Waits (real time, bounded) until a condition holds: socket I/O needs event-loop turns. */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
