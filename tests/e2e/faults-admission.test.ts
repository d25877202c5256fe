import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/lib/clock.js';
import { streamUrlFor } from '../../src/twilio/twiml.js';
import { SIM_AUTH_TOKEN, type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { PhoneStream, postSignedWebhook } from '../../testing/fakes/twilio-phone.js';

const PUBLIC_URL = 'https://interviews.example.com';
const BUSY = "Sorry, our interviewer can't take your call right now.";

describe('admission from the voice webhook on', () => {
  let sim: Simulation | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  let seq = 0;
  function webhook(service: Simulation['service']) {
    const callSid = `CA${String(++seq).padStart(32, '7')}`;
    return postSignedWebhook({
      localBaseUrl: service.baseUrl,
      publicUrl: PUBLIC_URL,
      path: '/twilio/voice',
      authToken: SIM_AUTH_TOKEN,
      params: {
        CallSid: callSid,
        From: '+14155550123',
        To: '+14155550100',
        CallStatus: 'ringing',
        Direction: 'inbound',
      },
    });
  }

  function phone(s: Simulation, parameters: Record<string, string> = {}, callSid?: string): PhoneStream {
    return new PhoneStream({
      localWsUrl: s.service.wsUrl,
      signedUrl: streamUrlFor(PUBLIC_URL),
      authToken: SIM_AUTH_TOKEN,
      clock: s.clock,
      ...(callSid ? { callSid } : {}),
      customParameters: parameters,
    });
  }

  // Bursts of 3 to 8 webhooks at once, against MAX_CALLS 1 to 3: never more streams offered than the limit.
  for (const [maxCalls, burst] of [
    [1, 3],
    [2, 5],
    [3, 8],
  ] as const) {
    it(`MAX_CALLS ${maxCalls}, a burst of ${burst} webhooks before any stream: ${maxCalls} offered a stream, the rest busy`, async () => {
      sim = await startSimulation({ env: { MAX_CALLS: String(maxCalls) } });
      const s = sim;
      const answers = await Promise.all(Array.from({ length: burst }, () => webhook(s.service)));
      const label = `MAX_CALLS ${maxCalls} burst ${burst}`;
      expect(
        answers.every((a) => a.status === 200),
        label,
      ).toBe(true);
      expect(answers.filter((a) => a.streamUrl).length, label).toBe(maxCalls);
      expect(answers.filter((a) => a.body.includes(BUSY)).length, label).toBe(burst - maxCalls);
    }, 60_000);
  }

  it('a reservation whose stream never arrives lapses after the admission timeout', async () => {
    sim = await startSimulation({ env: { MAX_CALLS: '1', ADMISSION_TIMEOUT_MS: '10000' } });
    const first = await webhook(sim.service);
    expect(first.streamUrl).toBeDefined();
    expect((await webhook(sim.service)).body).toContain(BUSY);
    (sim.clock as ManualClock).advance(9000);
    expect((await webhook(sim.service)).body, 'still reserved at 9 s').toContain(BUSY);
    (sim.clock as ManualClock).advance(1500);
    expect((await webhook(sim.service)).streamUrl, 'lapsed at 10 s').toBeDefined();
  }, 60_000);

  it('a reservation is taken by its stream; a media upgrade past the limit is refused', async () => {
    sim = await startSimulation({ env: { MAX_CALLS: '1', ADMISSION_TIMEOUT_MS: '10000' } });
    const call = await sim.dial();
    await call.run(500);
    // The stream claimed its reservation: after the timeout the call still holds the only place.
    (sim.clock as ManualClock).advance(11_000);
    expect((await webhook(sim.service)).body).toContain(BUSY);
    const extra = phone(sim);
    await expect(extra.connect()).rejects.toThrow(/upgrade refused: 503/);
    expect(call.phone.closeCode, 'the live call goes on').toBeUndefined();
  }, 60_000);

  it('when a call ends its place is free again', async () => {
    sim = await startSimulation({ env: { MAX_CALLS: '1' } });
    const call = await sim.dial();
    await call.run(500);
    expect((await webhook(sim.service)).body).toContain(BUSY);
    call.phone.hangUp();
    await call.untilEnded(30_000);
    expect((await webhook(sim.service)).streamUrl).toBeDefined();
  }, 60_000);
});
