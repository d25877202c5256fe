/**
 * Starts the real HTTP + WebSocket server on 127.0.0.1 with an injected clock and call
 * behaviour, for edge tests. The call handler is a dependency of the server (in production
 * the orchestrator); edge tests plug in small scripted handlers.
 */
import type { AddressInfo } from 'node:net';
import { CallRegistry } from '../../src/http/call-registry.js';
import { createServer, type RunningServer } from '../../src/http/server.js';
import type { CallIntake } from '../../src/http/voice-webhook.js';
import { type Clock, systemClock } from '../../src/lib/clock.js';
import type { MarkId } from '../../src/media/audio-sink.js';
import type { CallHandler, CallHandlerFactory, MediaSink } from '../../src/media/media-session.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { openDatabase } from '../../src/store/database.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';

import { LogCapture } from '../../testing/log-capture.js';

export { LogCapture };

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

/** What reached one call: the sink (and the player behind it), audio frames, digits, marks played. */
export interface RecordedCall {
  sink: MediaSink;
  /** The media session's OutboundPlayer, to look at what it knows of playback. */
  player: OutboundPlayer;
  audioFrames: number;
  digits: string[];
  marks: MarkId[];
  ended?: string;
}

/** A call handler that records what reaches it and exposes the sink to the test. */
export function recordingCallFactory() {
  const calls: RecordedCall[] = [];
  const factory: CallHandlerFactory = (_start, sink) => {
    if (!(sink.audio instanceof OutboundPlayer)) throw new Error('the media session plays through an OutboundPlayer');
    const record: RecordedCall = { sink, player: sink.audio, audioFrames: 0, digits: [], marks: [] };
    calls.push(record);
    const handler: CallHandler = {
      onAudio: () => {
        record.audioFrames++;
      },
      onDtmf: (digit) => record.digits.push(digit),
      onMarkPlayed: (mark) => record.marks.push(mark),
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
