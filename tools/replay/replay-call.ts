/**
 * Replays a fixture through the real service: the Deepgram and OpenAI fakes answer from the
 * recording (provider-replay.ts), the replay phone plays the recorded Twilio side, and the real
 * server, adapters, orchestrator and store run in between. By default the service runs on a
 * ManualClock stepped a frame at a time as fast as the machine allows (clock-driver.ts), so a
 * fixture gives the same transcript and stage path every run; `speed` plays it on real timers
 * instead (1 = real time). The provider fakes pace their recorded latencies on the same clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallSummary } from '../../src/call/call-summary.js';
import { loadConfig } from '../../src/config.js';
import { type Clock, ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { startService } from '../../src/service.js';
import type { CallRecord } from '../../src/store/call-record.js';
import { startDeepgramFake } from '../../testing/fakes/deepgram-fake.js';
import { startOpenAiFake } from '../../testing/fakes/openai-fake.js';
import { ActivityProbe } from './activity-probe.js';
import { ClockDriver } from './clock-driver.js';
import type { Divergence } from './divergence.js';
import { callerFrames, type Fixture, type TimedAudio } from './fixture-reader.js';
import { createProviderReplay } from './provider-replay.js';
import { RecordWatcher, type ReplayEvent } from './record-watcher.js';
import { compareWithRecording } from './replay-check.js';
import { ReplayPhone } from './replay-phone.js';
import { scaledClock } from './scaled-clock.js';

export type { ReplayEvent } from './record-watcher.js';

export interface ReplayOptions {
  /** Real-time speed (1 = real time, 4 = four times faster). Default absent: the accelerated ManualClock. */
  speed?: number;
  /** DATA_DIR of the embedded database the call is stored in. Default a temporary folder, removed after. */
  dataDir?: string;
  /** The conversation as it happens: stages, transcript lines, turn latencies, divergences. */
  onEvent?: (event: ReplayEvent | { type: 'divergence'; divergence: Divergence }) => void;
  /** Media time reached, about four times a second of call. */
  onProgress?: (atMs: number, recordedMs: number) => void;
  /** The service's log level (logs go to stderr). Default 'silent'. */
  logLevel?: string;
  /** Clock time allowed past the recording's last line for the call to end, ms. Default 60000. */
  graceMs?: number;
}

export interface ReplayResult {
  callId: string;
  /** The replayed call's stored record. */
  record: CallRecord | null;
  summary: CallSummary | undefined;
  /** Requests the recording could not answer. */
  divergences: readonly Divergence[];
  /** How the replayed record differs from the recorded outcome (replay-check.ts). */
  differences: string[];
  /** The call ended by itself within the recording's length plus `graceMs`. */
  ended: boolean;
  /** The caller's audio and the agent audio the caller heard, in media time (for callWav). */
  audio: { caller: TimedAudio[]; agent: TimedAudio[] };
  /** Media time the call lasted, ms. */
  durationMs: number;
  /** `clear` messages the service sent the phone (barge-in). */
  clears: number;
}

const KEY = 'replay-key';
const AUTH_TOKEN = 'replay-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://replay.example.com';
/** Progress and the live record are looked at every this much media time, ms. */
const POLL_EVERY_MS = 250;

export async function replayFixture(fixture: Fixture, options: ReplayOptions = {}): Promise<ReplayResult> {
  const manual = options.speed === undefined ? new ManualClock(0, Date.now()) : undefined;
  const clock: Clock = manual ?? scaledClock(options.speed ?? 1);
  const probe = new ActivityProbe();
  let phone: ReplayPhone | undefined;
  const replay = createProviderReplay(fixture, { mediaNowMs: () => phone?.mediaNowMs() ?? 0 });
  replay.divergences.onDivergence((divergence) => options.onEvent?.({ type: 'divergence', divergence }));
  const deepgram = await startDeepgramFake({ apiKey: KEY, ...replay.deepgramOptions, speakClock: clock });
  const openai = await startOpenAiFake({ apiKey: KEY, respond: replay.openAiRespond, clock });
  probe.addSource(() => deepgram.listenSessions.reduce((n, s) => n + s.bytesReceived + s.sent.length, 0));
  probe.addSource(() => deepgram.speakRequests.reduce((n, r) => n + 1 + r.bytesSent + (r.finished ? 1 : 0), 0));
  probe.addSource(() => openai.requests.reduce((n, r) => n + 1 + (r.completed ? 1 : 0) + (r.aborted ? 1 : 0), 0));
  probe.addSource(() => {
    const s = phone?.stream;
    return s ? s.received.length + s.marksEchoed.length + s.clears.length + s.heard.length : 0;
  });

  const tempDir = options.dataDir ? undefined : await mkdtemp(path.join(tmpdir(), 'replay-'));
  const config = loadConfig({
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    DEEPGRAM_API_KEY: KEY,
    DEEPGRAM_API_URL: deepgram.url,
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: openai.baseUrl,
    DATA_DIR: options.dataDir ?? tempDir ?? '',
  });
  let summary: CallSummary | undefined;
  const service = await startService({
    config,
    clock,
    logger: createLogger(options.logLevel ?? 'silent', process.stderr),
    listenPort: 0,
    listenHost: '127.0.0.1',
    recording: probe.recording(),
    onCallEnded: (_callId, s) => {
      summary = s;
    },
  });
  const driver = manual ? new ClockDriver({ clock: manual, activity: () => probe.count }) : undefined;
  try {
    // The greeting's opening is rendered ahead, as in the recorded service, before the call.
    let greetingReady = false;
    void service.greetingReady.then(() => {
      greetingReady = true;
    });
    if (driver) await driver.runUntil(() => greetingReady, { maxMs: 60_000 });
    else await service.greetingReady;
    replay.tts.startCall();

    phone = await ReplayPhone.dial({
      fixture,
      clock,
      baseUrl: service.baseUrl,
      publicUrl: PUBLIC_URL,
      authToken: AUTH_TOKEN,
    });
    const callId = phone.webhook.parameters.callId ?? '';
    const sessions = deepgram.listenSessions.length;
    const wallAtStart = clock.wallNow();
    phone.play();
    // The clock stays put until the call is set up (its record read, STT connected), as a
    // live call's first frames only follow once Twilio has started the stream.
    await realTimeUntil(() => deepgram.listenSessions.length > sessions || phone?.stream.closeCode !== undefined);

    const watcher = new RecordWatcher(() => service.storage.calls.getRecord(callId), wallAtStart);
    const recordedMs = Math.max(0, ...fixture.lines.map((l) => l.atMs));
    let lastPollAt = -Infinity;
    const look = async (force = false) => {
      const atMs = phone?.mediaNowMs() ?? 0;
      if (!force && atMs - lastPollAt < POLL_EVERY_MS) return;
      lastPollAt = atMs;
      options.onProgress?.(atMs, recordedMs);
      for (const event of await watcher.poll()) options.onEvent?.(event);
    };
    const over = () => summary !== undefined && phone?.stream.closeCode !== undefined;
    const maxMs = recordedMs + (options.graceMs ?? 60_000);
    let ended: boolean;
    if (driver) ended = await driver.runUntil(over, { maxMs, everyStep: () => look() });
    else ended = await realTimeUntil(over, { maxMs: maxMs / (options.speed ?? 1), everyTick: () => look() });
    if (!ended) {
      phone.hangUp();
      if (driver) await driver.runUntil(() => summary !== undefined, { maxMs: 10_000 });
      else await realTimeUntil(() => summary !== undefined);
    }
    await look(true);
    const durationMs = phone.mediaNowMs();
    const record = await service.storage.calls.getRecord(callId);
    return {
      callId,
      record,
      summary,
      divergences: [...replay.divergences.list],
      differences: compareWithRecording(record, fixture.outcome),
      ended,
      audio: { caller: callerFrames(fixture), agent: phone.heardFrames() },
      durationMs,
      clears: phone.stream.clears.length,
    };
  } finally {
    if (phone && phone.stream.closeCode === undefined) phone.hangUp();
    await service.close(0);
    await deepgram.close();
    await openai.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

/** Waits in real time (10 ms ticks) until `done()` or `maxMs` of real time; returns whether it held. */
async function realTimeUntil(
  done: () => boolean,
  options: { maxMs?: number; everyTick?: () => Promise<void> } = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.maxMs ?? 10_000);
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    await options.everyTick?.();
  }
  return true;
}
