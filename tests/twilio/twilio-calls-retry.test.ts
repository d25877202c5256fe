import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { isAppError } from '../../src/lib/errors.js';
import { createTwilioCalls } from '../../src/twilio/twilio-calls.js';
import { RecordingTwilioClient } from '../call/recording-twilio-client.js';

const TWILIO = { accountSid: `AC${'a'.repeat(32)}`, authToken: 'twilio-auth-token', phoneNumber: '+14155550100' };
const CALL_SID = `CA${'2'.repeat(32)}`;
const BUSY = { status: 503, code: 20003, message: 'Service unavailable' };

function setup() {
  const clock = new ManualClock();
  const http = new RecordingTwilioClient();
  const calls = createTwilioCalls({
    twilio: TWILIO,
    publicUrl: 'https://interviews.example.com',
    httpClient: http.asHttpClient(),
    clock,
  });
  return { clock, http, calls };
}

/** Lets the SDK's promise chain run; the recording client answers without any timer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the voicemail update retries on the injected clock', () => {
  it('waits 250 ms, then 500 ms, between attempts, and not a moment less', async () => {
    const { clock, http, calls } = setup();
    http.failNext(BUSY);
    http.failNext(BUSY);
    let finished = false;
    const left = calls.leaveVoicemail(CALL_SID, 'Please call back.').then(() => {
      finished = true;
    });

    await settle();
    expect(http.requests).toHaveLength(1);
    clock.advance(249);
    await settle();
    expect(http.requests).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(http.requests).toHaveLength(2);

    clock.advance(499);
    await settle();
    expect(http.requests).toHaveLength(2);
    clock.advance(1);
    await left;
    expect(http.requests).toHaveLength(3);
    expect(finished).toBe(true);
  });

  it('fails with TWILIO_REQUEST_FAILED after three attempts, without retrying a 4xx', async () => {
    const { clock, http, calls } = setup();
    for (let i = 0; i < 3; i++) http.failNext(BUSY);
    const failing = calls.leaveVoicemail(CALL_SID, 'Please call back.').catch((err: unknown) => err);
    await settle();
    clock.advance(250);
    await settle();
    clock.advance(500);
    const err = await failing;
    expect(isAppError(err, 'TWILIO_REQUEST_FAILED') && err.retryable).toBe(true);
    expect(http.requests).toHaveLength(3);

    http.failNext({ status: 404, code: 20404, message: 'Not found' });
    const refused = await calls.leaveVoicemail(CALL_SID, 'Please call back.').catch((e: unknown) => e);
    expect(isAppError(refused, 'TWILIO_REQUEST_FAILED') && !refused.retryable).toBe(true);
    expect(http.requests).toHaveLength(4);
    expect(clock.pendingCount()).toBe(0);
  });
});
