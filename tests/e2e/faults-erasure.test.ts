import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_ERASED_REASON } from '../../src/interview/index.js';
import { type SimCall, type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { ANSWER, answer } from './faults-harness.js';

const API_KEY = 'erasure-test-api-key-0123456789';

/** A results webhook receiver on loopback: counts what the service delivers. */
async function startReceiver(): Promise<{ url: string; deliveries: string[]; close: () => Promise<void> }> {
  const deliveries: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      deliveries.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/results`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('erasing a live call', () => {
  let sim: Simulation | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await sim?.close();
    await receiver?.close();
    sim = undefined;
    receiver = undefined;
  });

  async function liveCall(): Promise<SimCall> {
    receiver = await startReceiver();
    sim = await startSimulation({
      env: { API_KEY, RESULTS_WEBHOOK_URL: receiver.url, RESULTS_WEBHOOK_SECRET: 'results-secret-0123456789' },
    });
    const call = await sim.dial();
    await call.untilAgentDone();
    // The caller answers and the agent is speaking its next question when the erasure lands.
    answer(call, ANSWER);
    await call.run(2500);
    return call;
  }

  async function expectNothingLeft(call: SimCall, label: string): Promise<void> {
    const service = sim!.service;
    // Whatever the call was doing goes on long enough to have written again, had it not ended.
    await call.untilEnded(30_000);
    await call.run(10_000);
    const record = await service.storage.calls.getRecord(call.callId);
    expect(record?.erasedAt, label).not.toBeNull();
    expect(record?.transcript, label).toEqual([]);
    expect(record?.outcome, `${label}: the call was ended`).toBe('failed');
    // The erasure's doing, not a shutdown's or the candidate's.
    expect(record?.outcomeReason, label).toBe(CALL_ERASED_REASON);
    expect(record?.stages.at(-1)?.endReason, label).toBe('erased');
    const outbox = await service.storage.db
      .selectFrom('results_outbox')
      .select('id')
      .where('call_id', '=', call.callId)
      .execute();
    expect(outbox, label).toEqual([]);
    const recordings = await service.storage.db
      .selectFrom('call_recordings')
      .select('call_id')
      .where('call_id', '=', call.callId)
      .execute();
    expect(recordings, label).toEqual([]);
    expect(existsSync(path.join(service.recordingsDir, call.callId, 'audio.wav')), label).toBe(false);
    expect(
      receiver!.deliveries.filter((d) => d.includes(call.callId)),
      label,
    ).toEqual([]);
  }

  it('DELETE /api/calls/:id hangs the call up first; nothing is written after the erasure', async () => {
    const call = await liveCall();
    const response = await fetch(`${sim!.service.baseUrl}/api/calls/${call.callId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBeLessThan(300);
    await call.run(1000);
    expect(call.phone.closeCode, 'the stream was closed by the erasure').toBeDefined();
    await expectNothingLeft(call, 'api erase');
  }, 90_000);

  it('the console’s erase hangs the call up first; nothing is written after the erasure', async () => {
    const call = await liveCall();
    const base = sim!.service.baseUrl;
    const form = (body: Record<string, string>, cookie = '') =>
      ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(body).toString(),
        redirect: 'manual',
      }) as const;
    const signedIn = await fetch(`${base}/console/sign-in`, form({ key: API_KEY, next: '/console' }));
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const confirm = await (await fetch(`${base}/console/calls/${call.callId}/erase`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirm)?.[1] ?? '';
    const erased = await fetch(`${base}/console/calls/${call.callId}/erase`, form({ csrf }, cookie));
    expect(erased.status).toBe(303);
    await call.run(1000);
    expect(call.phone.closeCode, 'the stream was closed by the erasure').toBeDefined();
    await expectNothingLeft(call, 'console erase');
  }, 90_000);
});
