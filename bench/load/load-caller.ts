/**
 * One caller of the load benchmark, in the callers' process: Twilio's side of a call to the
 * service process (signed webhook, signed Media Streams socket, real-time frames), with the
 * candidate's words scripted into the fake Deepgram's session for that call. Answers each stage
 * once the agent has been quiet, reads the stage from the recruiter API, and keeps what the
 * phone received, on performance.now().
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/lib/clock.js';
import { streamUrlFor } from '../../src/twilio/twiml.js';
import type { DeepgramFake, ListenSessionRecord } from '../../testing/fakes/deepgram-fake.js';
import { PhoneStream, postSignedWebhook } from '../../testing/fakes/twilio-phone.js';
import { speak } from '../../testing/scripted-partials.js';
import { answerFor, type Candidate } from '../scenarios.js';

export interface LoadTarget {
  baseUrl: string;
  wsUrl: string;
  publicUrl: string;
  authToken: string;
  apiKey: string;
  deepgram: DeepgramFake;
}

export interface LoadCallResult {
  index: number;
  /** The webhook turned the call away (at capacity) or the stream never started. */
  refused: boolean;
  callId: string;
  outcome: string | null;
  stage: string | null;
  /** performance.now() at the stream's start and when it closed. */
  startedAt: number;
  endedAt: number;
  /** performance.now() of each agent frame's arrival. */
  arrivals: number[];
  greetingMs: number | undefined;
  /** Caller's last word → first agent frame after it, ms, one per answer that got a reply. */
  voiceToVoiceMs: number[];
  closedByAgent: boolean;
  error?: string;
}

const RUN_ID = randomBytes(4).toString('hex');

/** Serialises the dials: the fake Deepgram's sessions are told apart by their order. */
let dialing: Promise<unknown> = Promise.resolve();

async function dial(
  target: LoadTarget,
  index: number,
): Promise<{ phone: PhoneStream; stt: ListenSessionRecord; callId: string } | undefined> {
  // Unique per run: on a PostgreSQL kept between runs, a CallSid seen before is that earlier call.
  const callSid = `CA${RUN_ID}${String(index + 1).padStart(24, '0')}`;
  const answer = await postSignedWebhook({
    localBaseUrl: target.baseUrl,
    publicUrl: target.publicUrl,
    path: '/twilio/voice',
    authToken: target.authToken,
    params: {
      CallSid: callSid,
      AccountSid: `AC${'1'.repeat(32)}`,
      From: `+1415555${String(index).padStart(4, '0')}`,
      To: '+14155550100',
      CallStatus: 'ringing',
      Direction: 'inbound',
    },
  });
  if (answer.status !== 200 || !answer.streamUrl) return undefined;
  const phone = new PhoneStream({
    localWsUrl: target.wsUrl,
    signedUrl: streamUrlFor(target.publicUrl),
    authToken: target.authToken,
    clock: systemClock,
    callSid,
    customParameters: answer.parameters,
  });
  await phone.connect();
  const sessionIndex = target.deepgram.listenSessions.length;
  phone.start();
  // A starved service may never open the call's Deepgram session: give up on the call, not the run.
  const stt = await Promise.race([
    target.deepgram.waitForListenSession(sessionIndex),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no Deepgram session in 30 s')), 30_000)),
  ]);
  return { phone, stt, callId: answer.parameters.callId ?? '' };
}

async function stageOf(target: LoadTarget, callId: string): Promise<{ stage: string | null; outcome: string | null }> {
  const res = await fetch(`${target.baseUrl}/api/calls/${encodeURIComponent(callId)}`, {
    headers: { authorization: `Bearer ${target.apiKey}` },
  });
  if (!res.ok) return { stage: null, outcome: null };
  const record = (await res.json()) as { stage?: string; outcome?: string | null };
  return { stage: record.stage ?? null, outcome: record.outcome ?? null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the agent has spoken and then been quiet for `quietMs`, or the call closed. */
async function untilAgentDone(phone: PhoneStream, quietMs: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  const before = phone.received.length;
  while (performance.now() < deadline && phone.closeCode === undefined) {
    await sleep(100);
    const last = phone.heard.at(-1);
    if (phone.received.length > before && phone.bufferedMs === 0 && last && performance.now() - last.atMs >= quietMs)
      return;
  }
}

export async function runLoadCall(
  target: LoadTarget,
  options: {
    index: number;
    candidate: Candidate;
    maxAnswers: number;
    quietMs: number;
    /** performance.now() past which the caller stops answering and hangs up (a run must end). */
    deadlineAt: number;
  },
): Promise<LoadCallResult> {
  const { index } = options;
  const turn = dialing.then(() => dial(target, index));
  dialing = turn.catch(() => undefined);
  const startedAt = performance.now();
  const dialed = await turn.catch((err: unknown) => ({ error: String(err) }));
  if (!dialed || 'error' in dialed) {
    return {
      index,
      refused: true,
      callId: '',
      outcome: null,
      stage: null,
      startedAt,
      endedAt: performance.now(),
      arrivals: [],
      greetingMs: undefined,
      voiceToVoiceMs: [],
      closedByAgent: false,
      ...(dialed && 'error' in dialed ? { error: dialed.error } : {}),
    };
  }
  const { phone, stt, callId } = dialed;
  const streamStart = performance.now() - phone.mediaNowMs();
  const answersEndAt: number[] = [];
  let stage: string | null = 'greeting';
  const perStage = new Map<string, number>();
  let extraUsed = 0;
  const left = () => Math.max(0, Math.min(60_000, options.deadlineAt - performance.now()));
  await untilAgentDone(phone, options.quietMs, left());
  for (let n = 0; n < options.maxAnswers && phone.closeCode === undefined && left() > 0; n++) {
    stage = (await stageOf(target, callId)).stage ?? stage;
    if (stage === 'ended' || stage === null) break;
    const i = perStage.get(stage) ?? 0;
    perStage.set(stage, i + 1);
    const segments = answerFor(options.candidate, stage, i, extraUsed);
    if (i >= (options.candidate.answers[stage as keyof Candidate['answers']]?.length ?? 0)) extraUsed++;
    answersEndAt.push(streamStart + say(phone, stt, segments));
    await untilAgentDone(phone, options.quietMs, left());
  }
  // The agent hangs up after its goodbye; a caller still on the line after that leaves.
  for (let i = 0; i < 300 && phone.closeCode === undefined && left() > 0; i++) await sleep(100);
  const closedByAgent = phone.closeCode !== undefined;
  if (!closedByAgent) phone.hangUp();
  const endedAt = performance.now();
  // The record is written in the background after the stream closes.
  let final = await stageOf(target, callId);
  for (let i = 0; i < 50 && final.outcome === null; i++) {
    await sleep(200);
    final = await stageOf(target, callId);
  }
  const arrivals = phone.received.map((f) => f.atMs);
  return {
    index,
    refused: false,
    callId,
    outcome: final.outcome,
    stage: final.stage,
    startedAt: streamStart,
    endedAt,
    arrivals,
    greetingMs: arrivals[0] === undefined ? undefined : arrivals[0] - streamStart,
    voiceToVoiceMs: answersEndAt
      .map((end) => arrivals.find((a) => a > end))
      .map((first, k) => (first === undefined ? undefined : first - answersEndAt[k]!))
      .filter((v): v is number => v !== undefined),
    closedByAgent,
  };
}

/** The candidate speaks 100 ms from now: words to the fake Deepgram, tones to the phone. Returns the last word's end, media ms. */
function say(phone: PhoneStream, stt: ListenSessionRecord, segments: Parameters<typeof speak>[0]): number {
  const nowS = phone.mediaNowMs() / 1000;
  const words = speak(segments, { startS: nowS + 0.1 });
  stt.say(words.map((w) => ({ word: w.word, startS: w.startS, endS: w.endS, confidence: w.confidence })));
  const lastEndS = words.at(-1)?.endS ?? nowS;
  const audio = Buffer.alloc(Math.ceil((lastEndS - nowS) * 8000), 0xff);
  for (const w of words) {
    const from = Math.max(0, Math.round((w.startS - nowS) * 8000));
    const to = Math.min(audio.length, Math.round((w.endS - nowS) * 8000));
    for (let i = from; i < to; i++) audio[i] = i % 8 < 4 ? 0x20 : 0xa0;
  }
  phone.say(audio);
  return lastEndS * 1000;
}
