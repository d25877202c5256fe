import type { DefinitionRegistry, MachineOptions } from '../interview/index.js';
import { greetingOpening } from '../interview/index.js';
import type { Clock } from '../lib/clock.js';
import type { LlmProvider } from '../llm/reply-stream.js';
import type { CallHandler, CallHandlerFactory, MediaSink, MediaTap, StreamEndReason } from '../media/media-session.js';
import type { StartInfo } from '../media/twilio-messages.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallStore } from '../store/call-store.js';
import { CallWriter } from '../store/call-writer.js';
import type { SttProvider } from '../stt/stt-stream.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import type { BargeInParams } from '../turns/barge-in-policy.js';
import type { CommitParams, StageCommitParams } from '../turns/commit-params.js';
import { CallSession, type CallSummary } from './call-session.js';
import type { GreetingCache } from './greeting-cache.js';

export interface Providers {
  stt: SttProvider;
  llm: LlmProvider;
  tts: Synthesizer;
}

export interface CallFactoryDeps {
  clock: Clock;
  metrics: Metrics;
  store: CallStore;
  providers: Providers;
  definitions: DefinitionRegistry;
  greetings: GreetingCache;
  defaultRole: string;
  machineOptions?: MachineOptions;
  commitParams?: Partial<CommitParams>;
  stageCommitParams?: StageCommitParams;
  bargeInParams?: Partial<BargeInParams>;
  /** Wraps a call's providers, e.g. to record them (RECORD_CALLS). */
  wrapProviders?: (providers: Providers, context: { callId: string; tap?: MediaTap }) => Providers;
  /**
   * Told when a call plays speech rendered ahead (the greeting's opening), which never passes
   * through the call's (wrapped) synthesizer, so a recording can still hold it.
   */
  onPrerenderedSpeech?: (callId: string, text: string, audio: Buffer) => void;
  onCallEnded?: (callId: string, summary: CallSummary) => void;
}

/**
 * Builds the handler for each stream that starts. The call's interview is read from the store
 * by the ids in the stream's <Parameter>s, so the webhook and the stream may be served by
 * different instances. Audio that arrives during that read is kept and handed on.
 */
export function createCallFactory(deps: CallFactoryDeps): CallHandlerFactory {
  return (start, sink, logger, tap) => {
    const call = new DeferredCall();
    openSession(deps, start, sink, logger, tap).then(
      (session) => call.attach(session),
      (err: unknown) => {
        logger.error({ err }, 'call could not start');
        sink.hangUp();
      },
    );
    return call;
  };
}

async function openSession(
  deps: CallFactoryDeps,
  start: StartInfo,
  sink: MediaSink,
  logger: Logger,
  tap: MediaTap | undefined,
): Promise<CallSession> {
  // Connections first: the interview read below and the greeting need no LLM, the first turn does.
  deps.providers.llm.prepare?.();
  const callSid = start.callSid;
  const knownId = start.customParameters.callId;
  // A stream without our parameters (a TwiML bin, a retried webhook elsewhere): register it.
  const callId = knownId ?? (await deps.store.beginCall({ callSid, direction: 'inbound', from: '', to: '' })).callId;
  const record = await deps.store.getRecord(callId);
  if (!record) throw new Error(`call ${callId} is not in the store`);
  const interview = record.interview;
  const definition = deps.definitions.get(interview.definitionId);
  const callLogger = logger.child({ callId });
  const providers = deps.wrapProviders
    ? deps.wrapProviders(deps.providers, { callId, ...(tap ? { tap } : {}) })
    : deps.providers;
  const openingText = greetingOpening(definition);
  const greetingAudio = deps.greetings.get(openingText);
  if (greetingAudio) deps.onPrerenderedSpeech?.(callId, openingText, greetingAudio);
  return CallSession.start({
    clock: deps.clock,
    logger: callLogger,
    metrics: deps.metrics,
    sink,
    ...providers,
    writer: new CallWriter({ store: deps.store, callId, clock: deps.clock, logger: callLogger }),
    definition,
    context: {
      role: interview.role || deps.defaultRole,
      ...(interview.candidateName ? { candidateName: interview.candidateName } : {}),
      ...(interview.jobDescription ? { jobDescription: interview.jobDescription } : {}),
    },
    ...(deps.machineOptions ? { machineOptions: deps.machineOptions } : {}),
    ...(greetingAudio ? { greetingAudio } : {}),
    ...(deps.commitParams ? { commitParams: deps.commitParams } : {}),
    ...(deps.stageCommitParams ? { stageCommitParams: deps.stageCommitParams } : {}),
    ...(deps.bargeInParams ? { bargeInParams: deps.bargeInParams } : {}),
    onEnded: (summary) => deps.onCallEnded?.(callId, summary),
  });
}

/** Stands in for the session while it opens; replays what arrived meanwhile. */
class DeferredCall implements CallHandler {
  private session: CallSession | undefined;
  private readonly early: ((session: CallSession) => void)[] = [];

  attach(session: CallSession): void {
    this.session = session;
    for (const replay of this.early.splice(0)) replay(session);
  }

  onAudio(mulaw: Buffer): void {
    if (this.session) this.session.onAudio(mulaw);
    else this.early.push((s) => s.onAudio(mulaw));
  }

  onDtmf(digit: string): void {
    if (this.session) this.session.onDtmf(digit);
    else this.early.push((s) => s.onDtmf(digit));
  }

  onMarkPlayed(name: string): void {
    this.session?.onMarkPlayed(name);
  }

  onStreamEnded(reason: StreamEndReason): void {
    if (this.session) this.session.onStreamEnded(reason);
    else this.early.push((s) => s.onStreamEnded(reason));
  }
}
