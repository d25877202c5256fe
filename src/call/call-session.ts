/**
 * One call's life. CallSession owns the call's AbortController and its mailbox: every input
 * (media, DTMF, marks, STT, commit and barge-in decisions, timers, speech reports, the stream's
 * end) is posted as a CallInput and handled one at a time, so no handler re-enters another.
 * It hands each input to its owner among the call's parts (call-assembly.ts): CallerTurns (what
 * the caller's speech does), AgentTurns (what the agent's speech reports do), the interview
 * machine (CallInterview, its effects carried out by the EffectRunner), the TurnTransaction
 * (everything tentative), AgentSpeech (the voice); observers (latency, metrics, summary) watch.
 * Ending aborts the call's signal, which stops STT, LLM and TTS, then waits (bounded) for the
 * record writer.
 */
import { sleep } from '../lib/sleep.js';
import type { MarkId } from '../media/audio-sink.js';
import type { CallHandler, StreamEndReason } from '../media/media-session.js';
import type { Logger } from '../observability/logger.js';
import type { CallOutcome } from '../store/call-store.js';
import type { SttStream } from '../stt/stt-stream.js';
import { assembleCall, type CallParts, type CallSessionDeps } from './call-assembly.js';
import type { CallEvent } from './call-events.js';
import { type CallEndReason, type CallInput, callEndReason } from './call-inputs.js';
import { Mailbox } from './mailbox.js';

export type { CallSessionDeps } from './call-assembly.js';

/**
 * Longest a closing call waits for its record writer, ms (clock time). 10000: a healthy store
 * takes a few ms a write; a write that fails is retried twice (200 + 400 ms back-off), so a writer
 * still busy after 10 s is stuck, and shutdown must not wait on it longer.
 */
export const RECORD_FLUSH_TIMEOUT_MS = 10_000;

export class CallSession implements CallHandler {
  /** Resolves once the call is over and its record stored (or RECORD_FLUSH_TIMEOUT_MS passed). */
  readonly closed: Promise<void>;
  private readonly deps: CallSessionDeps;
  private readonly log: Logger;
  /** Aborted when the call ends: STT, every LLM and TTS request and all speech stop with it. */
  private readonly abort = new AbortController();
  private readonly mailbox: Mailbox<CallInput>;
  private readonly parts: CallParts;
  private resolveClosed: () => void = () => {};
  private stt: SttStream | undefined;
  private outcome: CallOutcome | undefined;
  private ended = false;

  private constructor(deps: CallSessionDeps) {
    this.deps = deps;
    this.log = deps.logger;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.mailbox = new Mailbox<CallInput>(
      (input) => this.handle(input),
      (err, input) => this.log.error({ err, input: input.type }, 'call input failed'),
    );
    this.parts = assembleCall(deps, {
      post: (input) => this.mailbox.post(input),
      publish: (event) => this.publish(event),
      signal: this.abort.signal,
      setOutcome: (outcome) => {
        this.outcome = outcome;
      },
    });
  }

  /** Builds the session and starts the call: the greeting plays and STT opens at once. */
  static start(deps: CallSessionDeps): CallSession {
    const session = new CallSession(deps);
    // The greeting goes first: it must reach Twilio before anything that could delay it.
    session.mailbox.post({ type: 'call_started' });
    session.stt = deps.stt.open({
      onEvent: (event) => session.mailbox.post({ type: 'stt_event', event }),
      onError: (error) => session.mailbox.post({ type: 'stt_failed', error }),
      onGap: (gap) => session.mailbox.post({ type: 'stt_gap', sentUntilS: gap.sentUntilS }),
      signal: session.abort.signal,
    });
    return session;
  }

  onAudio(mulaw: Buffer, timestampMs: number): void {
    this.mailbox.post({ type: 'media', mulaw, atMs: timestampMs });
  }

  onDtmf(digit: string): void {
    this.mailbox.post({ type: 'dtmf', digit });
  }

  onMarkPlayed(mark: MarkId): void {
    this.mailbox.post({ type: 'mark_played', mark });
  }

  onStreamEnded(reason: StreamEndReason): void {
    this.mailbox.post({ type: 'stream_ended', reason: callEndReason(reason) });
  }

  onServiceDraining(): void {
    this.mailbox.post({ type: 'service_draining' });
  }

  private handle(input: CallInput): void {
    // After the end nothing is left to do: late STT results, echoes, decisions are moot.
    if (this.ended) return;
    const interview = this.parts.interview;
    switch (input.type) {
      case 'call_started':
        interview.apply({ type: 'call_started', atMs: interview.now(), context: this.deps.context });
        return;
      case 'media':
        // The VAD first: whether the frame holds a sound sets how soon it must reach the STT.
        this.parts.caller.onAudio(input.mulaw, input.atMs);
        this.stt?.sendAudio(input.mulaw, this.parts.caller.audioPace());
        // After the frame that showed the silence, so the STT has every word to finalize.
        if (this.parts.caller.takeFinalizeDue()) this.stt?.finalize();
        return;
      case 'dtmf':
        interview.apply({ type: 'dtmf_received', atMs: interview.now(), digit: input.digit });
        return;
      case 'mark_played':
        this.parts.speech.markPlayed(input.mark);
        return;
      case 'stt_event':
        this.parts.caller.onSttEvent(input.event);
        return;
      case 'stt_gap':
        this.parts.caller.onSttGap(input.sentUntilS);
        return;
      case 'stt_failed':
        this.log.error({ err: input.error }, 'speech-to-text failed for good');
        interview.apply({ type: 'error_occurred', atMs: interview.now(), reason: 'speech-to-text unavailable' });
        return;
      case 'commit_decided':
        if (!input.afterInterrupt) this.publish({ type: 'commit_decided', decision: input.decision });
        this.parts.caller.onCommitDecided(input.decision);
        return;
      case 'barge_in_decided':
        this.parts.caller.onBargeInDecided(input.decision);
        return;
      case 'timer_fired':
        interview.apply({ type: 'timer_fired', atMs: interview.now(), timer: input.timer });
        return;
      case 'service_draining':
        interview.apply({ type: 'service_draining', atMs: interview.now() });
        return;
      case 'speech_first_heard':
      case 'reply_generated':
      case 'speech_failed':
      case 'speech_finished':
        this.parts.agent.onSpeechReport(input);
        return;
      case 'stream_ended':
        this.onStreamEnd(input.reason);
        return;
      default: {
        const unreachable: never = input;
        return unreachable;
      }
    }
  }

  private publish(event: CallEvent): void {
    for (const observer of this.parts.observers) observer.observe(event);
  }

  private onStreamEnd(reason: CallEndReason): void {
    const interview = this.parts.interview;
    switch (reason) {
      case 'caller_hung_up':
        interview.apply({ type: 'caller_hung_up', atMs: interview.now() });
        return this.close('caller_hung_up');
      case 'server_shutdown':
        interview.apply({ type: 'service_shut_down', atMs: interview.now() });
        return this.close('failed');
      case 'erased':
        interview.apply({ type: 'call_erased', atMs: interview.now() });
        return this.close('failed');
      case 'agent_hung_up':
        return this.close('failed');
      default: {
        const unreachable: never = reason;
        return unreachable;
      }
    }
  }

  private close(fallbackOutcome: CallOutcome): void {
    this.ended = true;
    // STT closes, and every LLM and TTS request of the call is cancelled, by the call's signal.
    this.abort.abort();
    this.parts.timers.cancelAll();
    this.parts.caller.dispose();
    this.parts.speech.dispose();
    // What was said stays in the record even if no reply was heard.
    this.parts.turn.settle();
    if (!this.outcome) {
      this.outcome = fallbackOutcome;
      this.deps.writer.finish(fallbackOutcome, 'stream ended', new Date(this.deps.clock.wallNow()));
    }
    const outcome = this.outcome;
    this.publish({ type: 'call_ended', outcome });
    const summary = this.parts.summary.summary(outcome);
    // Told once everything the call wrote is stored, so a reader sees the whole record.
    void this.flushRecord().then(() => {
      try {
        this.deps.onEnded?.(summary);
      } finally {
        this.resolveClosed();
      }
    });
  }

  /** The record writer's queue, stored; waits RECORD_FLUSH_TIMEOUT_MS at most. */
  private async flushRecord(): Promise<void> {
    const stopWaiting = new AbortController();
    const late = sleep(this.deps.clock, RECORD_FLUSH_TIMEOUT_MS, stopWaiting.signal).then(
      () => true,
      () => false,
    );
    const timedOut = await Promise.race([this.deps.writer.flush().then(() => false), late]);
    stopWaiting.abort();
    if (timedOut) this.log.warn({ timeoutMs: RECORD_FLUSH_TIMEOUT_MS }, 'call record not stored in time');
  }
}
