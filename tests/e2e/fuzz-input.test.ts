import { afterEach, describe, expect, it } from 'vitest';
import { streamUrlFor } from '../../src/twilio/twiml.js';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { PhoneStream } from '../../testing/fakes/twilio-phone.js';
import { SeededRandom } from '../../testing/seeded-random.js';
import { ACK, ANSWER, answer, linesHeardSince, QUESTION, QUESTION_REPLY, untilHeard } from './faults-harness.js';
import { malformedApiRequest, malformedMediaMessage } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 12);
const MEDIA_MESSAGES = 1000;
const API_REQUESTS = 500;
const API_KEY = 'fuzz-api-key-0123456789abcdef';

describe(`malformed input (seed ${SEED}; rerun with FUZZ_SEED=${SEED})`, () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  it(`${MEDIA_MESSAGES} malformed media-socket messages and ${API_REQUESTS} malformed API requests beside and inside a live call that finishes normally; a new call is served after`, async () => {
    sim = await startSimulation({
      env: { API_KEY, API_RATE_LIMIT_PER_ADDRESS: '0', API_RATE_LIMIT_PER_KEY: '0' },
    });
    const random = new SeededRandom(SEED);
    const call = await sim.dial();
    await call.untilAgentDone();

    // Fuzz sockets: signed upgrades (as Twilio's) whose messages are all wrong; a closed one is replaced.
    let fuzzPhone: PhoneStream | undefined;
    const fuzzSocket = async () => {
      if (fuzzPhone && fuzzPhone.closeCode === undefined) return fuzzPhone;
      fuzzPhone = new PhoneStream({
        localWsUrl: sim.service.wsUrl,
        signedUrl: streamUrlFor('https://interviews.example.com'),
        authToken: 'sim-auth-token-0123456789abcdef',
        clock: sim.clock,
      });
      await fuzzPhone.connect();
      return fuzzPhone;
    };
    const apiFailures: string[] = [];
    const sendApi = async (n: number) => {
      const request = malformedApiRequest(random.fork(n), API_KEY);
      const label = `seed ${SEED} request ${n} (${request.what}): ${request.method} ${request.path.slice(0, 80)}`;
      const response = await fetch(`${sim.service.baseUrl}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined && { body: request.body }),
      });
      const text = await response.text();
      let body: { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const shaped =
        typeof body?.error?.code === 'string' &&
        typeof body.error.message === 'string' &&
        (body.error.field === null || typeof body.error.field === 'string');
      if (response.status < 400 || response.status > 499 || !shaped) {
        apiFailures.push(`${label} → ${response.status} ${text.slice(0, 120)}`);
      }
    };

    const endClockMs = answer(call, ANSWER);
    // The live call's own socket gets malformed messages too, with its real streamSid, between
    // the frames of the answer: past `start`, where most of the message handling is. A payload that
    // decodes to seconds of audio is left out (it is audio, however odd, and would change the answer).
    const inCall = (n: number) => {
      for (let k = 0; ; k++) {
        const message = malformedMediaMessage(random.fork(500_000 + n * 16 + k), call.phone.streamSid);
        if (typeof message !== 'string' || !message.includes('QUJDQUJD')) return message;
      }
    };
    let sentInCall = 0;
    let sent = 0;
    let requested = 0;
    while (sent < MEDIA_MESSAGES || requested < API_REQUESTS) {
      const phone = await fuzzSocket();
      for (let i = 0; i < 25 && sent < MEDIA_MESSAGES; i++, sent++) {
        phone.sendRaw(malformedMediaMessage(random.fork(100_000 + sent), `MZ${'e'.repeat(32)}`));
      }
      const batch: Promise<void>[] = [];
      for (let i = 0; i < 8; i++, sentInCall++) call.phone.sendRaw(inCall(sentInCall));
      for (let i = 0; i < 12 && requested < API_REQUESTS; i++, requested++) batch.push(sendApi(requested));
      await Promise.all(batch);
      await call.run(40);
    }
    expect(sentInCall, 'messages on the live call’s own socket').toBeGreaterThanOrEqual(300);
    expect(call.phone.closeCode, `seed ${SEED}: the live call’s socket stays open`).toBeUndefined();
    expect(apiFailures, `seed ${SEED}: API answers not a JSON 4xx of the documented shape`).toEqual([]);

    await untilHeard(call, endClockMs, QUESTION, [ACK, ...QUESTION_REPLY]);
    expect(linesHeardSince(call, endClockMs, [ACK, ...QUESTION_REPLY]), `seed ${SEED}`).toContain(QUESTION);
    call.phone.hangUp();
    const summary = await call.untilEnded();
    const record = await call.record();
    expect(
      record?.transcript.filter((l) => l.role === 'candidate').map((l) => l.text),
      `seed ${SEED}`,
    ).toEqual([ANSWER]);
    expect(summary, `seed ${SEED}`).toBeDefined();

    const health = await fetch(`${sim.service.baseUrl}/healthz`);
    expect(health.status, `seed ${SEED}`).toBe(200);
    const next = await sim.dial();
    await next.untilAgentDone();
    expect(next.phone.heardBytes, `seed ${SEED}: the call after the fuzzing hears its greeting`).toBeGreaterThan(0);
  }, 60_000);
});
