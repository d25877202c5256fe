import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { type SimCall, type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { mixCallPcm } from '../../tools/replay/call-wav.js';

/**
 * A whole call with a barge-in through the real service, then its recording through the API:
 * the WAV's header and length against the call, its audio against what the fake phone sent and
 * actually played (cut at the clear), byte ranges, auth, erasure and retention.
 */
const API_KEY = 'recording-test-key';

async function getRecording(sim: Simulation, id: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${sim.service.baseUrl}/api/calls/${id}/recording`, {
    headers: { authorization: `Bearer ${API_KEY}`, ...headers },
  });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

function samplesOf(wav: Buffer): Int16Array {
  return new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
}

describe('call recordings through the API', () => {
  let sim: Simulation;
  let call: SimCall;
  let wav: Buffer;
  let callMs: number;
  let phoneStartedAt: number;

  beforeAll(async () => {
    // Paced on the clock: every message is delivered before time moves on, so timing is exact.
    // Barge-in on words alone: the clear then always flushes audio Twilio had not played (with
    // the hold at the voice's onset, the words may come while the held buffer is already empty).
    sim = await startSimulation({ env: { API_KEY }, paceOnClock: true, bargeInParams: { holdOnVoice: false } });
    call = await sim.dial();
    phoneStartedAt = call.clock.now() - call.phone.mediaNowMs();
    await call.untilAgentDone();
    call.say('Yes, this is Sam, and now is a good time.');
    // Into the next reply, then talk over it: the service clears what Twilio had not played.
    const heard = call.phone.heardBytes;
    for (let i = 0; i < 300 && call.phone.heardBytes === heard; i++) await call.run(20);
    await call.run(3000);
    const clears = call.phone.clears.length;
    call.say('Sorry, before that, can I ask how long this will take?', 0);
    for (let i = 0; i < 150 && call.phone.clears.length === clears; i++) await call.run(20);
    expect(call.phone.clears.length).toBe(clears + 1);

    // Written as the call goes: mid-call the recording is already there and growing.
    await call.run(2000);
    const early = await getRecording(sim, call.callId);
    expect(early.response.status).toBe(200);
    await call.untilAgentDone();
    const later = await getRecording(sim, call.callId);
    expect(later.body.length).toBeGreaterThan(early.body.length);

    callMs = call.phone.mediaNowMs();
    call.phone.hangUp();
    await call.untilEnded();
    const full = await getRecording(sim, call.callId);
    expect(full.response.status).toBe(200);
    wav = full.body;
  }, 120_000);

  afterAll(() => sim?.close());

  it('serves a 16-bit 8 kHz mono WAV as long as the call, with its length in the record', async () => {
    const { response } = await getRecording(sim, call.callId);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(Number(response.headers.get('content-length'))).toBe(wav.length);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    const durationMs = (wav.length - 44) / 16;
    expect(Math.abs(durationMs - callMs)).toBeLessThanOrEqual(60);

    const record = await call.record();
    expect(record?.recording?.url).toBe(`/api/calls/${call.callId}/recording`);
    expect(record?.recording?.durationMs).toBe(durationMs);
    // Every line has its place in the recording, in order, and seeking lands at or before its end.
    const lines = record?.transcript ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    let previous = 0;
    for (const line of lines) {
      expect(line.endOffsetMs).not.toBeNull();
      expect(line.offsetMs).toBeLessThanOrEqual(line.endOffsetMs ?? -1);
      expect(line.endOffsetMs ?? -1).toBeLessThanOrEqual(durationMs);
      expect(line.endOffsetMs ?? -1).toBeGreaterThanOrEqual(previous);
      previous = line.endOffsetMs ?? previous;
    }
    expect(lines[0]?.offsetMs).toBe(0);
  });

  it('holds both sides as the caller heard them: what the phone sent, and the agent only as played', async () => {
    const heard = call.phone.heard.map((f) => ({ atMs: f.atMs - phoneStartedAt, bytes: f.bytes }));
    const expected = mixCallPcm({ caller: call.phone.spoken, agent: heard });
    const actual = samplesOf(wav);
    // The audio the service sent but the clear removed must not be in the recording.
    expect(call.phone.receivedBytes).toBeGreaterThan(call.phone.heardBytes);
    let errors = 0;
    let energy = 0;
    for (let i = 0; i < actual.length; i++) {
      errors += Math.abs((actual[i] ?? 0) - (expected[i] ?? 0));
      energy += Math.abs(expected[i] ?? 0);
    }
    expect(energy).toBeGreaterThan(0);
    // Equal but for rounding (the clock is paced: timing is exact).
    expect(errors / energy).toBeLessThan(0.002);
    // Right after each clear, where the unplayed lead (~200 ms, a mean error near 300) would be if
    // it were kept. One frame may differ: the fake phone counts a frame heard once it starts, the
    // recording cuts it where the clear came (a mean error near 30).
    for (const clearAt of call.phone.clears) {
      const from = (clearAt - phoneStartedAt) * 8;
      let windowError = 0;
      for (let i = from; i < from + 4000; i++) windowError += Math.abs((actual[i] ?? 0) - (expected[i] ?? 0));
      expect(windowError / 4000, `mean error in the 500 ms after the clear at ${clearAt} ms`).toBeLessThan(80);
    }
  });

  it('serves single byte ranges (206), refuses unsatisfiable ones (416) and serves the whole file for several', async () => {
    const size = wav.length;
    const head = await getRecording(sim, call.callId, { range: 'bytes=0-43' });
    expect(head.response.status).toBe(206);
    expect(head.response.headers.get('content-range')).toBe(`bytes 0-43/${size}`);
    expect(head.body.equals(wav.subarray(0, 44))).toBe(true);

    const middle = await getRecording(sim, call.callId, { range: 'bytes=40-1000' });
    expect(middle.response.status).toBe(206);
    expect(middle.body.equals(wav.subarray(40, 1001))).toBe(true);

    const tail = await getRecording(sim, call.callId, { range: 'bytes=-100' });
    expect(tail.response.headers.get('content-range')).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    expect(tail.body.equals(wav.subarray(size - 100))).toBe(true);

    const open = await getRecording(sim, call.callId, { range: `bytes=${size - 10}-` });
    expect(open.body.equals(wav.subarray(size - 10))).toBe(true);

    const beyond = await getRecording(sim, call.callId, { range: `bytes=${size}-` });
    expect(beyond.response.status).toBe(416);
    expect(beyond.response.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(JSON.parse(beyond.body.toString()).error.code).toBe('range_not_satisfiable');

    const several = await getRecording(sim, call.callId, { range: 'bytes=0-9,20-29' });
    expect(several.response.status).toBe(200);
    expect(several.body.length).toBe(size);
  });

  it('asks for the same bearer token as the rest of the API, and answers 404 JSON for a call it does not know', async () => {
    const anonymous = await fetch(`${sim.service.baseUrl}/api/calls/${call.callId}/recording`);
    expect(anonymous.status).toBe(401);
    const wrong = await getRecording(sim, call.callId, { authorization: 'Bearer not-the-key' });
    expect(wrong.response.status).toBe(401);
    const unknown = await getRecording(sim, 'no-such-call');
    expect(unknown.response.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ error: { code: 'not_found', field: 'id' } });
    // By CallSid as well as by id.
    const bySid = await getRecording(sim, (await call.record())?.callSid ?? '');
    expect(bySid.response.status).toBe(200);
  });

  it('is erased with the call: 404 afterwards, the record says none, nothing left on disk', async () => {
    const folder = path.join(sim.service.recordingsDir, call.callId);
    expect(existsSync(folder)).toBe(true);
    const erased = await fetch(`${sim.service.baseUrl}/api/calls/${call.callId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(erased.status).toBe(204);
    expect((await getRecording(sim, call.callId)).response.status).toBe(404);
    expect(existsSync(folder)).toBe(false);
    const record = await call.record();
    expect(record?.recording).toBeNull();
    expect(record?.transcript).toEqual([]);
  });
  it('is removed by retention with its call, leaving nothing on disk', async () => {
    const second = await sim.dial();
    await second.untilAgentDone();
    second.phone.hangUp();
    await second.untilEnded();
    const folder = path.join(sim.service.recordingsDir, second.callId);
    expect(existsSync(path.join(folder, 'audio.wav'))).toBe(true);

    const later = new ManualClock(0, sim.clock.wallNow() + 3 * 86_400_000);
    const store = new PostgresCallStore({
      db: sim.service.storage.db,
      clock: later,
      defaultRole: 'Engineer',
      recordingsDir: sim.service.recordingsDir,
    });
    expect(await store.purgeOlderThan(1)).toBeGreaterThanOrEqual(1);
    expect(existsSync(folder)).toBe(false);
    expect((await getRecording(sim, second.callId)).response.status).toBe(404);
  });
});

describe('RECORD_AUDIO=0', () => {
  it('records nothing: no file, no recording in the record, 404 from the route', async () => {
    const sim = await startSimulation({ env: { API_KEY, RECORD_AUDIO: '0' } });
    try {
      const call = await sim.dial();
      await call.untilAgentDone();
      call.phone.hangUp();
      await call.untilEnded();
      expect(existsSync(path.join(sim.service.recordingsDir, call.callId))).toBe(false);
      expect((await call.record())?.recording).toBeNull();
      expect((await getRecording(sim, call.callId)).response.status).toBe(404);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
