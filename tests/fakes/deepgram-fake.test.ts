import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type DeepgramFake, expectedTtsAudio, startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import {
  type EngineEvent,
  ListenEngine,
  type ListenQuerySettings,
  type SpokenWord,
} from '../../testing/fakes/deepgram-listen-engine.js';

const settings: ListenQuerySettings = {
  interimResults: true,
  endpointingMs: 300,
  utteranceEndMs: 1000,
  vadEvents: true,
  punctuate: true,
};

const hello: SpokenWord[] = [
  { word: 'Hello,', startS: 0.5, endS: 0.8 },
  { word: 'my', startS: 0.9, endS: 1.0 },
  { word: "name's", startS: 1.05, endS: 1.4, interimText: 'names' },
  { word: 'Sam.', startS: 1.5, endS: 1.9 },
];

/** Feeds audio in 20 ms frames, like Twilio, and stamps each event with the audio time it came out. */
function run(engine: ListenEngine, untilS: number): { atS: number; event: EngineEvent }[] {
  const out: { atS: number; event: EngineEvent }[] = [];
  for (let bytes = 160; bytes <= untilS * 8000; bytes += 160) {
    for (const event of engine.advance(bytes / 8000)) out.push({ atS: bytes / 8000, event });
  }
  return out;
}

type ResultsEvent = Extract<EngineEvent, { type: 'Results' }>;
const results = (events: { event: EngineEvent }[]) =>
  events.map((e) => e.event).filter((e): e is ResultsEvent => e.type === 'Results');

describe('listen engine cadence', () => {
  it('announces speech, sends interims every 250 ms of audio, finals at the endpoint, then UtteranceEnd', () => {
    const events = run(new ListenEngine(hello, settings), 4);
    expect(events[0]).toEqual({ atS: 0.5, event: { type: 'SpeechStarted', timestamp: 0.5 } });

    const interims = events.filter((e) => e.event.type === 'Results' && !e.event.isFinal);
    expect(interims.length).toBeGreaterThanOrEqual(4);
    // Stamped at frame ends: spacing is 250 ms of audio, give or take one 20 ms frame.
    for (let i = 1; i < interims.length; i++) {
      expect((interims[i]?.atS ?? 0) - (interims[i - 1]?.atS ?? 0)).toBeGreaterThanOrEqual(0.25 - 0.02);
    }

    const final = events.find((e) => e.event.type === 'Results' && e.event.isFinal);
    expect(final?.atS).toBeCloseTo(1.9 + 0.3, 5);
    expect(final?.event).toMatchObject({
      isFinal: true,
      speechFinal: true,
      start: 0,
      duration: 2.2,
      transcript: "Hello, my name's Sam.",
    });
    const utteranceEnd = events.find((e) => e.event.type === 'UtteranceEnd');
    expect(utteranceEnd).toEqual({ atS: 2.9, event: { type: 'UtteranceEnd', lastWordEnd: 1.9 } });
  });

  it('shows a word’s interimText in its first interim only, then the corrected word', () => {
    const interims = results(run(new ListenEngine(hello, settings), 3)).filter((r) => !r.isFinal);
    const withName = interims.filter((r) => r.words.length >= 3).map((r) => r.words[2]?.punctuated_word);
    expect(withName[0]).toBe('names');
    expect(withName.slice(1).length).toBeGreaterThan(0);
    expect(new Set(withName.slice(1))).toEqual(new Set(["name's"]));
  });

  it('cuts long unbroken speech into finals without speech_final every maxWindowMs', () => {
    const words: SpokenWord[] = [];
    for (let t = 0; t < 8; t += 0.4) words.push({ word: 'word', startS: t, endS: t + 0.35 });
    const finals = results(run(new ListenEngine(words, settings, { maxWindowMs: 3000 }), 9)).filter((r) => r.isFinal);
    expect(finals.map((f) => f.speechFinal)).toEqual([false, false, true]);
    expect(finals[1]?.start).toBeCloseTo((finals[0]?.start ?? 0) + (finals[0]?.duration ?? 0), 5);
    expect(finals.flatMap((f) => f.words)).toHaveLength(words.length);
  });

  it('never sets speech_final with endpointing=false, and sends empty finals on silence', () => {
    const events = run(
      new ListenEngine(hello, { ...settings, endpointingMs: false }, { silentFinalIntervalMs: 2000 }),
      8,
    );
    const finals = results(events).filter((r) => r.isFinal);
    expect(finals.some((f) => f.speechFinal)).toBe(false);
    expect(finals.some((f) => f.transcript === '' && f.duration >= 2)).toBe(true);
  });

  it('Finalize flushes the words heard so far as from_finalize', () => {
    const engine = new ListenEngine(hello, settings);
    run(engine, 1.2);
    const [flushed] = engine.finalize(true);
    expect(flushed).toMatchObject({ isFinal: true, fromFinalize: true, transcript: "Hello, my name's" });
  });
});

describe('deepgram fake over the wire', () => {
  let fake: DeepgramFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('refuses a listen socket without Authorization with 401', async () => {
    fake = await startDeepgramFake();
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/listen?model=nova-3`);
    const status = await new Promise<number | undefined>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('error', () => resolve(undefined));
    });
    expect(status).toBe(401);
    expect(fake.listenSessions).toHaveLength(0);
  });

  it('plays a script, counts KeepAlive, and answers CloseStream with a final and Metadata', async () => {
    fake = await startDeepgramFake();
    fake.enqueueScript(hello);
    const ws = new WebSocket(
      `${fake.url.replace('http', 'ws')}/v1/listen?encoding=mulaw&sample_rate=8000&interim_results=true&endpointing=300&vad_events=true&punctuate=true`,
      { headers: { Authorization: 'Token test-key' } },
    );
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'KeepAlive' }));
    ws.send(Buffer.alloc(8000 * 3, 0xff));
    ws.send(JSON.stringify({ type: 'CloseStream' }));
    const code = await new Promise<number>((resolve) => ws.on('close', resolve));

    expect(code).toBe(1000);
    const session = fake.listenSessions[0];
    expect(session?.query).toMatchObject({ encoding: 'mulaw', sample_rate: '8000', endpointing: '300' });
    expect(session?.headers.authorization).toBe('Token test-key');
    expect(session?.audioS).toBe(3);
    expect(session?.keepAlives).toBe(1);
    expect(messages[0]).toMatchObject({ type: 'SpeechStarted', timestamp: 0.5 });
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'Results', is_final: true, speech_final: true, start: 0, duration: 2.2 }),
    );
    expect(messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 3, channels: 1 });
  });

  it('closes an idle listen socket with 1011', async () => {
    fake = await startDeepgramFake({ idleTimeoutMs: 100 });
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/listen`, { headers: { Authorization: 'Token k' } });
    const code = await new Promise<number>((resolve) => ws.on('close', resolve));
    expect(code).toBe(1011);
    expect(fake.listenSessions[0]?.closeReason).toBe('idle-timeout');
  });

  it('speaks deterministic audio: raw with container=none, WAV-wrapped otherwise; enforces auth and length', async () => {
    fake = await startDeepgramFake();
    const speak = (query: string, body: unknown, auth = 'Token k') =>
      fetch(`${fake?.url}/v1/speak?${query}`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const raw = await speak('encoding=mulaw&sample_rate=8000&container=none', { text: 'Hi there.' });
    expect(Buffer.from(await raw.arrayBuffer()).equals(expectedTtsAudio('Hi there.'))).toBe(true);

    const wav = Buffer.from(await (await speak('encoding=mulaw&sample_rate=8000', { text: 'Hi' })).arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(44).equals(expectedTtsAudio('Hi'))).toBe(true);

    expect((await speak('container=none', { text: 'x'.repeat(2001) })).status).toBe(400);
    expect((await speak('container=none', { text: 'Hi' }, '')).status).toBe(401);
  });

  it('speaks over the socket: Flush sends audio then Flushed; Clear answers Cleared', async () => {
    fake = await startDeepgramFake();
    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/speak?model=aura-2-thalia-en&encoding=mulaw`, {
      headers: { Authorization: 'Token k' },
    });
    const audio: Buffer[] = [];
    const control: Record<string, unknown>[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) audio.push(data as Buffer);
      else control.push(JSON.parse(String(data)));
    });
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'Speak', text: 'Hello ' }));
    ws.send(JSON.stringify({ type: 'Speak', text: 'there.' }));
    ws.send(JSON.stringify({ type: 'Flush' }));
    await vi.waitFor(() => expect(control.map((m) => m.type)).toContain('Flushed'));
    ws.send(JSON.stringify({ type: 'Speak', text: 'Never flushed.' }));
    ws.send(JSON.stringify({ type: 'Clear' }));
    ws.send(JSON.stringify({ type: 'Close' }));
    await new Promise((resolve) => ws.on('close', resolve));

    expect(control.map((m) => m.type)).toEqual(['Metadata', 'Flushed', 'Cleared']);
    expect(control.slice(1).map((m) => m.sequence_id)).toEqual([0, 1]);
    expect(Buffer.concat(audio).equals(expectedTtsAudio('Hello there.'))).toBe(true);
    expect(fake.speakSockets[0]?.flushedTexts).toEqual(['Hello there.']);
  });
});
