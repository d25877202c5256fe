/**
 * Whole calls through the real service: the real server, store (PGlite in memory), Deepgram,
 * OpenAI and Twilio SDKs, against the protocol fakes. A simulated candidate answers the agent
 * on a shared clock: what it says is both audio (sent by the fake phone) and the transcript the
 * fake Deepgram produces for that audio at the same media time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallSummary } from '../src/call/call-summary.js';
import { loadConfig } from '../src/config.js';
import { type Clock, ManualClock } from '../src/lib/clock.js';
import { createLogger } from '../src/observability/logger.js';
import { type Service, startService } from '../src/service.js';
import type { CallRecord } from '../src/store/call-record.js';
import type { BargeInParams } from '../src/turns/barge-in-policy.js';
import { streamUrlFor } from '../src/twilio/twiml.js';
import { ActivityProbe, type ServiceRecording } from '../tools/replay/activity-probe.js';
import type { CallerVoice } from '../tools/replay/caller-voice.js';
import { ClockDriver } from '../tools/replay/clock-driver.js';
import {
  type DeepgramFake,
  type ListenSessionRecord,
  type SpokenWord,
  startDeepgramFake,
} from './fakes/deepgram-fake.js';
import type { ListenProfileChoice } from './fakes/deepgram-listen-profile.js';
import type { ListenFault, SpeakFault } from './fakes/fault-plan.js';
import { type FakeReply, type FakeRequest, type OpenAiFake, startOpenAiFake } from './fakes/openai-fake.js';
import { PhoneStream, postSignedWebhook } from './fakes/twilio-phone.js';
import { LogCapture } from './log-capture.js';
import { scriptedInterviewer } from './scripted-interviewer.js';
import { type SpeechSegment, speak } from './scripted-partials.js';

export const SIM_AUTH_TOKEN = 'sim-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://interviews.example.com';

export interface SimulationOptions {
  /** Default: a ManualClock, advanced by `SimCall.run`. */
  clock?: Clock;
  respond?: (request: FakeRequest, index: number) => FakeReply;
  llmFirstTokenMs?: number;
  llmTokenIntervalMs?: number;
  ttsFirstByteMs?: number;
  /** Deepgram's delay from audio to transcript, real ms. */
  sttLatencyMs?: number;
  /**
   * The fake TTS's audio for a text, e.g. faster speech so a benchmark call takes less time.
   * Default: the fake's tone, 70 ms a character.
   */
  ttsAudioFor?: (text: string) => Buffer | undefined;
  env?: Record<string, string>;
  bargeInParams?: Partial<BargeInParams>;
  logLevel?: string;
  /**
   * Needs a ManualClock (the default). Steps it with a ClockDriver (each 20 ms frame settles until
   * nothing is in flight) and paces the fakes' latencies (`llmFirstTokenMs`,
   * `llmTokenIntervalMs`, `ttsFirstByteMs`, TTS audio at 8× real time) on it, in clock ms: a
   * call recorded from such a simulation replays the same way. Default false.
   */
  paceOnClock?: boolean;
  /** The service's recording option (e.g. createCallRecording(…)), to record the calls. Default none. */
  recording?: ServiceRecording;
  /**
   * Deepgram's empty finals while nobody speaks, every this many ms of audio (0: none). A real
   * session sends them, and they keep the fake's result windows short. Default 0.
   */
  sttSilentFinalMs?: number;
  /**
   * A seeded Deepgram behaviour profile (testing/fakes/deepgram-listen-profile.ts); its lag and
   * jitter replace `sttLatencyMs`. Default none: the fixed cadence.
   */
  sttProfile?: ListenProfileChoice;
  /** Faults for listen session `index` (a 1011 close or a drop at an audio time). Default none. */
  sttFaultsFor?: (sessionIndex: number) => readonly ListenFault[];
  /** Faults for Aura requests (by text, index and voice); `deepgram.speakOptions.faultFor` may change it later. Default none. */
  ttsFaultFor?: (text: string | undefined, index: number, model: string | undefined) => SpeakFault | undefined;
}

export interface Simulation {
  service: Service;
  deepgram: DeepgramFake;
  openai: OpenAiFake;
  clock: Clock;
  logs: LogCapture;
  summaries: Map<string, CallSummary>;
  /**
   * A call through the voice webhook: inbound from `from`, or, with `interviewId`, the outbound
   * call of that stored interview answering (as Twilio requests the URL calls.create was given).
   */
  dial(options?: { from?: string; interviewId?: string }): Promise<SimCall>;
  close(): Promise<void>;
}

export async function startSimulation(options: SimulationOptions = {}): Promise<Simulation> {
  const clock = options.clock ?? new ManualClock(0, Date.UTC(2026, 10, 22, 9));
  /** Listen sessions that open a call (the rest are reconnects) and the calls dialed so far. */
  const firstSessions = new Set<number>();
  const simCalls: SimCall[] = [];
  const manual = clock instanceof ManualClock ? clock : undefined;
  const paced = options.paceOnClock === true && manual !== undefined;
  const deepgram = await startDeepgramFake({
    apiKey: 'dg-test-key',
    transcriptLatencyMs: options.sttLatencyMs ?? 0,
    speakFirstByteMs: options.ttsFirstByteMs ?? 0,
    silentFinalIntervalMs: options.sttSilentFinalMs ?? 0,
    ...(options.sttProfile ? { listenProfile: options.sttProfile } : {}),
    ...(options.ttsAudioFor ? { speakAudioFor: options.ttsAudioFor } : {}),
    // On a manual clock the fake's real-time pacing would stretch audio; deliver it at once.
    ...(options.clock || paced ? {} : { speakRealtimeFactor: 1000, speakChunkBytes: 8000 }),
    ...(paced ? { speakClock: clock } : {}),
    ...(options.sttFaultsFor ? { listenFaultsFor: options.sttFaultsFor } : {}),
    // A session after a fault hears the service's resent audio: find its words in the call it belongs to.
    ...(options.sttFaultsFor
      ? {
          listenLocateFor: (index: number) =>
            firstSessions.has(index)
              ? undefined
              : (audio: Buffer) => {
                  const session = deepgram.listenSessions[index];
                  for (const call of simCalls) {
                    const words = session && call.locateResent(session, audio);
                    if (words) return words;
                  }
                  return undefined;
                },
        }
      : {}),
  });
  if (options.ttsFaultFor) deepgram.speakOptions.faultFor = options.ttsFaultFor;
  const openai = await startOpenAiFake({
    apiKey: 'sk-test',
    respond: options.respond ?? scriptedInterviewer,
    firstTokenMs: options.llmFirstTokenMs ?? 0,
    tokenIntervalMs: options.llmTokenIntervalMs ?? 0,
    ...(paced ? { clock } : {}),
  });
  const config = loadConfig({
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN: SIM_AUTH_TOKEN,
    DEEPGRAM_API_KEY: 'dg-test-key',
    DEEPGRAM_API_URL: deepgram.url,
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openai.baseUrl,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sim-')),
    ...options.env,
  });
  const logs = new LogCapture();
  const summaries = new Map<string, CallSummary>();
  const phones: PhoneStream[] = [];
  const probe = new ActivityProbe();
  probe.addSource(() => deepgram.listenSessions.reduce((n, s) => n + s.bytesReceived + s.sent.length, 0));
  probe.addSource(() => deepgram.speakRequests.reduce((n, r) => n + 1 + r.bytesSent + (r.finished ? 1 : 0), 0));
  probe.addSource(() => openai.requests.reduce((n, r) => n + 1 + (r.completed ? 1 : 0) + (r.aborted ? 1 : 0), 0));
  probe.addSource(() =>
    phones.reduce((n, p) => n + p.received.length + p.marksEchoed.length + p.clears.length + p.heard.length, 0),
  );
  const driver = paced && manual ? new ClockDriver({ clock: manual, activity: () => probe.count }) : undefined;
  const service = await startService({
    config,
    clock,
    logger: createLogger(options.logLevel ?? 'info', logs),
    listenPort: 0,
    listenHost: '127.0.0.1',
    ...(options.bargeInParams ? { bargeInParams: options.bargeInParams } : {}),
    ...(driver || options.recording ? { recording: probe.recording(options.recording) } : {}),
    onCallEnded: (callId, summary) => summaries.set(callId, summary),
  });
  if (driver) {
    // The greeting's opening renders on the clock now: let it, as a live service would before its first call.
    let ready = false;
    void service.greetingReady.then(() => {
      ready = true;
    });
    await driver.runUntil(() => ready, { maxMs: 60_000 });
  }
  let calls = 0;
  return {
    service,
    deepgram,
    openai,
    clock,
    logs,
    summaries,
    async dial(dialOptions = {}) {
      const callSid = `CA${String(++calls).padStart(32, '0')}`;
      const answer = await postSignedWebhook({
        localBaseUrl: service.baseUrl,
        publicUrl: PUBLIC_URL,
        path: dialOptions.interviewId
          ? `/twilio/voice?interviewId=${encodeURIComponent(dialOptions.interviewId)}`
          : '/twilio/voice',
        authToken: SIM_AUTH_TOKEN,
        params: {
          CallSid: callSid,
          AccountSid: `AC${'1'.repeat(32)}`,
          From: dialOptions.from ?? '+14155550123',
          To: '+14155550100',
          CallStatus: 'ringing',
          Direction: dialOptions.interviewId ? 'outbound-api' : 'inbound',
        },
      });
      if (answer.status !== 200 || !answer.streamUrl) throw new Error(`voice webhook answered ${answer.status}`);
      const phone = new PhoneStream({
        localWsUrl: service.wsUrl,
        signedUrl: streamUrlFor(PUBLIC_URL),
        authToken: SIM_AUTH_TOKEN,
        clock,
        callSid,
        customParameters: answer.parameters,
      });
      await phone.connect();
      phones.push(phone);
      const sessionIndex = deepgram.listenSessions.length;
      firstSessions.add(sessionIndex);
      phone.start();
      const stt = await deepgram.waitForListenSession(sessionIndex);
      const callId = answer.parameters.callId ?? '';
      await driver?.settle();
      const call = new SimCall(phone, stt, clock, service, callId, () => summaries.get(callId), driver);
      simCalls.push(call);
      return call;
    },
    async close() {
      await service.close(0);
      await deepgram.close();
      await openai.close();
    },
  };
}

/** One simulated call: the candidate's side. */
export class SimCall {
  constructor(
    readonly phone: PhoneStream,
    readonly stt: ListenSessionRecord,
    readonly clock: Clock,
    private readonly service: Service,
    readonly callId: string,
    /** The call's summary once it ended and its record is stored. */
    readonly summary: () => CallSummary | undefined,
    /** Steps the clock when the simulation paces on it (`paceOnClock`). */
    private readonly driver?: ClockDriver,
  ) {}

  /** Media time the candidate's voiced speech queued so far ends, ms. */
  private voicedUntilMs = 0;
  /** Every word said through `say`, on the call's audio axis. */
  private readonly words: SpokenWord[] = [];
  /** Reconnected listen sessions of this call and where their audio time 0 sits on the call's axis. */
  private readonly resumed: { session: ListenSessionRecord; offsetS: number }[] = [];

  /**
   * The words of `audio` (what a reconnected session has heard so far) on that session's axis,
   * when it is this call's audio and can be placed: found by its bytes among what the phone sent
   * (the latest match of the whole stretch; silence alone cannot be placed). Registers the session for later words.
   */
  locateResent(session: ListenSessionRecord, audio: Buffer): SpokenWord[] | undefined {
    const firstVoiced = audio.findIndex((b) => b !== 0xff);
    if (firstVoiced < 0 || audio.length - firstVoiced < 8000) return undefined;
    // All of it, and its latest place: it ends about where the phone's audio ends now, so a
    // repeating stretch (equal words) cannot be placed a word too early or too late.
    const found = callerAudioSent(this.phone).lastIndexOf(audio);
    if (found < 0) return undefined;
    const offsetS = found / 8000;
    this.resumed.push({ session, offsetS });
    return this.words.filter((w) => w.startS >= offsetS - 1e-9).map((w) => shiftWord(w, -offsetS));
  }

  /**
   * The candidate speaks, starting `inMs` from now: the words go to the fake Deepgram's script
   * and matching audio (a voiced tone per word) to the phone. Returns where the first word
   * starts and the last one ends, media ms.
   */
  say(segments: readonly SpeechSegment[] | string, inMs = 100): { startMs: number; endMs: number } {
    const startS = (this.phone.mediaNowMs() + inMs) / 1000;
    const words = speak(typeof segments === 'string' ? [segments] : segments, { startS });
    const spoken = words.map((w) => ({ word: w.word, startS: w.startS, endS: w.endS, confidence: w.confidence }));
    this.words.push(...spoken);
    this.stt.say(spoken);
    for (const { session, offsetS } of this.resumed) session.say(spoken.map((w) => shiftWord(w, -offsetS)));
    const lastEndS = words.at(-1)?.endS ?? startS;
    const audio = Buffer.alloc(Math.ceil((lastEndS - this.phone.mediaNowMs() / 1000) * 8000), 0xff);
    for (const w of words) {
      const from = Math.max(0, Math.round((w.startS - this.phone.mediaNowMs() / 1000) * 8000));
      const to = Math.min(audio.length, Math.round((w.endS - this.phone.mediaNowMs() / 1000) * 8000));
      // The tone's period follows the word, so a stretch of several words can be found again in the call's audio.
      const period = tonePeriod(w.word);
      for (let i = from; i < to; i++) audio[i] = i % period < period / 2 ? 0x20 : 0xa0;
    }
    this.phone.say(audio);
    return { startMs: (words[0]?.startS ?? startS) * 1000, endMs: lastEndS * 1000 };
  }

  /**
   * The candidate speaks a line in a synthesised voice, starting `inMs` from now (or from the end
   * of the voiced line still being spoken): the exact word timings go to the fake Deepgram
   * (fillers such as "um" are heard but, as Deepgram does by default, not transcribed) and the
   * audio to the phone. See CallerVoice for the line syntax (`[pause 700]`).
   */
  async sayVoiced(voice: CallerVoice, text: string, inMs = 100): Promise<{ endMs: number }> {
    const speech = await voice.say(text);
    const nowMs = this.phone.mediaNowMs();
    // Still speaking (audio queued in the phone): the new line follows it, `inMs` later.
    const queuedUntilMs = Math.max(nowMs, this.voicedUntilMs);
    const startMs = queuedUntilMs + inMs;
    const startS = startMs / 1000;
    this.stt.say(
      speech.words
        .filter((w) => !w.filler)
        .map((w) => ({ word: w.word, startS: startS + w.startS, endS: startS + w.endS, confidence: 0.97 })),
    );
    const lead = Buffer.alloc(Math.round((inMs * 8000) / 1000), 0xff);
    this.phone.say(Buffer.concat([lead, speech.mulaw]));
    this.voicedUntilMs = startMs + speech.durationMs;
    return { endMs: this.voicedUntilMs };
  }

  /** Advances the call by `ms` of clock time, letting socket traffic through. */
  async run(ms: number): Promise<void> {
    if (this.driver) return this.driver.runFor(ms);
    const clock = this.clock;
    if (!(clock instanceof ManualClock)) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return;
    }
    for (let t = 0; t < ms; t += 20) {
      clock.advance(20);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Runs until the agent has been silent for `quietMs` after speaking (or `maxMs` passes). */
  async untilAgentDone(options: { quietMs?: number; maxMs?: number } = {}): Promise<void> {
    const quietMs = options.quietMs ?? 600;
    const deadline = this.clock.now() + (options.maxMs ?? 30_000);
    const heardBefore = this.phone.heardBytes;
    while (this.clock.now() < deadline) {
      await this.run(100);
      const last = this.phone.heard.at(-1);
      const playing = this.phone.bufferedMs > 0;
      if (this.phone.heardBytes > heardBefore && !playing && last && this.clock.now() - last.atMs >= quietMs) return;
      if (this.phone.closeCode !== undefined) return;
    }
  }

  /**
   * Runs until the service has stored the call and the phone has seen its stream closed (or
   * `maxMs`): on real sockets the close handshake can land after the summary.
   */
  async untilHungUp(maxMs = 60_000): Promise<CallSummary> {
    const deadline = this.clock.now() + maxMs;
    const summary = await this.untilEnded(maxMs);
    while (this.phone.closeCode === undefined && this.clock.now() < deadline) await this.run(100);
    return summary;
  }

  /** Runs until the call is over and its record stored, however it ended. */
  async untilEnded(maxMs = 60_000): Promise<CallSummary> {
    const deadline = this.clock.now() + maxMs;
    while (!this.summary() && this.clock.now() < deadline) await this.run(100);
    const summary = this.summary();
    if (!summary) throw new Error(`call did not end within ${maxMs} ms`);
    return summary;
  }

  /** The stage the record shows now. */
  async stage(): Promise<string | null> {
    return (await this.record())?.stage ?? null;
  }

  record(): Promise<CallRecord | null> {
    return this.service.storage.calls.getRecord(this.callId);
  }
}

function shiftWord(word: SpokenWord, byS: number): SpokenWord {
  return { ...word, startS: word.startS + byS, endS: word.endS + byS };
}

/** The caller audio the phone has sent, on the call's byte axis (frame at media time t holds bytes from (t/20 − 1)·160). */
function callerAudioSent(phone: PhoneStream): Buffer {
  const last = phone.spoken.at(-1);
  const length = Math.max(Math.floor(phone.mediaNowMs() / 20) * 160, last ? (last.atMs / 20) * 160 : 0);
  const audio = Buffer.alloc(length, 0xff);
  for (const frame of phone.spoken) frame.bytes.copy(audio, (frame.atMs / 20 - 1) * 160);
  return audio;
}

/** 4 to 14 bytes, from the word's letters. */
function tonePeriod(word: string): number {
  let hash = 0;
  for (const c of word) hash = (hash * 31 + c.charCodeAt(0)) % 9973;
  return 4 + (hash % 6) * 2;
}
