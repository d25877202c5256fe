/**
 * Turns one observed call (+ what the wire tap saw at the provider fakes) into per-turn figures:
 * latency from the product's own media-clock marks, the same checked at the phone against the
 * scripted speech, our own processing between providers, premature commits the caller heard,
 * barge-in stop times and backchannels that stopped the agent. Also extracts, per turn, what a
 * naive pipeline needs to redo the same turn (the utterance, the LLM requests, the spoken text).
 */
import { omitUndefined } from '../src/lib/omit-undefined.js';
import { sameMeaning } from '../src/turns/same-meaning.js';
import type { SpeechSegment } from '../testing/scripted-partials.js';
import type { CallObservation, Scenario, Utterance } from './call-driver.js';
import { lastUserText, streamedText, type TappedLlmRequest, type TappedTtsRequest, type WireTap } from './wire-tap.js';

/** Our processing between providers in one turn, ms (see `processingOf`). */
export interface Processing {
  /** Commit → LLM request at the fake (turns not answered by a speculation). */
  commitToLlmMs?: number;
  /** Commit → TTS request at the fake (turns answered by a fixed line, no LLM). */
  commitToTtsMs?: number;
  /** LLM reply with a tool call ended → the follow-up LLM request at the fake. */
  toolFollowUpMs?: number;
  /** The LLM event that completed the first speakable chunk → its TTS request at the fake. */
  llmToTtsMs?: number;
  /** TTS first audio written (or the commit, if later: held speculation) → first frame at the phone. */
  ttsToPhoneMs?: number;
  /** The parts of the above that lie after the commit: what the caller waits on us for. */
  criticalPathMs: number;
}

export interface TurnFigures {
  scenario: Scenario;
  turn: number;
  speculative: boolean;
  llmRequests: number;
  commitDelayMs?: number;
  voiceToVoiceSentMs?: number;
  voiceToVoiceHeardMs?: number;
  /** Scripted end of the caller's words → first agent frame received by the phone. */
  phoneVoiceToVoiceMs?: number;
  /** Speech end → the first LLM request of the turn at the fake (negative: sent before the end). */
  speechEndToLlmRequestMs?: number;
  /** From the product's marks: commit → LLM first token → TTS first byte → first frame sent. */
  commitToFirstTokenMs?: number;
  firstTokenToTtsByteMs?: number;
  ttsByteToSentMs?: number;
  processing?: Processing;
}

export interface BaselineTurn {
  key: string;
  scenario: Scenario;
  segments: SpeechSegment[];
  /** The LLM requests our service made for this turn, in order (a tool call brings a second). */
  requests: TappedLlmRequest['body'][];
  /** What the agent said first in answer. */
  spokenText: string;
  ours: TurnFigures;
}

export interface CallFigures {
  turns: TurnFigures[];
  /** Turns whose wire records could not be matched (left out of the processing figures). */
  unmatched: number;
  answers: number;
  /** Answers during which agent audio started playing before the caller had finished. */
  prematureHeard: number;
  /** Onset → clear at the phone; → end of the last agent frame the caller heard; as the service measured it. */
  bargeIns: { phoneStopMs?: number; earStopMs?: number; productStopMs?: number }[];
  /**
   * `cleared`: a clear went out within 3 s of the onset; `stopped`: the reply was abandoned (no
   * audio within 1.5 s of that clear); `gapMs`: the longest silence between the agent frames the
   * caller heard in the 1.5 s after the onset (> 120 ms is audible).
   */
  backchannels: { cleared: boolean; stopped: boolean; gapMs?: number }[];
  baseline: BaselineTurn[];
}

/** Frames this close are "the same instant" across the media clock and performance.now(), ms. */
const MATCH_TOLERANCE_MS = 30;

export function analyseCall(obs: CallObservation, tap: WireTap): CallFigures {
  const toPerf = (mediaMs: number) => obs.startedAt + mediaMs;
  const inCall = (t: number) => t >= obs.startedAt && t <= obs.endedAt;
  const llm = tap.llm.filter((r) => inCall(r.arrivedAt));
  const tts = tap.tts.filter((r) => inCall(r.arrivedAt));
  const candidateLines = obs.transcript.filter((l) => l.role === 'candidate');
  const spoken = obs.utterances.filter((u) => u.kind !== 'backchannel');
  const figures: CallFigures = {
    turns: [],
    unmatched: 0,
    answers: 0,
    prematureHeard: 0,
    bargeIns: [],
    backchannels: [],
    baseline: [],
  };

  for (const t of obs.summary.turns) {
    const turn: TurnFigures = {
      scenario: obs.scenario,
      turn: t.turn,
      speculative: t.speculative === true,
      llmRequests: 0,
      ...omitUndefined({
        commitDelayMs: t.commitDelayMs,
        voiceToVoiceSentMs: t.voiceToVoiceSentMs,
        voiceToVoiceHeardMs: t.voiceToVoiceHeardMs,
        commitToFirstTokenMs: span(t.commitAt, t.llmFirstTokenAt),
        firstTokenToTtsByteMs: span(t.llmFirstTokenAt, t.ttsFirstByteAt),
        ttsByteToSentMs: span(t.ttsFirstByteAt, t.firstAudioSentAt),
      }),
    };
    figures.turns.push(turn);
    const text = candidateLines[t.turn - 1]?.text;
    if (t.commitAt === undefined || t.firstAudioSentAt === undefined || text === undefined) continue;
    const commit = toPerf(t.commitAt);
    const utterance = spoken.filter((u) => toPerf(u.startMs) < commit).at(-1);
    const chain = requestChain(llm, text, commit, turn.speculative);
    turn.llmRequests = chain.length;
    if (chain[0] && t.speechEndAt !== undefined)
      turn.speechEndToLlmRequestMs = round(chain[0].arrivedAt - toPerf(t.speechEndAt));
    const wire =
      chain.length > 0 ? wireProcessing(chain, tts, obs.received, commit) : fixedLine(tts, obs.received, commit);
    if (wire && Math.abs(wire.firstFrameAt - toPerf(t.firstAudioSentAt)) <= MATCH_TOLERANCE_MS) {
      turn.processing = wire.processing;
      if (utterance) turn.phoneVoiceToVoiceMs = round(wire.firstFrameAt - toPerf(utterance.endMs));
    } else {
      figures.unmatched++;
    }
    const reply = obs.transcript
      .slice(obs.transcript.indexOf(candidateLines[t.turn - 1]!) + 1)
      .find((l) => l.role === 'agent');
    if (utterance && chain.length > 0 && reply) {
      figures.baseline.push({
        key: `${obs.callId}#${t.turn}`,
        scenario: obs.scenario,
        segments: utterance.segments,
        requests: chain.map((r) => r.body),
        spokenText: reply.text,
        ours: turn,
      });
    }
  }

  for (const u of obs.utterances) {
    const onset = toPerf(u.startMs);
    if (u.kind === 'answer') {
      figures.answers++;
      // The agent was silent when the answer began, so any agent audio played before its last
      // word came from a commit made while the caller was still talking.
      if (obs.heard.some((at) => at > onset && at < toPerf(u.endMs))) figures.prematureHeard++;
    } else if (u.kind === 'barge-in') {
      const clear = obs.clears.find((at) => at >= onset - 20 && at <= onset + 5000);
      // Stopped for good at the clear: a hold's short silence before it (released) is not the stop.
      const silentFrom =
        clear === undefined ? endOfPlayback(obs.heard, onset) : lastHeardBefore(obs.heard, onset, clear);
      figures.bargeIns.push(
        omitUndefined({
          phoneStopMs: clear === undefined ? undefined : round(clear - onset),
          earStopMs: silentFrom === undefined ? undefined : round(silentFrom - onset),
        }),
      );
    } else {
      // The hold stops feeding without a clear: what the caller hears is the gap, if any.
      const clear = obs.clears.find((at) => at >= onset - 20 && at <= onset + 3000);
      const resumed = clear === undefined ? undefined : obs.heard.find((at) => at > clear);
      const stopped = clear !== undefined && (resumed === undefined || resumed - clear > 1500);
      const heard = obs.heard.filter((at) => at >= onset - 20 && at <= onset + 1500);
      const gaps = heard.slice(1).map((at, i) => at - heard[i]! - 20);
      figures.backchannels.push(
        omitUndefined({
          cleared: clear !== undefined,
          stopped,
          gapMs: gaps.length ? round(Math.max(...gaps)) : undefined,
        }),
      );
    }
  }
  obs.summary.bargeIns.forEach((b, i) => {
    const entry = figures.bargeIns[i];
    if (entry) entry.productStopMs = b.stopMs;
    else figures.bargeIns.push({ productStopMs: b.stopMs });
  });
  return figures;
}

/**
 * The LLM requests that produced a turn's reply: the one answering the committed text (sent
 * before the commit when a speculation was used, else the first after it; the same words by
 * `sameMeaning`), then any follow-up
 * a tool call brought (same candidate line, sent after the previous answer ended).
 */
export function requestChain(
  llm: TappedLlmRequest[],
  text: string,
  commit: number,
  speculative: boolean,
): TappedLlmRequest[] {
  // A speculation's request carries the interim's wording; the product adopted it because the
  // final means the same (sameMeaning), so that is the match, not the exact text.
  const answering = llm.filter((r) => r.endedAt !== undefined && sameMeaning(lastUserText(r) ?? '', text));
  const first = speculative
    ? answering.filter((r) => r.arrivedAt <= commit + 2).at(-1)
    : answering.find((r) => r.arrivedAt >= commit - 5);
  if (!first) return [];
  const chain = [first];
  for (;;) {
    const last = chain.at(-1)!;
    if (!last.writes.some((w) => w.toolCall)) break;
    const next = answering.find((r) => r.arrivedAt >= last.endedAt!);
    if (!next) break;
    chain.push(next);
  }
  return chain;
}

function wireProcessing(
  chain: TappedLlmRequest[],
  tts: TappedTtsRequest[],
  received: number[],
  commit: number,
): { processing: Processing; firstFrameAt: number } | undefined {
  const spoken = chain.at(-1)!;
  const content = streamedText(spoken).trim();
  let speech: TappedTtsRequest | undefined;
  let trigger: number | undefined;
  if (content) {
    speech = tts.find((r) => r.arrivedAt >= spoken.arrivedAt && r.text.trim() && content.startsWith(r.text.trim()));
    // The chunker emits a chunk on the token after its end (that token decides the boundary),
    // or at the end of the stream for the last chunk.
    let soFar = '';
    for (const w of spoken.writes) {
      soFar += w.content;
      if (speech && soFar.trimStart().length > speech.text.trim().length) {
        trigger = w.atMs;
        break;
      }
    }
    trigger ??= spoken.endedAt;
  } else {
    trigger = spoken.endedAt;
    speech = tts.find((r) => trigger !== undefined && r.arrivedAt >= trigger);
  }
  if (!speech || trigger === undefined || speech.firstAudioAt === undefined) return undefined;
  const audioFrom = Math.max(speech.firstAudioAt, commit);
  const firstFrameAt = received.find((at) => at >= audioFrom);
  if (firstFrameAt === undefined) return undefined;
  const after = (from: number, to: number) => Math.max(0, to - Math.max(from, commit));
  const processing: Processing = { criticalPathMs: 0 };
  let critical = 0;
  const first = chain[0]!;
  if (first.arrivedAt >= commit) {
    processing.commitToLlmMs = round(first.arrivedAt - commit);
    critical += first.arrivedAt - commit;
  }
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]!;
    const next = chain[i]!;
    processing.toolFollowUpMs = round((processing.toolFollowUpMs ?? 0) + next.arrivedAt - prev.endedAt!);
    critical += after(prev.endedAt!, next.arrivedAt);
  }
  processing.llmToTtsMs = round(speech.arrivedAt - trigger);
  critical += after(trigger, speech.arrivedAt);
  processing.ttsToPhoneMs = round(firstFrameAt - audioFrom);
  critical += firstFrameAt - audioFrom;
  processing.criticalPathMs = round(critical);
  return { processing, firstFrameAt };
}

/** A turn answered by a fixed line (no LLM): commit → its TTS request → first frame. */
function fixedLine(
  tts: TappedTtsRequest[],
  received: number[],
  commit: number,
): { processing: Processing; firstFrameAt: number } | undefined {
  const speech = tts.find((r) => r.arrivedAt >= commit - 5);
  if (speech?.firstAudioAt === undefined) return undefined;
  const firstFrameAt = received.find((at) => at >= speech.firstAudioAt!);
  if (firstFrameAt === undefined) return undefined;
  const commitToTtsMs = Math.max(0, speech.arrivedAt - commit);
  const ttsToPhoneMs = firstFrameAt - speech.firstAudioAt;
  return {
    processing: {
      commitToTtsMs: round(commitToTtsMs),
      ttsToPhoneMs: round(ttsToPhoneMs),
      criticalPathMs: round(commitToTtsMs + ttsToPhoneMs),
    },
    firstFrameAt,
  };
}

/** When the agent audio playing at `onset` stopped at the caller's ear: the end of the last frame before a gap. */
function endOfPlayback(heard: number[], onset: number): number | undefined {
  const frames = heard.filter((at) => at >= onset - 20);
  if (frames.length === 0) return undefined;
  for (let i = 0; i < frames.length; i++) {
    const next = frames[i + 1];
    if (next === undefined || next - frames[i]! > 30) return frames[i]! + 20;
  }
  return undefined;
}

/** End of the last frame that began playing after `onset` and before `clear`. */
function lastHeardBefore(heard: number[], onset: number, clear: number): number | undefined {
  const last = heard.filter((at) => at >= onset - 20 && at < clear).at(-1);
  return last === undefined ? undefined : Math.min(clear, last + 20);
}

function span(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : round(to - from);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export type { Utterance };
