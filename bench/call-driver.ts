/**
 * Drives one benchmark call through the simulator (the real service, SDKs and fakes, on the
 * system clock) as a candidate: answers each stage when the agent has finished speaking, and
 * optionally talks over the agent's replies. Keeps what the phone saw, on performance.now().
 */
import type { CallSummary } from '../src/call/call-summary.js';
import type { SimCall, Simulation } from '../testing/call-simulator.js';
import type { SpeechSegment } from '../testing/scripted-partials.js';
import { answerFor, type Candidate, type Interjection, textOf } from './scenarios.js';

export type Scenario = 'fluent' | 'hesitant' | 'talk-over';

/** Something the caller said, on the call's media clock (ms since the stream started). */
export interface Utterance {
  kind: 'answer' | Interjection['kind'];
  segments: SpeechSegment[];
  text: string;
  startMs: number;
  endMs: number;
}

export interface CallObservation {
  scenario: Scenario;
  candidate: string;
  callId: string;
  /** performance.now() at media time 0 (the stream's `start`). */
  startedAt: number;
  endedAt: number;
  summary: CallSummary;
  transcript: { role: string; text: string; interrupted: boolean }[];
  utterances: Utterance[];
  /** Interjections not made because the agent had already stopped talking. */
  interjectionsSkipped: number;
  /** performance.now() of each agent frame the phone received, started playing, and of each clear. */
  received: number[];
  heard: number[];
  clears: number[];
  /** Stream start → first agent frame at the phone, ms. */
  greetingMs: number | undefined;
}

export interface CallPlan {
  scenario: Scenario;
  candidate: Candidate;
  /** Talk-over after the n-th answer's reply has played for a while. */
  interjections?: readonly Interjection[];
  /** Answers before the caller hangs up (if the interview has not ended). */
  maxAnswers: number;
  /** Called once the greeting has been heard, before the first answer. */
  afterGreeting?: () => void;
  /**
   * Agent silence that ends its turn, ms. Default 600: longer than any gap a hold on the
   * caller's voice leaves (≤ ~60 ms).
   */
  agentDoneQuietMs?: number;
}

export async function runCall(sim: Simulation, plan: CallPlan): Promise<CallObservation> {
  const call = await sim.dial();
  const startedAt = performance.now() - call.phone.mediaNowMs();
  const utterances: Utterance[] = [];
  let interjectionsSkipped = 0;
  const quiet = { quietMs: plan.agentDoneQuietMs ?? 600 };
  await call.untilAgentDone(quiet);
  plan.afterGreeting?.();
  const perStage = new Map<string, number>();
  let extraUsed = 0;
  for (let n = 0; n < plan.maxAnswers && !call.summary(); n++) {
    const stage = (await call.stage()) ?? 'greeting';
    if (stage === 'ended') break;
    const index = perStage.get(stage) ?? 0;
    perStage.set(stage, index + 1);
    const segments = answerFor(plan.candidate, stage, index, extraUsed);
    if (index >= (plan.candidate.answers[stage as keyof Candidate['answers']]?.length ?? 0)) extraUsed++;
    utterances.push(say(call, 'answer', segments, 100));
    const interjection = plan.interjections?.[n];
    if (interjection) {
      const made = await interject(call, interjection, utterances);
      if (!made) interjectionsSkipped++;
    }
    await call.untilAgentDone(quiet);
  }
  if (!call.summary()) call.phone.hangUp();
  const summary = await call.untilEnded(30_000);
  const record = await call.record();
  const phone = call.phone;
  return {
    scenario: plan.scenario,
    candidate: plan.candidate.name,
    callId: call.callId,
    startedAt,
    endedAt: performance.now(),
    summary,
    transcript: (record?.transcript ?? []).map((l) => ({ role: l.role, text: l.text, interrupted: !!l.interrupted })),
    utterances,
    interjectionsSkipped,
    received: phone.received.map((f) => f.atMs),
    heard: phone.heard.map((f) => f.atMs),
    clears: [...phone.clears],
    greetingMs: phone.received[0] ? phone.received[0].atMs - startedAt : undefined,
  };
}

/** A call that only measures the greeting: hangs up once the first agent frame arrived. */
export async function probeGreeting(sim: Simulation): Promise<number | undefined> {
  const call = await sim.dial();
  const startedAt = performance.now() - call.phone.mediaNowMs();
  for (let i = 0; i < 300 && call.phone.received.length === 0; i++) await call.run(10);
  const first = call.phone.received[0];
  call.phone.hangUp();
  await call.untilEnded(10_000);
  return first ? first.atMs - startedAt : undefined;
}

function say(call: SimCall, kind: Utterance['kind'], segments: SpeechSegment[], inMs: number): Utterance {
  const { startMs, endMs } = call.say(segments, inMs);
  return { kind, segments, text: textOf(segments), startMs, endMs };
}

/**
 * Waits for the agent's reply to the last answer to be playing `afterMs`, then talks over it.
 * After a barge-in, waits out the caller's own words so the next answer cannot overlap them.
 */
async function interject(call: SimCall, interjection: Interjection, utterances: Utterance[]): Promise<boolean> {
  const answerEnd = utterances.at(-1)?.endMs ?? 0;
  const replyStarted = () => call.phone.heard.some((f) => f.atMs - startOf(call) >= answerEnd);
  for (let i = 0; i < 500 && !replyStarted(); i++) await call.run(20);
  if (!replyStarted()) return false;
  await call.run(interjection.afterMs);
  const lastHeard = call.phone.heard.at(-1)?.atMs ?? 0;
  const agentTalking = call.phone.bufferedMs > 0 || performance.now() - lastHeard < 60;
  if (!agentTalking) return false;
  const utterance = say(call, interjection.kind, [interjection.words], 0);
  utterances.push(utterance);
  if (interjection.kind === 'barge-in') await call.run(Math.max(0, utterance.endMs - call.phone.mediaNowMs()) + 50);
  return true;
}

function startOf(call: SimCall): number {
  return performance.now() - call.phone.mediaNowMs();
}
