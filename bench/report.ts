/**
 * Builds the benchmark's figures from the analysed calls and the naive baseline: the object
 * printed as a table (report-table.ts) and written as JSON.
 */
import os from 'node:os';
import type { CallObservation } from './call-driver.js';
import type { MemoryReading } from './memory.js';
import type { NaiveTurnResult } from './naive-pipeline.js';
import type { ProviderLatency } from './provider-latency.js';
import { distribution, ratio } from './stats.js';
import type { CallFigures, TurnFigures } from './turn-analysis.js';

export interface BenchCall {
  observation: CallObservation;
  figures: CallFigures;
  wallS: number;
  /** Heap retained after the call minus before it (both after GC), KB; includes the fakes' records of the call. */
  heapDeltaKb: number;
}

export interface BenchInput {
  latency: ProviderLatency;
  agentVoiceSpeed: number;
  calls: BenchCall[];
  greetingProbesMs: (number | undefined)[];
  /** Heap retained per greeting-probe call, KB (short calls: mostly the service's own). */
  probeHeapKb: number;
  naive: NaiveTurnResult[];
  /** At launch, once the service (with its in-memory PGlite) and the fakes are up, and at the end. */
  memory: { start: MemoryReading; afterStartup: MemoryReading; end: MemoryReading };
  holdOnVoice: boolean;
  /** The bench process during the calls: how late its event loop ran, and its CPU use. */
  host: { eventLoopDelayMs: { p50: number; p99: number; max: number }; cpuShareOfOneCore: number };
  wallS: number;
}

const pick = <K extends keyof TurnFigures>(turns: TurnFigures[], key: K) => turns.map((t) => t[key] as number);

export function buildResults(input: BenchInput) {
  const all = input.calls.flatMap((c) => c.figures.turns);
  const of = (scenario: string) => input.calls.filter((c) => c.observation.scenario === scenario);
  const turnsOf = (scenario: string) => of(scenario).flatMap((c) => c.figures.turns);
  const sum = (cs: typeof input.calls, f: (c: (typeof input.calls)[number]) => number) =>
    cs.reduce((n, c) => n + f(c), 0);
  const premature = (scenario: string) => {
    const cs = of(scenario);
    return {
      answers: sum(cs, (c) => c.figures.answers),
      heardByCaller: sum(cs, (c) => c.figures.prematureHeard),
      caughtBeforeHeard: sum(cs, (c) => c.observation.summary.resumes),
    };
  };
  const summaries = input.calls.map((c) => c.observation.summary);
  const commits = summaries.reduce((n, s) => n + s.commits, 0);
  const wasted = summaries.reduce((n, s) => n + s.speculationsWasted, 0);
  const thrownAwayLlm = summaries.reduce((n, s) => n + s.wasted.llmCalls, 0);
  const thrownAwayTts = summaries.reduce((n, s) => n + s.wasted.ttsCharacters, 0);
  const perTurn = (n: number) => (commits ? Math.round((n / commits) * 100) / 100 : undefined);
  const processing = all.flatMap((t) => (t.processing ? [t.processing] : []));
  const bargeIns = input.calls.flatMap((c) => c.figures.bargeIns);
  const backchannels = input.calls.flatMap((c) => c.figures.backchannels);
  const greetings = [...input.calls.map((c) => c.observation.greetingMs), ...input.greetingProbesMs];

  // The ratio compares the same turns: those of the fluent calls that the naive pipeline ran.
  const naiveByKey = new Map(input.naive.map((r) => [r.key, r]));
  // Turns where the naive pipeline got no speech_final (the fake's long-speech final took the last
  // words; it then waits for UtteranceEnd) are left out: that would flatter the ratio.
  const fluentBaseline = input.calls
    .filter((c) => c.observation.scenario === 'fluent')
    .flatMap((c) => c.figures.baseline);
  const compared = fluentBaseline.filter((b) => {
    const naive = naiveByKey.get(b.key);
    return naive?.voiceToVoiceMs !== undefined && !naive.viaUtteranceEnd;
  });
  const oursCompared = distribution(compared.map((b) => b.ours.voiceToVoiceSentMs));
  const naiveCompared = distribution(compared.map((b) => naiveByKey.get(b.key)?.voiceToVoiceMs));
  const naiveHesitant = input.calls
    .filter((c) => c.observation.scenario === 'hesitant')
    .flatMap((c) => c.figures.baseline)
    .map((b) => naiveByKey.get(b.key));

  return {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.availableParallelism(),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    latency: input.latency,
    agentVoiceSpeed: input.agentVoiceSpeed,
    bargeInHoldOnVoice: input.holdOnVoice,
    host: input.host,
    wallS: Math.round(input.wallS),
    calls: input.calls.map((c) => ({
      scenario: c.observation.scenario,
      candidate: c.observation.candidate,
      outcome: c.observation.summary.outcome,
      turns: c.figures.turns.length,
      wallS: Math.round(c.wallS),
      heapDeltaKb: c.heapDeltaKb,
      interjectionsSkipped: c.observation.interjectionsSkipped,
      unmatchedTurns: c.figures.unmatched,
      speculations: c.observation.summary.speculations,
      speculationsWasted: c.observation.summary.speculationsWasted,
      mostSpeculationsInOneUtterance: c.observation.summary.mostSpeculationsInOneUtterance,
      wasted: c.observation.summary.wasted,
      commits: c.observation.summary.commits,
      resumes: c.observation.summary.resumes,
      backchannelsIgnored: c.observation.summary.backchannelsIgnored,
      turnFigures: c.figures.turns,
    })),
    ours: {
      voiceToVoiceSentMs: distribution(pick(all, 'voiceToVoiceSentMs')),
      voiceToVoiceHeardMs: distribution(pick(all, 'voiceToVoiceHeardMs')),
      voiceToVoiceAtPhoneMs: distribution(pick(all, 'phoneVoiceToVoiceMs')),
      voiceToVoiceSentByScenarioMs: {
        fluent: distribution(pick(turnsOf('fluent'), 'voiceToVoiceSentMs')),
        hesitant: distribution(pick(turnsOf('hesitant'), 'voiceToVoiceSentMs')),
        talkOver: distribution(pick(turnsOf('talk-over'), 'voiceToVoiceSentMs')),
      },
      voiceToVoiceSentByLlmRequestsMs: {
        one: distribution(
          pick(
            all.filter((t) => t.llmRequests === 1),
            'voiceToVoiceSentMs',
          ),
        ),
        twoToolCallFirst: distribution(
          pick(
            all.filter((t) => t.llmRequests === 2),
            'voiceToVoiceSentMs',
          ),
        ),
      },
      greetingMs: distribution(greetings),
      commitDelayMs: distribution(pick(all, 'commitDelayMs')),
      commitDelayByScenarioMs: {
        fluent: distribution(pick(turnsOf('fluent'), 'commitDelayMs')),
        hesitant: distribution(pick(turnsOf('hesitant'), 'commitDelayMs')),
      },
      speechEndToLlmRequestMs: {
        speculative: distribution(
          pick(
            all.filter((t) => t.speculative),
            'speechEndToLlmRequestMs',
          ),
        ),
        atCommit: distribution(
          pick(
            all.filter((t) => !t.speculative),
            'speechEndToLlmRequestMs',
          ),
        ),
      },
      spansMs: {
        commitToFirstToken: distribution(pick(all, 'commitToFirstTokenMs')),
        firstTokenToTtsFirstByte: distribution(pick(all, 'firstTokenToTtsByteMs')),
        ttsFirstByteToFirstFrameSent: distribution(pick(all, 'ttsByteToSentMs')),
      },
      turns: all.length,
      speculativeTurns: all.filter((t) => t.speculative).length,
      speculation: {
        started: summaries.reduce((n, s) => n + s.speculations, 0),
        wasted,
        commits,
        wastedPerTurn: perTurn(wasted),
        mostInOneUtterance: Math.max(0, ...summaries.map((s) => s.mostSpeculationsInOneUtterance)),
        /** Work spent on replies the caller never heard (discarded speculations, replies taken back). */
        thrownAway: {
          llmCalls: thrownAwayLlm,
          ttsCharacters: thrownAwayTts,
          llmCallsPerTurn: perTurn(thrownAwayLlm),
          ttsCharactersPerTurn: perTurn(thrownAwayTts),
        },
      },
      premature: {
        fluent: premature('fluent'),
        hesitant: premature('hesitant'),
        talkOver: premature('talk-over'),
      },
      bargeIn: {
        count: bargeIns.length,
        notStopped: bargeIns.filter((b) => b.phoneStopMs === undefined).length,
        stopAtPhoneMs: distribution(bargeIns.map((b) => b.phoneStopMs)),
        stopSelfReportedMs: distribution(bargeIns.map((b) => b.productStopMs)),
        audioStoppedAtEarMs: distribution(bargeIns.map((b) => b.earStopMs)),
      },
      backchannels: {
        count: backchannels.length,
        stoppedAgent: backchannels.filter((b) => b.stopped).length,
        cleared: backchannels.filter((b) => b.cleared).length,
        audibleGap: backchannels.filter((b) => (b.gapMs ?? 0) > 120).length,
        gapMs: distribution(backchannels.map((b) => b.gapMs)),
      },
      processingMs: {
        turnsMeasured: processing.length,
        commitToLlmRequest: distribution(processing.map((p) => p.commitToLlmMs)),
        commitToTtsRequestFixedLine: distribution(processing.map((p) => p.commitToTtsMs)),
        toolCallToFollowUpRequest: distribution(processing.map((p) => p.toolFollowUpMs)),
        llmChunkToTtsRequest: distribution(processing.map((p) => p.llmToTtsMs)),
        ttsFirstByteToPhone: distribution(processing.map((p) => p.ttsToPhoneMs)),
        criticalPathPerTurn: distribution(processing.map((p) => p.criticalPathMs)),
      },
    },
    naive: {
      turns: input.naive.length,
      voiceToVoiceReadyMs: distribution(input.naive.map((r) => r.voiceToVoiceMs)),
      commitDelayMs: distribution(input.naive.map((r) => r.commitDelayMs)),
      hesitantPremature: { answers: naiveHesitant.length, premature: naiveHesitant.filter((r) => r?.premature).length },
      timedOut: input.naive.filter((r) => r.timedOut).length,
      viaUtteranceEnd: input.naive.filter((r) => r.viaUtteranceEnd).length,
      perTurn: input.naive,
    },
    comparedFluentTurns: {
      n: compared.length,
      leftOutNoSpeechFinal: fluentBaseline.length - compared.length,
      ours: oursCompared,
      naive: naiveCompared,
      ratioP50: ratio(naiveCompared.p50, oursCompared.p50),
      ratioP95: ratio(naiveCompared.p95, oursCompared.p95),
    },
    memory: {
      ...input.memory,
      heapDeltaPerCallKb: input.calls.map((c) => c.heapDeltaKb),
      heapPerGreetingProbeKb: input.probeHeapKb,
    },
  };
}

export type BenchResults = ReturnType<typeof buildResults>;
