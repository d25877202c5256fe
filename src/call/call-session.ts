import {
  type CallContext,
  createInterview,
  currentStage,
  type InterviewDefinition,
  type InterviewEffect,
  type InterviewEvent,
  type InterviewState,
  type MachineOptions,
  transition,
} from '../interview/index.js';
import type { Clock } from '../lib/clock.js';
import type { LlmProvider, ToolSpec } from '../llm/reply-stream.js';
import type { CallHandler, MediaSink, StreamEndReason } from '../media/media-session.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { TurnLatency } from '../observability/turn-latency.js';
import type { CallOutcome } from '../store/call-store.js';
import type { CallWriter } from '../store/call-writer.js';
import type { SttProvider, SttStream } from '../stt/stt-stream.js';
import type { Synthesizer } from '../tts/synthesizer.js';
import { isBackchannel } from '../turns/backchannel.js';
import { type BargeInDecision, type BargeInParams, BargeInPolicy } from '../turns/barge-in-policy.js';
import type { CommitParams, StageCommitParams } from '../turns/commit-params.js';
import { type CommitDecision, CommitRouter } from '../turns/commit-router.js';
import { AgentSpeech, type SpeechFinished, type SpeechItem } from './agent-speech.js';
import { ConversationHistory } from './conversation-history.js';
import { NamedTimers, type TimersSnapshot } from './named-timers.js';
import type { GeneratedReply } from './reply-generation.js';
import { TentativeRecords } from './tentative-records.js';
import { TurnTracker } from './turn-tracker.js';

export interface CallSessionDeps {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  sink: MediaSink;
  stt: SttProvider;
  llm: LlmProvider;
  tts: Synthesizer;
  writer: CallWriter;
  definition: InterviewDefinition;
  context: CallContext;
  machineOptions?: MachineOptions;
  /** The greeting's opening, rendered ahead (greeting-cache), when ready. */
  greetingAudio?: Buffer;
  commitParams?: Partial<CommitParams>;
  stageCommitParams?: StageCommitParams;
  bargeInParams?: Partial<BargeInParams>;
  /** Told when the call is over, with what the benchmark and tests measure. */
  onEnded?: (summary: CallSummary) => void;
}

export interface CallSummary {
  outcome: CallOutcome;
  turns: TurnLatency[];
  speculations: number;
  speculationsWasted: number;
  commits: number;
  resumes: number;
  bargeIns: { stopMs: number }[];
  backchannelsIgnored: number;
}

const FALLBACK_LINE = "Sorry, I didn't catch that. Could you say it again?";

/** A speculative reply started on a stable partial, waiting for the commit. */
interface Speculation {
  utteranceId: number;
  text: string;
  speechId: string;
  systemPrompt: string;
  item: SpeechItem;
}

/** Everything a commit changes, as it was before, so a resume can take the commit back. */
interface CommitSnapshot {
  utteranceId: number;
  state: InterviewState;
  history: ReturnType<ConversationHistory['snapshot']>;
  timers: TimersSnapshot<string>;
  turnCount: number;
  speechIds: string[];
}

/**
 * One call: STT → commit router → interview machine → agent speech, with barge-in.
 * (Over 300 lines on purpose: carrying out effects and taking commits back share one state;
 * the separable parts live in AgentSpeech, TurnTracker, TentativeRecords, NamedTimers and
 * ConversationHistory.)
 * The machine decides what happens; this class only carries out its effects and feeds it
 * events. Listening, thinking and speaking are visible as `phase`.
 */
export class CallSession implements CallHandler {
  private readonly deps: CallSessionDeps;
  private readonly log: Logger;
  private readonly router: CommitRouter;
  private readonly bargeIn: BargeInPolicy;
  private readonly speech: AgentSpeech;
  private readonly timers: NamedTimers<string>;
  private readonly history = new ConversationHistory();
  private readonly records: TentativeRecords;
  private state: InterviewState;
  private stt: SttStream | undefined;
  private speculation: Speculation | undefined;
  private lastCommit: CommitSnapshot | undefined;
  private readonly utteranceBySpeech = new Map<string, number>();
  private readonly turns = new TurnTracker();
  private readonly bargeIns: { stopMs: number }[] = [];
  private backchannelsIgnored = 0;
  private candidateSpeaking = false;
  /** While a commit is taken back, its cancelled speech must not reach the machine. */
  private resuming = false;
  private interruptedThisTurn = false;
  private outcome: CallOutcome | undefined;
  private ended = false;

  private constructor(deps: CallSessionDeps) {
    this.deps = deps;
    this.log = deps.logger;
    this.timers = new NamedTimers(deps.clock);
    this.records = new TentativeRecords(deps.writer);
    this.state = createInterview(deps.definition, deps.machineOptions ?? {});
    this.router = new CommitRouter({
      clock: deps.clock,
      onDecision: (d) => this.onCommitDecision(d),
      ...(deps.commitParams ? { params: deps.commitParams } : {}),
      ...(deps.stageCommitParams ? { stageParams: deps.stageCommitParams } : {}),
      stage: 'greeting',
    });
    this.bargeIn = new BargeInPolicy({
      clock: deps.clock,
      onDecision: (d) => this.onBargeInDecision(d),
      ...(deps.bargeInParams ? { params: deps.bargeInParams } : {}),
    });
    this.speech = new AgentSpeech({
      player: deps.sink.player,
      tts: deps.tts,
      llm: deps.llm,
      now: () => deps.sink.mediaNowMs(),
      logger: deps.logger,
      fallbackText: FALLBACK_LINE,
      onFinished: (f) => this.onSpeechFinished(f),
      onGenerated: (id, reply) => this.onReplyGenerated(id, reply),
      onFirstHeard: (id) => this.onFirstHeard(id),
    });
  }

  /** Builds the session and starts the call: STT opens and the greeting plays at once. */
  static start(deps: CallSessionDeps): CallSession {
    const session = new CallSession(deps);
    session.begin();
    return session;
  }

  get phase(): 'listening' | 'thinking' | 'speaking' | 'ended' {
    if (this.ended) return 'ended';
    if (this.speech.isSpeaking) return this.deps.sink.player.isPlaying ? 'speaking' : 'thinking';
    return 'listening';
  }

  private begin(): void {
    // The greeting goes first: it must reach Twilio before anything that could delay it.
    this.apply({ type: 'call_started', atMs: this.now(), context: this.deps.context });
    this.stt = this.deps.stt.open({
      onEvent: (event) => {
        this.router.handle(event);
        this.bargeIn.handle(event);
        if (event.type === 'transcript' && event.text.trim() && !this.candidateSpeaking) {
          this.candidateSpeaking = true;
          this.apply({ type: 'candidate_speech_started', atMs: this.now() });
        }
      },
      onError: (error) => {
        this.log.error({ err: error }, 'speech-to-text failed for good');
        this.apply({ type: 'error_occurred', atMs: this.now(), reason: 'speech-to-text unavailable' });
      },
    });
  }

  onAudio(mulaw: Buffer): void {
    this.stt?.sendAudio(mulaw);
  }

  onDtmf(digit: string): void {
    this.apply({ type: 'dtmf_received', atMs: this.now(), digit });
  }

  onMarkPlayed(name: string): void {
    this.speech.markPlayed(name);
  }

  onStreamEnded(reason: StreamEndReason): void {
    if (reason !== 'agent-hung-up' && !this.ended) this.apply({ type: 'caller_hung_up', atMs: this.now() });
    this.close(reason === 'agent-hung-up' ? 'failed' : 'caller_hung_up');
  }

  // ---- the machine --------------------------------------------------------------------------

  private apply(event: InterviewEvent): void {
    if (this.ended && event.type !== 'caller_hung_up') return;
    const { state, effects } = transition(this.state, event);
    this.state = state;
    for (const effect of effects) this.run(effect);
  }

  private run(effect: InterviewEffect): void {
    const write = this.records.write.bind(this.records);
    switch (effect.type) {
      case 'stage_started': {
        const at = this.wallDate(effect.atMs);
        write((w) => {
          w.stageStarted(effect.stage, at);
          w.setStage(effect.stage);
        });
        this.router.setStage(effect.stage);
        this.log.info({ stage: effect.stage }, 'stage started');
        return;
      }
      case 'stage_ended': {
        const end = {
          at: this.wallDate(effect.atMs),
          reason: effect.reason,
          notes: { notes: effect.notes, evidence: effect.evidence },
        };
        write((w) => w.stageEnded(effect.stage, end));
        this.log.info({ stage: effect.stage, reason: effect.reason }, 'stage ended');
        return;
      }
      case 'say': {
        const prerendered = effect.purpose === 'greeting_opening' ? this.deps.greetingAudio : undefined;
        this.history.agentPlanned(effect.speechId, effect.text);
        const item = this.speech.enqueue({
          kind: 'say',
          speechId: effect.speechId,
          text: effect.text,
          interruptible: effect.interruptible,
          ...(prerendered ? { prerendered } : {}),
        });
        this.trackSpeech(item.request.speechId);
        return;
      }
      case 'request_reply':
        this.startReply(effect.speechId, effect.systemPrompt, effect.tools);
        return;
      case 'cancel_speech':
        this.speech.cancel(effect.speechId);
        return;
      case 'answer_tool_call':
        this.history.addToolResult(effect.toolCallId, effect.content);
        return;
      case 'proposal_ignored':
        write((w) =>
          w.event('proposal_ignored', { stage: effect.stage, tool: effect.toolName, reason: effect.reason }),
        );
        return;
      case 'start_timer':
        this.timers.start(effect.timer, effect.afterMs, () =>
          this.apply({ type: 'timer_fired', atMs: this.now(), timer: effect.timer }),
        );
        return;
      case 'cancel_timer':
        this.timers.cancel(effect.timer);
        return;
      case 'monologue_detected': {
        const at = this.wallDate(effect.atMs);
        write((w) => w.event('monologue', { stage: effect.stage }, at));
        return;
      }
      case 'dtmf_logged': {
        const at = this.wallDate(effect.atMs);
        write((w) => w.event('dtmf', { digit: effect.digit, stage: effect.stage }, at));
        this.log.info({ stage: effect.stage }, 'dtmf received');
        return;
      }
      case 'end_call': {
        this.outcome = effect.outcome;
        const at = this.wallDate(effect.atMs);
        write((w) => w.finish(effect.outcome, effect.reason, at));
        this.log.info({ outcome: effect.outcome }, 'interview ended');
        return;
      }
      case 'hang_up':
        this.records.confirm();
        this.deps.sink.hangUp();
        return;
    }
  }

  // ---- agent speech -------------------------------------------------------------------------

  private startReply(speechId: string, systemPrompt: string, tools: ToolSpec[]): void {
    const spec = this.speculation;
    this.speculation = undefined;
    if (spec && spec.speechId === speechId && spec.systemPrompt === systemPrompt) {
      // The speculative reply was written for exactly this turn: let it speak.
      this.speech.enqueue(spec.item);
      this.trackSpeech(speechId, true);
      return;
    }
    if (spec) this.wasteSpeculation(spec);
    this.speech.enqueue({ kind: 'reply', speechId, messages: this.history.forRequest(systemPrompt), tools });
    this.trackSpeech(speechId);
  }

  /** Ties a new speech item to the turn and utterance that caused it (for latency and resumes). */
  private trackSpeech(speechId: string, speculative = false): void {
    this.turns.attach(speechId, { speculative });
    if (this.lastCommit && !this.lastCommit.speechIds.includes(speechId)) {
      this.lastCommit.speechIds.push(speechId);
      this.utteranceBySpeech.set(speechId, this.lastCommit.utteranceId);
    }
  }

  private onReplyGenerated(speechId: string, reply: GeneratedReply): void {
    this.history.agentPlanned(speechId, reply.text, reply.toolCalls);
    if (reply.firstTokenAt !== undefined) this.turns.firstToken(speechId, reply.firstTokenAt);
    if (!reply.text) this.turns.handOn(speechId);
    for (const call of reply.toolCalls) this.apply({ type: 'llm_tool_called', atMs: this.now(), speechId, call });
    this.turns.closePending();
  }

  private onFirstHeard(speechId: string): void {
    this.bargeIn.agentSpeaking(true, this.deps.sink.mediaNowMs() / 1000);
    this.interruptedThisTurn = false;
    const utteranceId = this.utteranceBySpeech.get(speechId);
    if (utteranceId !== undefined) {
      // The caller hears the answer: the utterance is closed, new speech is a new turn.
      this.router.replyHeard(utteranceId);
    }
    this.records.confirm();
  }

  private onSpeechFinished(finished: SpeechFinished): void {
    const { speechId, heardText, interrupted } = finished;
    this.log.debug({ speechId, interrupted, heardChars: heardText.length }, 'agent speech finished');
    this.history.agentSaid(speechId, heardText, interrupted);
    if (heardText) {
      const line = {
        role: 'agent' as const,
        text: heardText,
        stage: currentStage(this.state),
        at: new Date(this.deps.clock.wallNow()),
        interrupted,
      };
      this.records.write((w) => w.transcriptLine(line));
    }
    this.recordTurn(speechId, finished);
    if (!this.speech.isSpeaking) this.bargeIn.agentSpeaking(false);
    if (this.resuming) return;
    this.apply({ type: 'agent_speech_finished', atMs: this.now(), speechId, heardText, interrupted });
  }

  private recordTurn(speechId: string, finished: SpeechFinished): void {
    const latency = this.turns.finish(speechId, finished.timings);
    if (!latency) return;
    this.records.write((w) => w.latency({ ...latency }));
    if (latency.voiceToVoiceHeardMs !== undefined) {
      this.deps.metrics.turnLatency.observe({ span: 'voice_to_voice_heard' }, latency.voiceToVoiceHeardMs);
    }
    if (latency.commitDelayMs !== undefined) {
      this.deps.metrics.turnLatency.observe({ span: 'commit_delay' }, latency.commitDelayMs);
    }
    this.log.info(
      {
        turn: latency.turn,
        commitDelayMs: latency.commitDelayMs,
        voiceToVoiceSentMs: latency.voiceToVoiceSentMs,
        voiceToVoiceHeardMs: latency.voiceToVoiceHeardMs,
        speculative: latency.speculative ?? false,
      },
      'turn latency',
    );
  }

  // ---- turn taking --------------------------------------------------------------------------

  private onCommitDecision(decision: CommitDecision): void {
    if (this.ended) return;
    switch (decision.type) {
      case 'speculate':
        return this.speculate(decision.utteranceId, decision.text);
      case 'speculation-invalidated':
        if (this.speculation?.utteranceId === decision.utteranceId) this.wasteSpeculation(this.speculation);
        this.speculation = undefined;
        return;
      case 'commit':
        return this.commit(decision);
      case 'resumed':
        return this.resume(decision.utteranceId);
    }
  }

  /** On a stable partial: work out what the machine would ask for, and start that reply held. */
  private speculate(utteranceId: number, text: string): void {
    if (this.speech.isSpeaking) return;
    if (this.speculation) this.wasteSpeculation(this.speculation);
    this.speculation = undefined;
    const preview = transition(this.state, { type: 'candidate_utterance_committed', atMs: this.now(), text });
    const request = preview.effects.find((e) => e.type === 'request_reply');
    if (request?.type !== 'request_reply') return;
    const item = this.speech.prepare({
      kind: 'reply',
      speechId: request.speechId,
      messages: this.history.forRequest(request.systemPrompt, text),
      tools: request.tools,
    });
    this.speculation = { utteranceId, text, speechId: request.speechId, systemPrompt: request.systemPrompt, item };
  }

  private wasteSpeculation(spec: Speculation): void {
    this.speech.discard(spec.item);
    this.deps.metrics.speculationsWasted.inc();
  }

  private commit(decision: Extract<CommitDecision, { type: 'commit' }>): void {
    const { utteranceId, text } = decision;
    this.candidateSpeaking = false;
    if (this.speech.isSpeaking && !this.interruptedThisTurn) {
      // Talk-over the barge-in policy let pass: feedback, not a turn.
      if (isBackchannel(text) || !this.speech.canBeInterrupted) {
        this.backchannelsIgnored++;
        this.records.write((w) => w.event('backchannel_ignored', {}));
        this.router.replyHeard(utteranceId);
        return;
      }
      this.interruptNow(undefined);
    }
    if (this.speculation && (this.speculation.utteranceId !== utteranceId || !decision.speculated)) {
      this.wasteSpeculation(this.speculation);
      this.speculation = undefined;
    }
    this.records.hold();
    this.lastCommit = {
      utteranceId,
      state: this.state,
      history: this.history.snapshot(),
      timers: this.timers.snapshot(),
      turnCount: this.turns.turnCount,
      speechIds: [],
    };
    const line = {
      role: 'candidate' as const,
      text,
      stage: currentStage(this.state),
      at: new Date(this.deps.clock.wallNow()),
    };
    this.records.write((w) => w.transcriptLine(line));
    this.turns.open(decision.lastWordEndS * 1000, this.deps.sink.mediaNowMs());
    this.history.addCandidate(text);
    this.apply({ type: 'candidate_utterance_committed', atMs: this.now(), text });
    // A turn that asked for no speech (e.g. a timer-driven move is pending) measures nothing.
    this.turns.closePending();
  }

  /** The caller went on after the commit, before hearing the reply: take the commit back. */
  private resume(utteranceId: number): void {
    const commit = this.lastCommit;
    if (!commit || commit.utteranceId !== utteranceId) return;
    this.resuming = true;
    for (const speechId of commit.speechIds) {
      this.turns.forget(speechId);
      this.speech.cancel(speechId);
    }
    this.resuming = false;
    // A speculation on the old words is of no use to the merged utterance.
    if (this.speculation) this.wasteSpeculation(this.speculation);
    this.speculation = undefined;
    this.records.rollback();
    this.state = commit.state;
    this.history.restore(commit.history);
    this.timers.restore(commit.timers);
    this.turns.rewindTo(commit.turnCount);
    this.lastCommit = undefined;
    this.candidateSpeaking = true;
  }

  private onBargeInDecision(decision: BargeInDecision): void {
    switch (decision.type) {
      case 'interrupt':
        return this.interruptNow(decision.atS);
      case 'ignored-backchannel':
        this.backchannelsIgnored++;
        return;
      case 'pause':
        // Soft pause (opt-in): stop feeding audio while the policy listens for real words.
        if (this.speech.canBeInterrupted) this.deps.sink.player.pause();
        return;
      case 'resume':
        this.deps.sink.player.resume();
        return;
    }
  }

  private interruptNow(onsetS: number | undefined): void {
    if (!this.speech.canBeInterrupted || this.interruptedThisTurn) return;
    this.interruptedThisTurn = true;
    const nowMs = this.deps.sink.mediaNowMs();
    this.speech.interrupt();
    this.bargeIn.agentSpeaking(false);
    this.deps.metrics.bargeIns.inc();
    const stopMs = onsetS === undefined ? 0 : Math.max(0, Math.round(nowMs - onsetS * 1000));
    this.bargeIns.push({ stopMs });
    this.records.write((w) => w.event('barge_in', { stopMs }));
    this.log.info({ stopMs }, 'caller barged in');
  }

  // ---- ending -------------------------------------------------------------------------------

  private close(fallbackOutcome: CallOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.timers.cancelAll();
    this.router.dispose();
    this.bargeIn.dispose();
    this.speech.dispose();
    if (this.speculation) this.speech.discard(this.speculation.item);
    // What was said stays in the record even if no reply was heard.
    this.records.confirm();
    void this.stt?.close();
    if (!this.outcome) {
      this.outcome = fallbackOutcome;
      this.deps.writer.finish(fallbackOutcome, 'stream ended', new Date(this.deps.clock.wallNow()));
    }
    const stats = this.router.stats;
    const summary: CallSummary = {
      outcome: this.outcome,
      turns: this.turns.completed,
      speculations: stats.speculations,
      speculationsWasted: stats.speculationsWasted,
      commits: stats.commits,
      resumes: stats.resumes,
      bargeIns: this.bargeIns,
      backchannelsIgnored: this.backchannelsIgnored,
    };
    // Told once everything the call wrote is stored, so a reader sees the whole record.
    void this.deps.writer.flush().then(() => this.deps.onEnded?.(summary));
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private wallDate(atMs: number): Date {
    return new Date(this.deps.clock.wallNow() - (this.deps.clock.now() - atMs));
  }
}
