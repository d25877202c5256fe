import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { recordingSttProvider, recordingSynthesizer } from '../../src/recording/recording-providers.js';
import { DeepgramStt } from '../../src/stt/deepgram-stt.js';
import type { SttEvent, SttProvider } from '../../src/stt/stt-stream.js';
import { DeepgramTts } from '../../src/tts/deepgram-tts.js';
import {
  type DeepgramFake,
  expectedTtsAudio,
  type SpokenWord,
  startDeepgramFake,
} from '../../testing/fakes/deepgram-fake.js';
import { DivergenceLog } from '../../tools/replay/divergence.js';
import { type Fixture, readFixture } from '../../tools/replay/fixture-reader.js';
import { SttReplay } from '../../tools/replay/stt-replay.js';
import { TtsReplay } from '../../tools/replay/tts-replay.js';
import { removeTempDirs, startedRecorder, tempDir, until } from './replay-harness.js';

afterAll(removeTempDirs);

const fakes: DeepgramFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(options: Parameters<typeof startDeepgramFake>[0] = {}): Promise<DeepgramFake> {
  const started = await startDeepgramFake(options);
  fakes.push(started);
  return started;
}

const script: SpokenWord[] = [
  { word: 'I', startS: 0.4, endS: 0.5 },
  { word: 'built', startS: 0.55, endS: 0.8, interimText: 'bill' },
  { word: 'payment', startS: 0.85, endS: 1.2 },
  { word: 'systems.', startS: 1.25, endS: 1.7 },
  { word: 'Mostly', startS: 2.4, endS: 2.7 },
  { word: 'Go.', startS: 2.75, endS: 3.0 },
];
const FRAMES = 250; // 5 s of 20 ms frames
const frame = (i: number) => Buffer.alloc(160, i % 200);

/**
 * Runs the real Deepgram adapter (possibly wrapped) against `dg`, sending one frame at a time
 * and waiting until the adapter has every message the fake sent for it, so event times are exact.
 */
async function runStt(dg: DeepgramFake, wrap: (p: SttProvider) => SttProvider = (p) => p): Promise<SttEvent[]> {
  const events: SttEvent[] = [];
  const errors: Error[] = [];
  // One frame a message, so each frame's results can be awaited before the next.
  const stt = wrap(new DeepgramStt({ apiKey: 'k', apiUrl: dg.url, logger: createLogger('silent'), audioChunkMs: 20 }));
  const stream = stt.open({ onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
  const index = dg.listenSessions.length;
  const session = await dg.waitForListenSession(index);
  for (let i = 0; i < FRAMES; i++) {
    stream.sendAudio(frame(i));
    await until(() => session.bytesReceived === (i + 1) * 160, `frame ${i}`);
    await until(() => events.length === session.sent.length, `events after frame ${i}`);
  }
  await stream.close();
  expect(errors).toEqual([]);
  return events;
}

/** Float noise from the adapter's offset arithmetic is not a difference. */
function rounded(events: readonly SttEvent[]): unknown {
  return JSON.parse(JSON.stringify(events), (_k, v: unknown) =>
    typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v,
  );
}

async function recordScriptedCall(): Promise<{ fixture: Fixture; live: SttEvent[] }> {
  const dir = await tempDir();
  const recorder = startedRecorder(dir, systemClock);
  const scripted = await fake();
  scripted.enqueueScript(script);
  const live = await runStt(scripted, (p) => recordingSttProvider(p, recorder));
  await recorder.close();
  return { fixture: await readFixture(dir), live };
}

describe('Deepgram fake replay mode', () => {
  it('re-emits the recorded events at the recorded audio times, through the real adapter', async () => {
    const { fixture, live } = await recordScriptedCall();
    // The recording holds exactly what the port delivered, with the audio time it arrived at.
    expect(fixture.stt.map((l) => l.event)).toEqual(live);
    expect(live.some((e) => e.type === 'transcript' && !e.isFinal && e.text.includes('bill'))).toBe(true);
    expect(live.some((e) => e.type === 'utterance-end')).toBe(true);
    const finals = fixture.stt.filter((l) => l.event.type === 'transcript' && l.event.speechFinal);
    expect(finals.length).toBe(2);

    const replaying = await fake();
    const divergences = new DivergenceLog();
    const replay = new SttReplay(fixture.stt, { divergences, mediaNowMs: () => 0 });
    replaying.enqueueReplay(replay.eventsFor(0));
    const replayed = await runStt(replaying);

    expect(rounded(replayed)).toEqual(rounded(live));
    const session = replaying.listenSessions[0]!;
    const results = session.sent
      .map((m, i) => ({ type: m.type, atS: session.sentAtS[i] }))
      .filter((m) => m.type !== 'Metadata');
    expect(results.map((r) => r.atS)).toEqual(fixture.stt.map((l) => l.audioS));
    expect(session.replayPending).toBe(0);
    expect(divergences.count).toBe(0);
  });

  it('reports a divergence for an STT stream the recording does not have, and gives it no events', async () => {
    const { fixture } = await recordScriptedCall();
    const divergences = new DivergenceLog();
    const replay = new SttReplay(fixture.stt, { divergences, mediaNowMs: () => 1234 });
    expect(replay.eventsFor(1)).toEqual([]);
    expect(divergences.list).toEqual([
      { kind: 'stt', atMs: 1234, asked: 'STT stream #1 opened', recorded: '1 stream' },
    ]);
  });
});

describe('Deepgram speak fake replay mode', () => {
  const tts = (url: string) =>
    new DeepgramTts({
      apiKey: 'k',
      apiUrl: url,
      model: 'aura-2-thalia-en',
      logger: createLogger('silent'),
      clock: systemClock,
    });

  async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
    const all: Buffer[] = [];
    for await (const chunk of chunks) all.push(chunk);
    return Buffer.concat(all);
  }

  it('answers recorded texts with the recorded audio, and unknown texts with its tone and a divergence', async () => {
    const dir = await tempDir();
    const recorder = startedRecorder(dir, systemClock);
    // A "real" voice: audio that is not the fake's tone, so replay must have taken it from the recording.
    const voice = (text: string) => Buffer.alloc(text.length * 400, 0x5a);
    const recording = await fake({ speakAudioFor: voice });
    const synth = recordingSynthesizer(tts(recording.url), recorder, { model: 'aura-2-thalia-en', clock: systemClock });
    await collect(synth.synthesize('Thanks for joining.'));
    await collect(synth.synthesize('What did you build last?'));
    await recorder.close();
    const fixture = await readFixture(dir);

    let now = 0;
    const divergences = new DivergenceLog();
    const replay = new TtsReplay(fixture.tts, { divergences, mediaNowMs: () => now });
    replay.startCall();
    const replaying = await fake({ speakAudioFor: (text) => replay.audioFor(text) });
    const replayTts = tts(replaying.url);
    expect(
      (await collect(replayTts.synthesize('What did  you build last?'))).equals(voice('What did you build last?')),
    ).toBe(true);
    expect(divergences.count).toBe(0);

    now = 4200;
    const unknown = await collect(replayTts.synthesize('What did you ship last year?'));
    expect(unknown.equals(expectedTtsAudio('What did you ship last year?'))).toBe(true);
    expect(divergences.list).toEqual([
      { kind: 'tts', atMs: 4200, asked: 'What did you ship last year?', recorded: 'What did you build last?' },
    ]);
  });
});
