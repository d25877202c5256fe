import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DeepgramFake, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import {
  LLM_FAULT_KINDS,
  llmFaultReply,
  seededListenFault,
  seededSpeakFault,
  withLlmFaults,
} from '../../testing/fakes/fault-plan.js';

describe('fault injection in the fakes', () => {
  let fake: DeepgramFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const speak = (text: string, model = 'aura-2-thalia-en') =>
    fetch(`${fake?.url}/v1/speak?model=${model}&encoding=mulaw&container=none`, {
      method: 'POST',
      headers: { Authorization: 'Token k', 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });

  it('fails the speak requests the plan names, with an HTTP error or a reset socket', async () => {
    fake = await startDeepgramFake({ speakRealtimeFactor: 1000 });
    fake.speakOptions.faultFor = (text) =>
      text === 'Broken.'
        ? { kind: 'status', status: 503 }
        : text === 'Reset.'
          ? { kind: 'reset', afterBytes: 0 }
          : undefined;
    const ok = await speak('Fine.');
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const broken = await speak('Broken.');
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({ err_code: 'FAKE_FAULT' });
    await expect(speak('Reset.').then((r) => r.arrayBuffer())).rejects.toThrow();
  });

  it('fails one voice (the `model` query parameter) while another answers', async () => {
    fake = await startDeepgramFake({ speakRealtimeFactor: 1000 });
    fake.speakOptions.faultFor = (_text, _index, model) =>
      model === 'aura-2-thalia-en' ? { kind: 'status', status: 503 } : undefined;
    expect((await speak('Hello.')).status).toBe(503);
    const other = await speak('Hello.', 'aura-2-orion-en');
    expect(other.status).toBe(200);
    expect((await other.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(fake.speakRequests.map((r) => [r.query.model, r.status])).toEqual([
      ['aura-2-thalia-en', 503],
      ['aura-2-orion-en', 200],
    ]);
  });

  it('resets a speak answer in the middle of its audio', async () => {
    fake = await startDeepgramFake({ speakRealtimeFactor: 1000 });
    fake.speakOptions.faultFor = () => ({ kind: 'reset', afterBytes: 1600 });
    const res = await speak('A long enough line to span several chunks of audio.');
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(fake.speakRequests[0]?.bytesSent).toBe(1600);
  });

  for (const kind of ['close-1011', 'drop'] as const) {
    it(`strikes a listen fault (${kind}) once the session has that much audio`, async () => {
      fake = await startDeepgramFake({ listenFaultsFor: (i) => (i === 0 ? [{ atAudioS: 0.5, kind }] : []) });
      const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/listen?encoding=mulaw&sample_rate=8000`, {
        headers: { Authorization: 'Token k' },
      });
      await once(ws, 'open');
      const closed = once(ws, 'close');
      for (let i = 0; i < 50 && ws.readyState === ws.OPEN; i++) {
        ws.send(Buffer.alloc(160, 0xff));
        await new Promise((r) => setTimeout(r, 2));
      }
      const [code] = (await closed) as [number];
      expect(code).toBe(kind === 'drop' ? 1006 : 1011);
      const session = fake.listenSessions[0]!;
      expect(session.closeReason).toBe(kind === 'drop' ? 'fault-drop' : 'fault-1011');
      expect(session.audioS).toBeGreaterThanOrEqual(0.5);
      expect(session.audioS).toBeLessThan(0.5 + 0.02 + 1e-9);
    });
  }

  it('draws the same fault for the same seed, and covers every kind over seeds', () => {
    for (let seed = 1; seed <= 50; seed++) {
      expect(seededSpeakFault(seed), `seed ${seed}`).toEqual(seededSpeakFault(seed));
      const listen = seededListenFault(seed, 1, 3);
      expect(listen.atAudioS, `seed ${seed}`).toBeGreaterThanOrEqual(1);
      expect(listen.atAudioS, `seed ${seed}`).toBeLessThanOrEqual(3);
    }
    const kinds = new Set(Array.from({ length: 50 }, (_, s) => seededSpeakFault(s + 1).kind));
    expect([...kinds].sort()).toEqual(['reset', 'status']);
    for (const kind of LLM_FAULT_KINDS) expect(llmFaultReply(kind)).toBeDefined();
    const respond = withLlmFaults(
      () => ({ text: 'normal' }),
      (_r, i) => (i === 1 ? llmFaultReply('http-500') : undefined),
    );
    const req = {} as Parameters<typeof respond>[0];
    expect([respond(req, 0), respond(req, 1), respond(req, 2)]).toEqual([
      { text: 'normal' },
      { status: 500 },
      { text: 'normal' },
    ]);
  });
});
