/**
 * What the caller's speech does to the call: STT results feed the commit router and the barge-in
 * policy, and their decisions (posted back through the mailbox) become a speculation, a commit,
 * a commit taken back, an interruption of the agent, or feedback that is ignored. It owns the two
 * flags of the caller's turn (speaking, already let in over the agent this agent turn); the
 * tentative part of a turn is the TurnTransaction's.
 */
import type { MediaSink } from '../media/media-session.js';
import type { Logger } from '../observability/logger.js';
import type { AudioPace, SttEvent } from '../stt/stt-stream.js';
import { isBackchannel } from '../turns/backchannel.js';
import type { BargeInDecision, BargeInPolicy } from '../turns/barge-in-policy.js';
import type { CommitDecision, CommitRouter } from '../turns/commit-router.js';
import { finalizesStt } from '../turns/stt-finalize.js';
import type { VoiceActivityDetector } from '../vad/voice-activity.js';
import type { AgentSpeech } from './agent-speech.js';
import type { CallEvent } from './call-events.js';
import type { CallInput } from './call-inputs.js';
import type { CallInterview } from './call-interview.js';
import type { ConversationHistory } from './conversation-history.js';
import { countsAsSpeechStart } from './real-speech.js';
import type { TurnTransaction } from './turn-transaction.js';

/**
 * Quiet this long, the caller's audio may go to the STT in larger messages. Longer than the STT's
 * utterance end (1 s after the last word) takes to arrive, so every result the turn-taking
 * weighs comes at the live pace; the first sound ends it (VoiceActivityDetector.quietForMs).
 */
const QUIET_PACE_AFTER_MS = 2000;

export interface CallerTurnsOptions {
  router: CommitRouter;
  bargeIn: BargeInPolicy;
  /** The local VAD on the caller's audio. */
  vad: VoiceActivityDetector;
  speech: AgentSpeech;
  turn: TurnTransaction;
  interview: CallInterview;
  history: ConversationHistory;
  sink: MediaSink;
  wallNow: () => number;
  post: (input: CallInput) => void;
  publish: (event: CallEvent) => void;
  logger: Logger;
}

export class CallerTurns {
  private readonly o: CallerTurnsOptions;
  /** The STT has heard words of a turn not yet committed (told to the machine once). */
  private candidateSpeaking = false;
  /** The caller was let in over the agent; reset when the agent's next speech is heard. */
  private interruptedThisTurn = false;
  /** The caller hears the agent now: their voice may be talk-over. */
  private agentAudible = false;
  /** The VAD has just heard the caller stop: the STT is to finalize after this frame. */
  private finalizeDue = false;

  constructor(options: CallerTurnsOptions) {
    this.o = options;
  }

  onSttEvent(event: SttEvent): void {
    const { router, bargeIn, interview } = this.o;
    // Their decisions are posted: they run after this handler, in the order they were made.
    router.handle(event);
    bargeIn.handle(event);
    if (countsAsSpeechStart(event) && !this.candidateSpeaking) {
      this.candidateSpeaking = true;
      interview.apply({ type: 'candidate_speech_started', atMs: interview.now() });
    }
  }

  /** The STT lost its connection: the router waits for the late results before judging silence. */
  onSttGap(sentUntilS: number): void {
    this.o.router.sttGap(sentUntilS);
  }

  /**
   * One 20 ms frame of the caller's audio starting at media `atMs`. The VAD runs on every frame
   * (~45 ms of CPU a call-minute, bench/voice-activity.ts): its offsets are the router's fast
   * evidence of silence; its onsets hold the agent's audio only while the caller hears it.
   */
  onAudio(mulaw: Buffer, atMs: number): void {
    for (const event of this.o.vad.push(mulaw, atMs)) {
      this.o.router.voice(event);
      if (this.agentAudible) this.o.bargeIn.voice(event);
      if (finalizesStt(event)) this.finalizeDue = true;
    }
  }

  /** True once after the frame on which the caller went quiet: ask the STT for its finals now. */
  takeFinalizeDue(): boolean {
    const due = this.finalizeDue;
    this.finalizeDue = false;
    return due;
  }

  /** The pace for the caller audio the VAD has just heard (after onAudio). */
  audioPace(): AudioPace {
    return this.o.vad.quietForMs() >= QUIET_PACE_AFTER_MS ? 'quiet' : 'live';
  }

  onCommitDecided(decision: CommitDecision): void {
    const { turn, interview } = this.o;
    switch (decision.type) {
      case 'speculate':
        turn.speculate(decision.utteranceId, decision.text, interview.now());
        return;
      case 'speculation-invalidated':
        turn.invalidate();
        return;
      case 'commit':
        this.commit(decision);
        return;
      case 'resumed':
        // The caller went on after the commit, before hearing the reply: take the commit back.
        if (!turn.rollback(decision.utteranceId)) return;
        this.agentMayHaveStopped();
        this.candidateSpeaking = true;
        return;
      default: {
        const unreachable: never = decision;
        return unreachable;
      }
    }
  }

  onBargeInDecided(decision: BargeInDecision): void {
    const { speech, sink, publish } = this.o;
    switch (decision.type) {
      case 'interrupt':
        this.interrupt(decision.atS);
        return;
      case 'ignored-backchannel':
        publish({ type: 'backchannel_ignored' });
        return;
      case 'hold':
        // Stop feeding, no clear: what Twilio holds plays on while the words decide.
        if (speech.canBeInterrupted) this.o.bargeIn.held(sink.audio.hold());
        return;
      case 'release':
        sink.audio.release();
        return;
      default: {
        const unreachable: never = decision;
        return unreachable;
      }
    }
  }

  /** The caller heard the first audio of `speechId`: the agent is speaking to them now. */
  agentHeard(speechId: string): void {
    const { bargeIn, sink, turn, router } = this.o;
    bargeIn.agentSpeaking(true, sink.mediaNowMs() / 1000);
    this.interruptedThisTurn = false;
    this.agentAudible = true;
    // The caller hears the answer: the utterance is closed, new speech is a new turn.
    const utteranceId = turn.heard(speechId);
    if (utteranceId !== undefined) router.replyHeard(utteranceId);
  }

  /** A speech ended or was withdrawn: with nothing left to say, caller speech is no talk-over. */
  agentMayHaveStopped(): void {
    if (this.o.speech.isSpeaking) return;
    this.o.bargeIn.agentSpeaking(false);
    this.stopListeningForVoice();
  }

  dispose(): void {
    this.o.router.dispose();
    this.o.bargeIn.dispose();
  }

  private stopListeningForVoice(): void {
    this.agentAudible = false;
  }

  private commit(decision: Extract<CommitDecision, { type: 'commit' }>): void {
    const { speech, turn, interview, history, router } = this.o;
    const { utteranceId, text } = decision;
    this.candidateSpeaking = false;
    if (speech.isSpeaking && !this.interruptedThisTurn) {
      // Talk-over the barge-in policy let pass: feedback, not a turn.
      if (isBackchannel(text) || !speech.canBeInterrupted) {
        this.o.publish({ type: 'backchannel_ignored' });
        turn.write((w) => w.event('backchannel_ignored', {}));
        router.replyHeard(utteranceId);
        return;
      }
      this.interrupt(undefined);
      // The turn is taken once the interrupted speech has reported what the caller heard of it.
      this.o.post({ type: 'commit_decided', decision, afterInterrupt: true });
      return;
    }
    turn.begin(utteranceId, decision.speculated);
    const line = { role: 'candidate' as const, text, stage: interview.stage, at: new Date(this.o.wallNow()) };
    turn.write((w) => w.transcriptLine(line));
    const commitAtMs = this.o.sink.mediaNowMs();
    history.addCandidate(text);
    const queued = interview.apply({ type: 'candidate_utterance_committed', atMs: interview.now(), text });
    this.o.publish({
      type: 'utterance_committed',
      utteranceId,
      speechEndAtMs: decision.lastWordEndS * 1000,
      commitAtMs,
      answeredBy: queued[0],
    });
  }

  private interrupt(onsetS: number | undefined): void {
    const { speech, bargeIn, sink, turn } = this.o;
    if (!speech.canBeInterrupted || this.interruptedThisTurn) return;
    this.interruptedThisTurn = true;
    const nowMs = sink.mediaNowMs();
    speech.interrupt();
    bargeIn.agentSpeaking(false);
    this.stopListeningForVoice();
    const stopMs = onsetS === undefined ? 0 : Math.max(0, Math.round(nowMs - onsetS * 1000));
    this.o.publish({ type: 'barged_in', stopMs });
    turn.write((w) => w.event('barge_in', { stopMs }));
    this.o.logger.info({ stopMs }, 'caller barged in');
  }
}
