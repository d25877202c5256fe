/**
 * Runs the commit router over seeded calls on a ManualClock, without sockets: caller answers
 * (caller-behaviours.ts) → the fake Deepgram engine under a profile (stt-timeline.ts) →
 * SttEvents at their arrival times → CommitRouter; the reply each commit would produce is
 * modelled from the provider latencies of issue 11, so the test can tell which commits the
 * caller would have heard.
 *
 * "Released": a commit is released when no `resumed` for its utterance arrives before its reply
 * could be audible. A reply can be audible at the earliest `EARLIEST_AUDIBLE_MS` after its
 * generation starts (LLM first token 300 ms + one 25 ms token + TTS first byte 150 ms + one
 * 20 ms frame); generation starts at the `speculate` the commit adopted (`speculated`), or at
 * the commit. A released commit's reply is audible at max(commit, generation start +
 * EARLIEST_AUDIBLE_MS); the router is told `replyHeard` then.
 */
import { ManualClock } from '../src/lib/clock.js';
import { type CommitDecision, CommitRouter, type CommitRouterStats } from '../src/turns/commit-router.js';
import { finalizesStt } from '../src/turns/stt-finalize.js';
import type { CallerAnswer } from './caller-behaviours.js';
import type { SpokenWord } from './fakes/deepgram-listen-engine.js';
import { type ListenProfileChoice, resolveProfile } from './fakes/deepgram-listen-profile.js';
import type { TimedSttEvent } from './scripted-partials.js';
import { SttSimulation } from './stt-timeline.js';
import { voiceTimeline } from './voice-timeline.js';

/** Issue 11's provider latencies, ms. */
export const PROVIDER_LATENCY = Object.freeze({
  llmFirstTokenMs: 300,
  llmTokenMs: 25,
  ttsFirstByteMs: 150,
  frameMs: 20,
});

/** Generation start → the reply's first audio at the caller, at the earliest (a one-token first clause). */
export const EARLIEST_AUDIBLE_MS =
  PROVIDER_LATENCY.llmFirstTokenMs +
  PROVIDER_LATENCY.llmTokenMs +
  PROVIDER_LATENCY.ttsFirstByteMs +
  PROVIDER_LATENCY.frameMs;

/** Generation start → first audio for a typical first clause of four tokens ("Thank you, Sam."). */
export const TYPICAL_AUDIBLE_MS =
  PROVIDER_LATENCY.llmFirstTokenMs +
  4 * PROVIDER_LATENCY.llmTokenMs +
  PROVIDER_LATENCY.ttsFirstByteMs +
  PROVIDER_LATENCY.frameMs;

/** One turn of a simulated call: the interview stage, the question asked, the answer. */
export interface SimTurn {
  stage: string;
  question: string;
  answer: CallerAnswer;
}

export interface ReleasedCommit {
  utteranceId: number;
  text: string;
  /** Audio seconds where the committed words ended. */
  lastWordEndS: number;
  committedAtMs: number;
  /** When the reply could first be heard (earliest model). */
  audibleAtMs: number;
  /** When it would typically be heard (TYPICAL_AUDIBLE_MS). */
  typicalAudibleAtMs: number;
  speculated: boolean;
}

export interface TurnOutcome {
  turn: SimTurn;
  /** Released commits whose reply became audible between this answer's first word and the next turn. */
  released: ReleasedCommit[];
  /** Released before the answer's last word had started: the caller heard the agent mid-answer. */
  premature: ReleasedCommit[];
  /** The released commit that answered the whole answer (audible after its last word), if any. */
  final: ReleasedCommit | undefined;
  /** final.typicalAudibleAtMs − the answer's last word end, ms. */
  firstAudioMs: number | undefined;
}

export interface CallOutcome {
  turns: TurnOutcome[];
  decisions: { atMs: number; decision: CommitDecision }[];
  stats: CommitRouterStats;
}

export interface SimulateCallOptions {
  /** Run the local VAD on the caller's (synthetic) audio and feed the router its events. Default true, as a call does. */
  vad?: boolean;
  /** Ask the STT to finalize when the VAD hears the caller stop (finalizesStt). Default true, as a call does. */
  finalize?: boolean;
}

/** Runs one call: every turn's words through the profile's STT (and the VAD) into a fresh router. */
export function simulateCall(
  turns: readonly SimTurn[],
  stt: ListenProfileChoice,
  options: SimulateCallOptions = {},
): CallOutcome {
  const words: SpokenWord[] = turns.flatMap((t) => t.answer.words);
  const voice = options.vad === false ? [] : voiceTimeline(words, stt.seed);
  const sttSession = new SttSimulation(words, stt);
  const clock = new ManualClock();
  const decisions: { atMs: number; decision: CommitDecision }[] = [];
  const released: ReleasedCommit[] = [];
  /** Generation start of the reply the router's current speculation would adopt. */
  let speculatedAtMs: number | undefined;
  let pending: { commit: ReleasedCommit; timer: { cancel(): void } } | undefined;
  let turnIndex = -1;

  const router: CommitRouter = new CommitRouter({
    clock,
    // `off` is a session opened without punctuate/smart_format; every other profile was asked.
    punctuationRequested: resolveProfile(stt.profile).punctuation !== 'off',
    onDecision: (decision) => {
      const now = clock.now();
      decisions.push({ atMs: now, decision });
      switch (decision.type) {
        case 'speculate':
          speculatedAtMs = now;
          return;
        case 'speculation-invalidated':
          speculatedAtMs = undefined;
          return;
        case 'commit': {
          const startMs = decision.speculated && speculatedAtMs !== undefined ? speculatedAtMs : now;
          speculatedAtMs = undefined;
          const commit: ReleasedCommit = {
            utteranceId: decision.utteranceId,
            text: decision.text,
            lastWordEndS: decision.lastWordEndS,
            committedAtMs: now,
            audibleAtMs: Math.max(now, startMs + EARLIEST_AUDIBLE_MS),
            typicalAudibleAtMs: Math.max(now, startMs + TYPICAL_AUDIBLE_MS),
            speculated: decision.speculated,
          };
          const timer = clock.setTimeout(() => {
            pending = undefined;
            released.push(commit);
            router.replyHeard(commit.utteranceId);
          }, commit.audibleAtMs - now);
          pending = { commit, timer };
          return;
        }
        case 'resumed':
          speculatedAtMs = undefined;
          if (pending?.commit.utteranceId === decision.utteranceId) {
            pending.timer.cancel();
            pending = undefined;
          }
          return;
        default: {
          const unreachable: never = decision;
          return unreachable;
        }
      }
    },
  });

  const untilMs = (words.at(-1)?.endS ?? 0) * 1000 + 6000;
  const sttUntilMs = (words.at(-1)?.endS ?? 0) * 1000 + 4000;
  /** STT results on their way, in arrival order. */
  const arriving: TimedSttEvent[] = [];
  const at = (atMs: number) => {
    // A turn's stage and question are set as the agent asks it, before its answer starts.
    while (turnIndex + 1 < turns.length && turns[turnIndex + 1]!.answer.startS * 1000 - 200 <= atMs) {
      advanceTo(clock, turns[turnIndex + 1]!.answer.startS * 1000 - 200);
      turnIndex += 1;
      const turn = turns[turnIndex]!;
      router.setStage(turn.stage);
      router.setQuestion(turn.question);
    }
    advanceTo(clock, atMs);
  };
  /** Results that have arrived by `atMs` (the same instant included: they were sent earlier). */
  const deliverUntil = (atMs: number) => {
    while (arriving.length > 0 && arriving[0]!.atMs <= atMs) {
      const next = arriving.shift()!;
      at(next.atMs);
      router.handle(next.event);
    }
  };
  let voiceIndex = 0;
  // The service's loop: a 20 ms frame at a time, the VAD on it, its audio to the STT.
  for (let frameEndMs = 20; frameEndMs <= sttUntilMs || arriving.length > 0; frameEndMs += 20) {
    deliverUntil(frameEndMs);
    if (frameEndMs <= sttUntilMs) arriving.push(...sttSession.sendUntil(frameEndMs));
    while (voiceIndex < voice.length && voice[voiceIndex]!.atMs <= frameEndMs) {
      const { atMs, event } = voice[voiceIndex++]!;
      at(atMs);
      router.voice(event);
      if (options.finalize !== false && frameEndMs <= sttUntilMs && finalizesStt(event)) {
        arriving.push(...sttSession.finalize(atMs));
      }
    }
  }
  advanceTo(clock, untilMs);
  router.dispose();
  return { turns: turns.map((turn, i) => judgeTurn(turn, turns[i + 1], released)), decisions, stats: router.stats };
}

function judgeTurn(turn: SimTurn, next: SimTurn | undefined, released: readonly ReleasedCommit[]): TurnOutcome {
  const { answer } = turn;
  const fromMs = answer.startS * 1000;
  const untilMs = next ? next.answer.startS * 1000 : Number.POSITIVE_INFINITY;
  const lastStartMs = (answer.words.at(-1)?.startS ?? 0) * 1000;
  const mine = released.filter((c) => c.audibleAtMs >= fromMs && c.audibleAtMs < untilMs);
  const premature = mine.filter((c) => c.audibleAtMs < lastStartMs);
  const final = mine.find((c) => c.audibleAtMs >= lastStartMs);
  const firstAudioMs = final ? final.typicalAudibleAtMs - answer.endS * 1000 : undefined;
  return { turn, released: mine, premature, final, firstAudioMs };
}

function advanceTo(clock: ManualClock, atMs: number): void {
  if (atMs > clock.now()) clock.advance(atMs - clock.now());
}
