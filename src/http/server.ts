import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Clock } from '../lib/clock.js';
import { type CallHandlerFactory, MediaSession, type MediaTap } from '../media/media-session.js';
import { isValidStreamSignature } from '../twilio/twilio-signature.js';
import { type AppDeps, createApp } from './app.js';
import type { CallRegistry } from './call-registry.js';

export const MEDIA_PATH = '/twilio/media';
/** Twilio's media messages are ~300 bytes; anything near this is not Twilio. */
export const MAX_MEDIA_MESSAGE_BYTES = 64 * 1024;

/** How long the drain timeout's goodbyes may take before the calls are cut off, clock ms. */
export const DRAIN_GOODBYE_BOUND_MS = 10_000;

export interface ServerDeps extends AppDeps {
  clock: Clock;
  /** See DRAIN_GOODBYE_BOUND_MS. */
  goodbyeBoundMs?: number;
  createCall: CallHandlerFactory;
  /** Outbound pacing lead, ms (see OutboundPlayer). */
  leadMs?: number;
  /** A recording tap for each new stream (RECORD_CALLS), or none. */
  createTap?: () => MediaTap | undefined;
}

export interface RunningServer {
  server: http.Server;
  registry: CallRegistry;
  /** Stops taking calls, waits for calls in progress up to `drainTimeoutMs`, then closes. */
  shutdown(drainTimeoutMs: number): Promise<void>;
}

/** HTTP and the Media Streams WebSocket on one server; upgrades only on /twilio/media, signed. */
export function createServer(deps: ServerDeps): RunningServer {
  const app = createApp(deps);
  const server = http.createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MEDIA_MESSAGE_BYTES });
  const { registry, logger } = deps;
  let connectionSeq = 0;

  server.on('upgrade', (req, socket: Duplex, head) => {
    const url = new URL(req.url ?? '/', 'http://internal');
    if (url.pathname !== MEDIA_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const signature = req.headers['x-twilio-signature'];
    const valid = isValidStreamSignature({
      authToken: deps.twilioAuthToken,
      signature: typeof signature === 'string' ? signature : undefined,
      publicUrl: deps.publicUrl,
      path: `${url.pathname}${url.search}`,
    });
    if (!valid) {
      logger.warn('media stream upgrade refused: bad signature');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const refused = registry.streamRefusal();
    if (refused) {
      deps.metrics.callsRefused.inc({ reason: `stream-${refused}` });
      logger.warn({ reason: refused }, 'media stream upgrade refused: at MAX_CALLS');
      return refuseUpgrade(socket, 503, 'Service Unavailable');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const id = `ws-${++connectionSeq}`;
      const tap = deps.createTap?.();
      const session: MediaSession = new MediaSession({
        ...(tap ? { tap } : {}),
        socket: ws,
        clock: deps.clock,
        logger: logger.child({ connection: id }),
        metrics: deps.metrics,
        createCall: deps.createCall,
        ...(deps.leadMs === undefined ? {} : { leadMs: deps.leadMs }),
        onStarted: (start) => {
          registry.started(id, { callId: start.customParameters.callId, callSid: start.callSid });
        },
        onClosed: () => {
          registry.remove(id);
          deps.metrics.callsInProgress.set(registry.size);
        },
      });
      // Counted from the upgrade on, so concurrent upgrades cannot overrun MAX_CALLS before `start`.
      registry.add(id, {
        hangUp: () => session.shutDown(),
        sayGoodbye: () => session.drain(),
        erase: () => session.endForErasure(),
      });
      deps.metrics.callsInProgress.set(registry.size);
    });
  });

  async function shutdown(drainTimeoutMs: number): Promise<void> {
    registry.startDraining();
    logger.info({ calls: registry.size, drainTimeoutMs }, 'draining calls');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
    });
    const result = await Promise.race([registry.whenIdle().then(() => 'idle' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout' && drainTimeoutMs === 0) {
      // No drain at all (DRAIN_TIMEOUT_MS=0, and tests tearing down): cut the calls off now.
      registry.hangUpAll();
    } else if (result === 'timeout') {
      logger.warn({ calls: registry.size }, 'drain timeout: saying goodbye to calls in progress');
      registry.sayGoodbyeAll();
      // The goodbyes close their calls after their marks; past this bound the rest are cut off.
      let boundTimer: { cancel(): void } | undefined;
      const bound = new Promise<'timeout'>((resolve) => {
        boundTimer = deps.clock.setTimeout(() => resolve('timeout'), deps.goodbyeBoundMs ?? DRAIN_GOODBYE_BOUND_MS);
      });
      const after = await Promise.race([registry.whenIdle().then(() => 'idle' as const), bound]);
      boundTimer?.cancel();
      if (after === 'timeout') {
        logger.warn({ calls: registry.size }, 'drain goodbyes ran past their bound: ending calls');
        registry.hangUpAll();
      }
    }
    for (const client of wss.clients) client.terminate();
    wss.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  }

  return { server, registry, shutdown };
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
