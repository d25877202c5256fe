/**
 * Carries out the interview machine's effects, each on the port it belongs to: speech, the LLM
 * history, the machine's timers, the record (through the turn transaction, so writes after a
 * commit stay tentative), the commit router's stage, and the media stream's hang-up. It decides
 * nothing; the machine did.
 */
import type { InterviewEffect, TimerName } from '../interview/index.js';
import type { Logger } from '../observability/logger.js';
import type { CallOutcome } from '../store/call-store.js';
import type { AgentSpeech } from './agent-speech.js';
import type { QueuedSpeech } from './call-events.js';
import type { ConversationHistory } from './conversation-history.js';
import type { NamedTimers } from './named-timers.js';
import type { TurnTransaction } from './turn-transaction.js';

export interface EffectPorts {
  speech: AgentSpeech;
  history: ConversationHistory;
  timers: NamedTimers<TimerName>;
  turn: TurnTransaction;
  logger: Logger;
  /** The commit router follows the stage (its parameters differ by stage). */
  setStage: (stage: string) => void;
  /** Closes the media stream, which ends the phone call. */
  hangUp: () => void;
  /** The interview decided how the call ends. */
  setOutcome: (outcome: CallOutcome) => void;
  /** Wall-clock time of an event stamped `atMs` on the call's clock. */
  wallDate: (atMs: number) => Date;
  /** The greeting's opening, rendered ahead, when ready. */
  greetingAudio: Buffer | undefined;
  /** A fixed line rendered ahead in the call's voice (the error goodbye), so it plays with TTS down. */
  renderedLine?: (text: string) => Buffer | undefined;
}

export class EffectRunner {
  constructor(private readonly ports: EffectPorts) {}

  /** Runs the effects in order; returns the speech they queued, in order. */
  runAll(effects: readonly InterviewEffect[]): QueuedSpeech[] {
    const queued: QueuedSpeech[] = [];
    for (const effect of effects) {
      const speech = this.run(effect);
      if (speech) queued.push(speech);
    }
    return queued;
  }

  private run(effect: InterviewEffect): QueuedSpeech | undefined {
    const { turn, logger } = this.ports;
    switch (effect.type) {
      case 'stage_started': {
        const at = this.ports.wallDate(effect.atMs);
        turn.write((w) => {
          w.stageStarted(effect.stage, at);
          w.setStage(effect.stage);
        });
        this.ports.setStage(effect.stage);
        logger.info({ stage: effect.stage }, 'stage started');
        return undefined;
      }
      case 'stage_ended': {
        const notes = {
          notes: effect.notes,
          evidence: effect.evidence,
          turns: effect.turns,
          questionsAsked: effect.questionsAsked,
          questionsNotAsked: effect.questionsNotAsked,
          refusedProposals: effect.refused,
          ...(effect.firstQuestionNotAsked ? { firstQuestionNotAsked: effect.firstQuestionNotAsked } : {}),
        };
        const end = { at: this.ports.wallDate(effect.atMs), reason: effect.reason, notes };
        turn.write((w) => w.stageEnded(effect.stage, end));
        logger.info({ stage: effect.stage, reason: effect.reason }, 'stage ended');
        return undefined;
      }
      case 'say':
        return this.say(effect);
      case 'request_reply':
        return this.requestReply(effect);
      case 'cancel_speech':
        this.ports.speech.cancel(effect.speechId);
        return undefined;
      case 'answer_tool_call':
        this.ports.history.addToolResult(effect.toolCallId, effect.content);
        return undefined;
      case 'proposal_ignored':
        turn.write((w) =>
          w.event('proposal_ignored', { stage: effect.stage, tool: effect.toolName, reason: effect.reason }),
        );
        return undefined;
      case 'start_timer':
        this.ports.timers.start(effect.timer, effect.afterMs);
        return undefined;
      case 'cancel_timer':
        this.ports.timers.cancel(effect.timer);
        return undefined;
      case 'monologue_detected': {
        const at = this.ports.wallDate(effect.atMs);
        turn.write((w) => w.event('monologue', { stage: effect.stage }, at));
        return undefined;
      }
      case 'dtmf_logged': {
        const at = this.ports.wallDate(effect.atMs);
        turn.write((w) => w.event('dtmf', { digit: effect.digit, stage: effect.stage }, at));
        logger.info({ stage: effect.stage }, 'dtmf received');
        return undefined;
      }
      case 'end_call': {
        this.ports.setOutcome(effect.outcome);
        const at = this.ports.wallDate(effect.atMs);
        turn.write((w) => w.finish(effect.outcome, effect.reason, at));
        logger.info({ outcome: effect.outcome }, 'interview ended');
        return undefined;
      }
      case 'hang_up':
        turn.settle();
        this.ports.hangUp();
        return undefined;
      default: {
        const unreachable: never = effect;
        return unreachable;
      }
    }
  }

  private say(effect: Extract<InterviewEffect, { type: 'say' }>): QueuedSpeech {
    const { speech, history, turn } = this.ports;
    const prerendered =
      effect.purpose === 'greeting_opening'
        ? this.ports.greetingAudio
        : effect.purpose === 'goodbye'
          ? this.ports.renderedLine?.(effect.text)
          : undefined;
    history.agentPlanned(effect.speechId, effect.text);
    speech.enqueue({
      kind: 'say',
      speechId: effect.speechId,
      text: effect.text,
      interruptible: effect.interruptible,
      ...(prerendered ? { prerendered } : {}),
    });
    turn.speechQueued(effect.speechId);
    return { speechId: effect.speechId, speculative: false };
  }

  private requestReply(effect: Extract<InterviewEffect, { type: 'request_reply' }>): QueuedSpeech {
    const { speech, history, turn } = this.ports;
    // The speculative reply was written for exactly this turn: let it speak.
    const adopted = turn.adopt(effect.speechId, effect.systemPrompt);
    speech.enqueue(
      adopted ?? {
        kind: 'reply',
        speechId: effect.speechId,
        messages: history.forRequest(effect.systemPrompt),
        tools: effect.tools,
        ...(effect.previousLine === undefined ? {} : { previousLine: effect.previousLine }),
      },
    );
    turn.speechQueued(effect.speechId);
    return { speechId: effect.speechId, speculative: adopted !== undefined };
  }
}
