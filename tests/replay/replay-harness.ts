/**
 * Shared pieces of the replay tests: the real HTTP + Media Streams server with a recording tap
 * and a call handler that notes what reached it (with the session's media time), a started
 * recorder for port-level tests, and temporary folders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CallRegistry } from '../../src/http/call-registry.js';
import { createServer, type RunningServer } from '../../src/http/server.js';
import type { CallIntake } from '../../src/http/voice-webhook.js';
import type { Clock } from '../../src/lib/clock.js';
import type { CallHandlerFactory, MediaSink, MediaTap } from '../../src/media/media-session.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { CallRecorder, type CallRecorderOptions } from '../../src/recording/call-recorder.js';

export const AUTH_TOKEN = 'replay-test-auth-token-0123456789';
export const PUBLIC_URL = 'https://voice.example.com';

const made: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'replay-test-'));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** What one call handler saw: audio with its Twilio timestamp, digits, and the end. */
export interface SeenCall {
  sink: MediaSink;
  audio: { bytes: Buffer; timestampMs: number }[];
  digits: { digit: string; mediaMs: number }[];
  customParameters: Record<string, string>;
  ended: string | undefined;
}

export interface MediaServer {
  baseUrl: string;
  wsUrl: string;
  calls: SeenCall[];
  /** callSids the voice webhook registered. */
  webhookCalls: string[];
  close(): Promise<void>;
}

/** The real server (webhook + signed media socket) with a tap per stream and a noting handler. */
export async function startMediaServer(options: { clock: Clock; createTap?: () => MediaTap }): Promise<MediaServer> {
  const calls: SeenCall[] = [];
  const webhookCalls: string[] = [];
  const intake: CallIntake = {
    async beginCall(input) {
      webhookCalls.push(input.callSid);
      return { callId: `call-${webhookCalls.length}`, interview: { id: input.interviewId ?? 'default' } };
    },
  };
  const createCall: CallHandlerFactory = (start, sink) => {
    const seen: SeenCall = { sink, audio: [], digits: [], customParameters: start.customParameters, ended: undefined };
    calls.push(seen);
    return {
      onAudio: (bytes, timestampMs) => seen.audio.push({ bytes, timestampMs }),
      onDtmf: (digit) => seen.digits.push({ digit, mediaMs: sink.mediaNowMs() }),
      onMarkPlayed: () => {},
      onStreamEnded: (reason) => {
        seen.ended = reason;
      },
    };
  };
  const running: RunningServer = createServer({
    publicUrl: PUBLIC_URL,
    twilioAuthToken: AUTH_TOKEN,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    registry: new CallRegistry(10),
    intake,
    clock: options.clock,
    createCall,
    ...(options.createTap ? { createTap: options.createTap } : {}),
  });
  await new Promise<void>((resolve) => running.server.listen(0, '127.0.0.1', resolve));
  const { port } = running.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/twilio/media`,
    calls,
    webhookCalls,
    close: () => running.shutdown(0),
  };
}

/** A recorder that has seen `connected` and `start`, for tests of the port wrappers alone. */
export function startedRecorder(
  dir: string,
  clock: Clock,
  options: Partial<Omit<CallRecorderOptions, 'dir' | 'clock'>> = {},
): CallRecorder {
  const recorder = new CallRecorder({ dir, clock, description: 'a port-level test recording', ...options });
  recorder.inbound(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }), clock.now());
  recorder.inbound(
    JSON.stringify({
      event: 'start',
      sequenceNumber: '1',
      streamSid: `MZ${'a'.repeat(32)}`,
      start: {
        accountSid: `AC${'b'.repeat(32)}`,
        streamSid: `MZ${'a'.repeat(32)}`,
        callSid: `CA${'c'.repeat(32)}`,
        tracks: ['inbound'],
        customParameters: { callId: 'call-1', interviewId: 'default' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    }),
    clock.now(),
  );
  return recorder;
}

/** Waits (real time, bounded) until a condition holds: socket I/O needs event-loop turns. */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
