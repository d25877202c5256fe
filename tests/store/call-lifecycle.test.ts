import { beforeEach, describe, expect, it } from 'vitest';
import type { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { engines, type TestDatabase, useFreshStore } from './databases.js';

const OUR_NUMBER = '+14155550100';
const CANDIDATE = '+14155550123';

describe.each(engines)('call lifecycle on $name', (engine) => {
  const fresh = useFreshStore(engine, { defaultRole: 'Support Engineer' });
  let database: TestDatabase;
  let store: PostgresCallStore;
  beforeEach(() => {
    ({ database, store } = fresh);
  });

  it('creates an outbound interview once per idempotency key, also under concurrent requests', async () => {
    const input = {
      to: CANDIDATE,
      from: OUR_NUMBER,
      role: 'Backend Engineer',
      idempotencyKey: 'k-1',
      requestHash: 'h',
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => store.createOutboundInterview(input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.callId)).size).toBe(1);
    const again = await store.createOutboundInterview(input);
    expect(again).toMatchObject({ created: false, callId: results[0]?.callId, requestHash: 'h' });
    const page = await store.listCalls({});
    expect(page.calls).toHaveLength(1);
  });

  it('begins an outbound call on its voice webhook, and a retried webhook resumes the same call', async () => {
    const placed = await store.createOutboundInterview({ to: CANDIDATE, from: OUR_NUMBER, candidateName: 'Ada' });
    await store.attachCallSid(placed.callId, 'CA1', 'queued');
    const input = {
      callSid: 'CA1',
      direction: 'outbound' as const,
      from: OUR_NUMBER,
      to: CANDIDATE,
      interviewId: placed.interviewId,
    };
    const first = await store.beginCall(input);
    const retry = await store.beginCall(input);
    expect(first).toMatchObject({ callId: placed.callId, resumed: false, interview: { candidateName: 'Ada' } });
    expect(retry).toMatchObject({ callId: placed.callId, resumed: true });
    expect((await store.getRecord('CA1'))?.status).toBe('in-progress');
  });

  it('attaches the CallSid when the voice webhook beats the calls.create answer', async () => {
    const placed = await store.createOutboundInterview({ to: CANDIDATE, from: OUR_NUMBER });
    const started = await store.beginCall({
      callSid: 'CA2',
      direction: 'outbound',
      from: OUR_NUMBER,
      to: CANDIDATE,
      interviewId: placed.interviewId,
    });
    expect(started.callId).toBe(placed.callId);
    await store.attachCallSid(placed.callId, 'CA2', 'queued');
    expect((await store.getRecord(placed.callId))?.callSid).toBe('CA2');
    expect((await store.getRecord(placed.callId))?.status).toBe('in-progress');
  });

  it('runs a pending interview when its candidate calls back, else the default interview', async () => {
    const placed = await store.createOutboundInterview({ to: CANDIDATE, from: OUR_NUMBER, role: 'Data Engineer' });
    await store.attachCallSid(placed.callId, 'CA-out', 'queued');
    await store.recordStatus('CA-out', 'no-answer');

    const callback = await store.beginCall({ callSid: 'CA-in', direction: 'inbound', from: CANDIDATE, to: OUR_NUMBER });
    expect(callback.interview).toMatchObject({ id: placed.interviewId, role: 'Data Engineer' });
    expect(callback.callId).not.toBe(placed.callId);

    const stranger = await store.beginCall({
      callSid: 'CA-x',
      direction: 'inbound',
      from: '+447700900123',
      to: OUR_NUMBER,
    });
    expect(stranger.interview).toMatchObject({
      role: 'Support Engineer',
      definitionId: 'default',
      phone: '+447700900123',
    });

    await store.finishCall(callback.callId, 'completed', null);
    const later = await store.beginCall({ callSid: 'CA-in2', direction: 'inbound', from: CANDIDATE, to: OUR_NUMBER });
    expect(later.interview.id).not.toBe(placed.interviewId);
    expect(later.interview.role).toBe('Support Engineer');
  });

  it('begins a call once when the same webhook arrives twice at once', async () => {
    const input = { callSid: 'CA-dup', direction: 'inbound' as const, from: CANDIDATE, to: OUR_NUMBER };
    const [a, b] = await Promise.all([store.beginCall(input), store.beginCall(input)]);
    expect(a.callId).toBe(b.callId);
    expect([a.resumed, b.resumed].sort()).toEqual([false, true]);
    expect((await store.listCalls({})).calls).toHaveLength(1);
  });

  it('writes the record of the contract: stages with notes, transcript in order, latency, one outcome', async () => {
    const call = await store.beginCall({ callSid: 'CA3', direction: 'inbound', from: CANDIDATE, to: OUR_NUMBER });
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
    await store.stageStarted(call.callId, 'greeting', at(0));
    await store.appendTranscriptLine(call.callId, {
      role: 'agent',
      text: 'Hi, thanks for taking the call.',
      stage: 'greeting',
      at: at(1),
    });
    await store.appendTranscriptLine(call.callId, {
      role: 'candidate',
      text: 'Hello!',
      stage: 'greeting',
      at: at(3),
      interrupted: true,
    });
    await store.stageEnded(call.callId, 'greeting', {
      at: at(4),
      reason: 'goal_met',
      notes: { evidence: ['said hello'] },
    });
    await store.stageStarted(call.callId, 'self_intro', at(4));
    await store.recordLatency(call.callId, { turn: 1, firstAudioMs: 640 });
    await store.recordLatency(call.callId, { turn: 2, firstAudioMs: 580 });
    expect(await store.finishCall(call.callId, 'caller_hung_up', 'stop received', { at: at(9) })).toBe(true);
    expect(await store.finishCall(call.callId, 'completed', 'late')).toBe(false);

    const record = await store.getRecord(call.callId);
    expect(record).toMatchObject({
      id: call.callId,
      callSid: 'CA3',
      direction: 'inbound',
      status: 'in-progress',
      stage: 'ended',
      outcome: 'caller_hung_up',
      outcomeReason: 'stop received',
      endedAt: at(9).toISOString(),
      stages: [
        {
          name: 'greeting',
          startedAt: at(0).toISOString(),
          endedAt: at(4).toISOString(),
          endReason: 'goal_met',
          notes: { evidence: ['said hello'] },
        },
        { name: 'self_intro', startedAt: at(4).toISOString(), endedAt: null },
      ],
      transcript: [
        {
          role: 'agent',
          text: 'Hi, thanks for taking the call.',
          stage: 'greeting',
          at: at(1).toISOString(),
          interrupted: false,
        },
        { role: 'candidate', text: 'Hello!', stage: 'greeting', at: at(3).toISOString(), interrupted: true },
      ],
      latency: [
        { turn: 1, firstAudioMs: 640 },
        { turn: 2, firstAudioMs: 580 },
      ],
    });
    const outbox = await database.db.selectFrom('results_outbox').selectAll().execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.payload).toMatchObject({ id: call.callId, outcome: 'caller_hung_up', transcript: [{}, {}] });
  });
});
