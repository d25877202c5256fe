/**
 * What the agent's speech reports do to the call: a reply's text and tool calls enter the LLM
 * history and the machine; a finished speech leaves what the caller heard in the history and the
 * transcript, then tells the machine; the first heard audio and the end of speech go to the
 * caller's side (CallerTurns), which judges talk-over against them.
 */
import type { Logger } from '../observability/logger.js';
import type { SpeechReport } from './agent-speech.js';
import type { CallEvent } from './call-events.js';
import type { CallInterview } from './call-interview.js';
import type { CallerTurns } from './caller-turns.js';
import type { ConversationHistory } from './conversation-history.js';
import type { TurnTransaction } from './turn-transaction.js';

export interface AgentTurnsOptions {
  interview: CallInterview;
  history: ConversationHistory;
  turn: TurnTransaction;
  caller: CallerTurns;
  wallNow: () => number;
  publish: (event: CallEvent) => void;
  logger: Logger;
}

export class AgentTurns {
  constructor(private readonly o: AgentTurnsOptions) {}

  onSpeechReport(report: SpeechReport): void {
    const { interview, history, publish } = this.o;
    switch (report.type) {
      case 'speech_first_heard':
        this.o.caller.agentHeard(report.speechId);
        return;
      case 'reply_generated': {
        const { speechId, reply } = report;
        history.agentPlanned(speechId, reply.text, reply.toolCalls);
        const spokenText = reply.text;
        const queued = reply.toolCalls.flatMap((call) =>
          interview.apply({ type: 'llm_tool_called', atMs: interview.now(), speechId, call, spokenText }),
        );
        // After the tool calls: a goodbye that came with a proposal must not count twice.
        if (reply.endedConversation) {
          queued.push(...interview.apply({ type: 'llm_said_goodbye', atMs: interview.now(), speechId }));
        }
        const firstTokenAtMs = reply.firstTokenAt;
        publish({ type: 'reply_generated', speechId, firstTokenAtMs, spoke: reply.text !== '', handedTo: queued[0] });
        return;
      }
      case 'speech_failed':
        // The reply could not be produced after every attempt: the machine apologises and ends the call.
        interview.apply({ type: 'error_occurred', atMs: interview.now(), reason: report.reason });
        return;
      case 'speech_finished': {
        const { speechId, heardText, interrupted, timings } = report.finished;
        this.o.logger.debug({ speechId, interrupted, heardChars: heardText.length }, 'agent speech finished');
        history.agentSaid(speechId, heardText, interrupted);
        if (heardText) {
          const line = { role: 'agent' as const, text: heardText, stage: interview.stage, interrupted };
          const at = new Date(this.o.wallNow());
          this.o.turn.write((w) => w.transcriptLine({ ...line, at }));
        }
        publish({ type: 'speech_ended', speechId, heardText, interrupted, timings });
        // Before the machine hears of it: what the machine queues next is a new agent turn.
        this.o.caller.agentMayHaveStopped();
        interview.apply({ type: 'agent_speech_finished', atMs: interview.now(), speechId, heardText, interrupted });
        return;
      }
      default: {
        const unreachable: never = report;
        return unreachable;
      }
    }
  }
}
