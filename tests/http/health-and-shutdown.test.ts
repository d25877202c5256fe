import { afterEach, describe, expect, it } from 'vitest';
import { DRAIN_GOODBYE_BOUND_MS } from '../../src/http/server.js';
import { ManualClock } from '../../src/lib/clock.js';
import { PhoneStream, postSignedWebhook } from '../../testing/fakes/twilio-phone.js';
import { AUTH_TOKEN, type EdgeServer, recordingCallFactory, startEdgeServer, until } from '../support/edge-harness.js';

describe('health, metrics and graceful shutdown', () => {
  let server: EdgeServer | undefined;
  afterEach(async () => {
    await server?.close().catch(() => {});
    server = undefined;
  });

  async function openCall(edge: EdgeServer, clock: ManualClock): Promise<PhoneStream> {
    const phone = new PhoneStream({
      localWsUrl: edge.wsUrl,
      signedUrl: 'wss://voice.example.com/twilio/media',
      authToken: AUTH_TOKEN,
      clock,
    });
    await phone.connect();
    phone.start();
    await until(() => edge.registry.size === 1, 'call registered');
    return phone;
  }

  it('reports health and Prometheus metrics, with calls in progress', async () => {
    const clock = new ManualClock();
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory });
    const phone = await openCall(server, clock);
    const health = await fetch(`${server.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', calls: 1 });
    const metrics = await fetch(`${server.baseUrl}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('calls_in_progress 1');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('# TYPE turn_latency_ms histogram');
    phone.hangUp();
  });

  it('on shutdown refuses new calls, lets the call in progress finish, then closes', async () => {
    const clock = new ManualClock();
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory });
    const edge = server;
    const phone = await openCall(edge, clock);
    let closed = false;
    const shutdown = edge.running.shutdown(10_000).then(() => {
      closed = true;
    });
    expect((await fetch(`${edge.baseUrl}/healthz`)).status).toBe(503);
    const refused = await postSignedWebhook({
      localBaseUrl: edge.baseUrl,
      publicUrl: edge.publicUrl,
      path: '/twilio/voice',
      authToken: AUTH_TOKEN,
      params: { CallSid: 'CA1', From: '+14155550123', To: '+14155550100', Direction: 'inbound' },
    });
    expect(refused.body).toContain('<Hangup/>');
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    phone.hangUp();
    await shutdown;
    expect(closed).toBe(true);
    server = undefined;
  });

  it('ends calls still up when the drain timeout runs out', async () => {
    const clock = new ManualClock();
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory });
    const phone = await openCall(server, clock);
    await server.running.shutdown(100);
    await phone.whenClosed();
    expect(phone.closeCode).toBe(1001);
    server = undefined;
  });

  it('a call asked for its drain goodbye that never hangs up is cut off at the goodbye bound (clock ms)', async () => {
    const clock = new ManualClock();
    let asked = 0;
    const recorded = recordingCallFactory();
    const factory: typeof recorded.factory = (...args) => ({
      ...recorded.factory(...args),
      onServiceDraining: () => {
        asked++;
      },
    });
    server = await startEdgeServer({ clock, createCall: factory });
    const phone = await openCall(server, clock);
    let closed = false;
    const shutdown = server.running.shutdown(100).then(() => {
      closed = true;
    });
    await until(() => asked === 1, 'the goodbye asked for');
    clock.advance(DRAIN_GOODBYE_BOUND_MS - 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(phone.closeCode, 'still up before the bound').toBeUndefined();
    clock.advance(1);
    await phone.whenClosed();
    await shutdown;
    expect(closed).toBe(true);
    expect(phone.closeCode).toBe(1001);
    server = undefined;
  });
});
