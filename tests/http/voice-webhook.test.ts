import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { postSignedWebhook } from '../../testing/fakes/twilio-phone.js';
import {
  AUTH_TOKEN,
  type EdgeServer,
  memoryStore,
  recordingCallFactory,
  startEdgeServer,
} from '../support/edge-harness.js';

const inboundCall = {
  CallSid: 'CA0123456789abcdef0123456789abcdef',
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: '+14155550123',
  To: '+14155550100',
  CallStatus: 'ringing',
  Direction: 'inbound',
  ApiVersion: '2010-04-01',
};

/** Posts the voice webhook to `edge` as Twilio would, signed over its PUBLIC_URL. */
function postVoice(
  edge: EdgeServer,
  options: { path?: string; params?: Record<string, string>; signature?: string | null; publicUrl?: string } = {},
) {
  return postSignedWebhook({
    localBaseUrl: edge.baseUrl,
    publicUrl: options.publicUrl ?? edge.publicUrl,
    path: options.path ?? '/twilio/voice',
    authToken: AUTH_TOKEN,
    params: options.params ?? inboundCall,
    ...(options.signature === undefined ? {} : { signature: options.signature }),
  });
}

describe('POST /twilio/voice', () => {
  let server: EdgeServer;
  afterEach(() => server?.close());

  it('answers a signed webhook with a bidirectional stream on PUBLIC_URL and identifying parameters', async () => {
    const clock = new ManualClock();
    const { store, close } = await memoryStore(clock);
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory, intake: store });
    const answer = await postVoice(server);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<Connect><Stream url="wss://voice.example.com/twilio/media">');
    expect(answer.streamUrl).toBe('wss://voice.example.com/twilio/media');
    // Nothing after </Connect> that would keep the call up once the service closes the socket.
    expect(answer.body.trim().endsWith('</Connect></Response>')).toBe(true);
    const record = await store.getRecord(inboundCall.CallSid);
    expect(answer.parameters).toEqual({
      callId: record?.id,
      callSid: inboundCall.CallSid,
      interviewId: record?.interview.id,
    });
    expect(record?.direction).toBe('inbound');
    await close();
  });

  it('signs over PUBLIC_URL including the query string (outbound calls carry the interview id)', async () => {
    const clock = new ManualClock();
    const { store, close } = await memoryStore(clock);
    const created = await store.createOutboundInterview({ to: '+14155550123', from: '+14155550100' });
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory, intake: store });
    const answer = await postVoice(server, {
      path: `/twilio/voice?interviewId=${created.interviewId}`,
      params: { ...inboundCall, Direction: 'outbound-api', CallStatus: 'in-progress' },
    });
    expect(answer.status).toBe(200);
    expect(answer.parameters.interviewId).toBe(created.interviewId);
    expect(answer.parameters.callId).toBe(created.callId);
    await close();
  });

  it.each([
    ['a wrong signature', 'bm90LXRoZS1yaWdodC1zaWduYXR1cmU='],
    ['no signature', null],
  ])('refuses %s with 403 and no TwiML', async (_label, signature) => {
    const clock = new ManualClock();
    const { store, close } = await memoryStore(clock);
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory, intake: store });
    const answer = await postVoice(server, { signature });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('<Response>');
    expect(await store.getRecord(inboundCall.CallSid)).toBeNull();
    await close();
  });

  it('refuses a signature made for another URL (a proxy must not change what is checked)', async () => {
    server = await startEdgeServer({ clock: new ManualClock(), createCall: recordingCallFactory().factory });
    // Signed over the internal URL, not PUBLIC_URL.
    const answer = await postVoice(server, { publicUrl: server.baseUrl });
    expect(answer.status).toBe(403);
  });

  it('apologises and hangs up when at MAX_CALLS or draining, and counts the refusal', async () => {
    server = await startEdgeServer({
      clock: new ManualClock(),
      createCall: recordingCallFactory().factory,
      maxCalls: 1,
    });
    server.registry.add('busy-call', { hangUp: () => {} });
    const post = () => postVoice(server);
    const atCapacity = await post();
    expect(atCapacity.status).toBe(200);
    expect(atCapacity.body).toMatch(/<Say>[^<]+<\/Say><Hangup\/>/);
    expect(atCapacity.body).not.toContain('<Connect>');
    server.registry.remove('busy-call');
    server.registry.startDraining();
    expect((await post()).body).toContain('<Hangup/>');
    const metrics = await server.metrics.registry.getSingleMetricAsString('calls_refused_total');
    expect(metrics).toContain('calls_refused_total{reason="at-capacity"} 1');
    expect(metrics).toContain('calls_refused_total{reason="draining"} 1');
  });

  it('does not log the caller phone number at info', async () => {
    server = await startEdgeServer({ clock: new ManualClock(), createCall: recordingCallFactory().factory });
    await postVoice(server);
    const all = JSON.stringify(server.logs.lines);
    expect(server.logs.lines.some((l) => l.msg === 'voice webhook answered')).toBe(true);
    expect(all).not.toContain('4155550123');
  });
});
