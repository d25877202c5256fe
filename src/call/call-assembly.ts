/**
 * Builds one call's parts from its ports and wires them to each other: the interview machine and
 * the effect runner, the agent's speech, the machine's timers, the turn transaction, the caller's
 * and the agent's side, and the observers. Every part reports back through `post` (into the
 * call's mailbox) or `publish` (to the observers), never by calling its owner. CallSession owns
 * the result.
 */
import type {
  CallContext,
  InterviewDefinition,
  InterviewEffect,
  MachineOptions,
  TimerName,
} from '../interview/index.js';
import type { Clock } from '../lib/clock.js';
import type { LlmProvider } from '../llm/reply-stream.js';
import type { MediaSink } from '../media/media-session.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallOutcome } from '../store/call-store.js';
import type { CallWriter } from '../store/call-writer.js';
import type { SttProvider } from '../stt/stt-stream.js';
import { HoldingLines } from '../tts/holding-lines.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import { type BargeInParams, BargeInPolicy } from '../turns/barge-in-policy.js';
import type { CommitParams, StageCommitParams } from '../turns/commit-params.js';
import { CommitRouter } from '../turns/commit-router.js';
import { VoiceActivityDetector } from '../vad/voice-activity.js';
import { AgentSpeech } from './agent-speech.js';
import { AgentTurns } from './agent-turns.js';
import type { CallEvent, CallObserver } from './call-events.js';
import type { CallInput } from './call-inputs.js';
import { CallInterview } from './call-interview.js';
import { CallMetricsObserver } from './call-metrics-observer.js';
import { type CallSummary, CallSummaryObserver } from './call-summary.js';
import { CallerTurns } from './caller-turns.js';
import { ConversationHistory } from './conversation-history.js';
import { EffectRunner } from './effect-runner.js';
import { NamedTimers } from './named-timers.js';
import type { ReplyRecoveryParams } from './reply-recovery.js';
import type { CallRecordWriter } from './tentative-records.js';
import { TurnLatencyObserver } from './turn-latency-observer.js';
import { TurnTransaction } from './turn-transaction.js';

export interface CallSessionDeps {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  sink: MediaSink;
  stt: SttProvider;
  llm: LlmProvider;
  tts: Synthesizer;
  writer: CallRecordWriter & Pick<CallWriter, 'flush'>;
  definition: InterviewDefinition;
  context: CallContext;
  machineOptions?: MachineOptions;
  /** The greeting's opening, rendered ahead (greeting-cache), when ready. */
  greetingAudio?: Buffer;
  /** A fixed line (holding lines, the error goodbye) rendered ahead in the call's voice, if it is. */
  renderedLine?: (text: string) => Buffer | undefined;
  /** Synthesises a holding line that was not rendered ahead (the fallback voice). Default `tts`. */
  spareTts?: Synthesizer;
  /** Holding lines and retries of a reply that cannot start. Default DEFAULT_REPLY_RECOVERY. */
  replyRecovery?: Partial<ReplyRecoveryParams>;
  commitParams?: Partial<CommitParams>;
  stageCommitParams?: StageCommitParams;
  bargeInParams?: Partial<BargeInParams>;
  /** Told when the call is over and its record stored, with what the benchmark and tests measure. */
  onEnded?: (summary: CallSummary) => void;
}

/** How the parts reach their owner, the session. */
export interface CallWires {
  /** Into the call's mailbox. */
  post: (input: CallInput) => void;
  /** To the observers. */
  publish: (event: CallEvent) => void;
  /** The call's signal (aborted when it ends). */
  signal: AbortSignal;
  /** The interview decided how the call ends. */
  setOutcome: (outcome: CallOutcome) => void;
}

export interface CallParts {
  interview: CallInterview;
  speech: AgentSpeech;
  timers: NamedTimers<TimerName>;
  turn: TurnTransaction;
  caller: CallerTurns;
  agent: AgentTurns;
  observers: CallObserver[];
  summary: CallSummaryObserver;
}

export function assembleCall(deps: CallSessionDeps, wires: CallWires): CallParts {
  const { clock, sink, logger } = deps;
  const { post, publish } = wires;
  const wallNow = () => clock.wallNow();
  const history = new ConversationHistory();
  const timers = new NamedTimers<TimerName>(clock, (timer) => post({ type: 'timer_fired', timer }));
  const speech = new AgentSpeech({
    sink: sink.audio,
    tts: deps.tts,
    llm: deps.llm,
    signal: wires.signal,
    now: () => sink.mediaNowMs(),
    logger,
    clock,
    holdingLines: new HoldingLines(deps.renderedLine ?? (() => undefined), deps.spareTts ?? deps.tts, logger),
    ...(deps.replyRecovery ? { recovery: deps.replyRecovery } : {}),
    post,
  });
  const router = new CommitRouter({
    clock,
    onDecision: (decision) => post({ type: 'commit_decided', decision }),
    ...(deps.commitParams ? { params: deps.commitParams } : {}),
    ...(deps.stageCommitParams ? { stageParams: deps.stageCommitParams } : {}),
    stage: 'greeting',
  });
  const bargeIn = new BargeInPolicy({
    clock,
    onDecision: (decision) => post({ type: 'barge_in_decided', decision }),
    ...(deps.bargeInParams ? { params: deps.bargeInParams } : {}),
  });
  // Effects first run when the first input arrives, after every part below exists.
  let effects: EffectRunner | undefined;
  const run = (list: readonly InterviewEffect[]) => effects?.runAll(list) ?? [];
  const interview = new CallInterview(deps.definition, deps.machineOptions ?? {}, clock, run);
  const turn = new TurnTransaction({
    speech,
    history,
    writer: deps.writer,
    timers,
    machine: interview,
    publish,
  });
  effects = new EffectRunner({
    speech,
    history,
    timers,
    turn,
    logger,
    setStage: (stage) => router.setStage(stage),
    hangUp: () => sink.hangUp(),
    setOutcome: wires.setOutcome,
    wallDate: (atMs) => new Date(clock.wallNow() - (clock.now() - atMs)),
    greetingAudio: deps.greetingAudio,
    ...(deps.renderedLine ? { renderedLine: deps.renderedLine } : {}),
  });
  const caller = new CallerTurns({
    router,
    bargeIn,
    vad: new VoiceActivityDetector(),
    speech,
    turn,
    interview,
    history,
    sink,
    wallNow,
    post,
    publish,
    logger,
  });
  const agent = new AgentTurns({ interview, history, turn, caller, wallNow, publish, logger });
  const latency = new TurnLatencyObserver({ write: (op) => turn.write(op), metrics: deps.metrics, logger });
  const summary = new CallSummaryObserver(() => latency.completed);
  const observers = [latency, new CallMetricsObserver(deps.metrics), summary];
  return { interview, speech, timers, turn, caller, agent, observers, summary };
}
