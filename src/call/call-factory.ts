/**
 * Builds the call for each stream that starts: reads the call's interview from the store, wraps
 * its providers, and starts a CallSession; keeps count of the calls still finishing so shutdown
 * can wait for their records.
 */
import type { MachineOptions } from '../interview/index.js';
import { greetingOpening } from '../interview/index.js';
import type { Clock } from '../lib/clock.js';
import type { LlmProvider } from '../llm/reply-stream.js';
import type { MarkId } from '../media/audio-sink.js';
import type { CallHandler, CallHandlerFactory, MediaSink, MediaTap, StreamEndReason } from '../media/media-session.js';
import type { StartInfo } from '../media/twilio-messages.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallStore } from '../store/call-store.js';
import { CallWriter } from '../store/call-writer.js';
import type { SttProvider } from '../stt/stt-stream.js';
import type { DefinitionSource } from '../templates/template-definitions.js';
import type { GreetingCache } from '../tts/greeting-cache.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import type { BargeInParams } from '../turns/barge-in-policy.js';
import type { CommitParams, StageCommitParams } from '../turns/commit-params.js';
import { callContextFor } from './call-context.js';
import { CallSession } from './call-session.js';
import type { CallSummary } from './call-summary.js';

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
  /**
   * Synthesises a holding line not rendered ahead: the second voice when one is configured, so
   * the line plays while the primary voice is down. Default the call's `tts`. Not wrapped by
   * `wrapProviders` (a recording misses such a line).
   */
  spareTts?: Synthesizer;
  /** The interview a call runs: a built-in definition, or the template version its interview names. */
  definitions: DefinitionSource;
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

export interface CallFactory {
  /** The handler for each stream that starts. */
  createCall: CallHandlerFactory;
  /**
   * Resolves once every call started so far is over and has stored its record (each bounded by
   * RECORD_FLUSH_TIMEOUT_MS), so storage can close after it.
   */
  settled(): Promise<void>;
}

/**
 * The call's interview is read from the store by the ids in the stream's <Parameter>s, so the
 * webhook and the stream may be served by different instances. Audio that arrives during that
 * read is kept and handed on.
 */
export function createCallFactory(deps: CallFactoryDeps): CallFactory {
  const finishing = new Set<Promise<void>>();
  const createCall: CallHandlerFactory = (start, sink, logger, tap) => {
    const call = new DeferredCall();
    const done: Promise<void> = openSession(deps, start, sink, logger, tap).then(
      (session) => {
        call.attach(session);
        return session.closed;
      },
      (err: unknown) => {
        logger.error({ err }, 'call could not start');
        sink.hangUp();
      },
    );
    finishing.add(done);
    void done.finally(() => finishing.delete(done));
    return call;
  };
  return {
    createCall,
    async settled() {
      await Promise.all([...finishing]);
    },
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
  const definition = await deps.definitions.definitionFor(interview);
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
    context: callContextFor(interview, deps.defaultRole),
    ...(deps.machineOptions ? { machineOptions: deps.machineOptions } : {}),
    ...(greetingAudio ? { greetingAudio } : {}),
    // Looked up when needed: a line whose render was still under way at the start is ready later.
    renderedLine: (text) => deps.greetings.get(text),
    ...(deps.spareTts ? { spareTts: deps.spareTts } : {}),
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

  onAudio(mulaw: Buffer, timestampMs: number): void {
    if (this.session) this.session.onAudio(mulaw, timestampMs);
    else this.early.push((s) => s.onAudio(mulaw, timestampMs));
  }

  onDtmf(digit: string): void {
    if (this.session) this.session.onDtmf(digit);
    else this.early.push((s) => s.onDtmf(digit));
  }

  onMarkPlayed(mark: MarkId): void {
    this.session?.onMarkPlayed(mark);
  }

  onStreamEnded(reason: StreamEndReason): void {
    if (this.session) this.session.onStreamEnded(reason);
    else this.early.push((s) => s.onStreamEnded(reason));
  }

  onServiceDraining(): void {
    if (this.session) this.session.onServiceDraining();
    else this.early.push((s) => s.onServiceDraining());
  }
}
