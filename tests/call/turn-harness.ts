/**
 * The turn transaction with its real collaborators (AgentSpeech on an OutboundPlayer, the
 * interview machine with the EffectRunner, the LLM history, the machine's timers) on a
 * ManualClock, no sockets: the LLM and TTS are in-process ports that note what they were asked,
 * the record writer notes each write. The call starts just after the greeting was heard.
 */

import { AgentSpeech } from '../../src/call/agent-speech.js';
import type { CallEvent } from '../../src/call/call-events.js';
import { CallInterview } from '../../src/call/call-interview.js';
import { ConversationHistory } from '../../src/call/conversation-history.js';
import { EffectRunner } from '../../src/call/effect-runner.js';
import { NamedTimers } from '../../src/call/named-timers.js';
import type { CallRecordWriter } from '../../src/call/tentative-records.js';
import { TurnTransaction } from '../../src/call/turn-transaction.js';
import {
  type CallContext,
  createDefinitionRegistry,
  greetingOpening,
  greetingPersonal,
  type InterviewEvent,
  type TimerName,
  transition,
} from '../../src/interview/index.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { ChatMessage, LlmProvider, ReplyDelta } from '../../src/llm/reply-stream.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { createLogger } from '../../src/observability/logger.js';
import { HoldingLines } from '../../src/tts/holding-lines.js';
import type { Synthesizer } from '../../src/tts/synthesizer.js';

export const REPLY = 'Thank you. Could you tell me a little about yourself?';
/** The greeting was heard by this clock time, ms. */
export const GREETED_AT_MS = 15_000;

export interface LlmRequest {
  messages: ChatMessage[];
  aborted: boolean;
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function turnHarness(options: { reply?: ReplyDelta[] } = {}) {
  const clock = new ManualClock(0, Date.UTC(2026, 0, 1, 9));
  const logger = createLogger('silent');
  const definition = createDefinitionRegistry().get('default');
  const context: CallContext = { role: 'Backend Engineer' };

  const llmRequests: LlmRequest[] = [];
  const llm: LlmProvider = {
    async *streamReply(request) {
      const noted: LlmRequest = { messages: request.messages, aborted: false };
      llmRequests.push(noted);
      request.signal?.addEventListener('abort', () => {
        noted.aborted = true;
      });
      for (const delta of options.reply ?? [{ type: 'text', text: REPLY }, { type: 'text-ended' }]) {
        await Promise.resolve();
        if (request.signal?.aborted) return;
        yield delta;
      }
    },
  };
  const ttsTexts: string[] = [];
  const tts: Synthesizer = {
    async *synthesize(text) {
      ttsTexts.push(text);
      yield Buffer.alloc(text.length * 80, 0x42);
    },
  };
  const wire = { frames: 0, clears: 0 };
  const player = new OutboundPlayer({
    clock,
    sendMedia: () => {
      wire.frames++;
    },
    sendMark: () => {},
    sendClear: () => {
      wire.clears++;
    },
  });
  const writes: string[] = [];
  const writer: CallRecordWriter = {
    transcriptLine: (line) => writes.push(`${line.role}: ${line.text}`),
    stageStarted: (name) => writes.push(`stage started ${name}`),
    stageEnded: (name, end) => writes.push(`stage ended ${name} (${end.reason})`),
    setStage: (stage) => writes.push(`stage ${stage}`),
    latency: () => writes.push('latency'),
    event: (type) => writes.push(`event ${type}`),
    finish: (outcome) => writes.push(`finish ${outcome}`),
  };
  const fired: { timer: TimerName; atMs: number }[] = [];
  const events: CallEvent[] = [];

  const history = new ConversationHistory();
  const timers = new NamedTimers<TimerName>(clock, (timer) => fired.push({ timer, atMs: clock.now() }));
  const speech = new AgentSpeech({
    sink: player,
    tts,
    llm,
    signal: new AbortController().signal,
    now: () => clock.now(),
    logger,
    clock,
    holdingLines: new HoldingLines(() => undefined, tts, logger),
    post: () => {},
  });
  let effects: EffectRunner | undefined;
  const interview = new CallInterview(definition, {}, clock, (list) => effects?.runAll(list) ?? []);
  const turn = new TurnTransaction({
    speech,
    history,
    writer,
    timers,
    machine: interview,
    publish: (event) => events.push(event),
  });
  effects = new EffectRunner({
    speech,
    history,
    timers,
    turn,
    logger,
    setStage: () => {},
    hangUp: () => {},
    setOutcome: () => {},
    wallDate: (atMs) => new Date(clock.wallNow() - (clock.now() - atMs)),
    greetingAudio: undefined,
  });

  // The greeting (speeches s1, s2) was said and heard; the machine waits for the caller, its
  // timers (call, stage, silence) armed as its state says.
  const lines = [greetingOpening(definition), greetingPersonal(definition, context)];
  const greeted: InterviewEvent[] = [
    { type: 'call_started', atMs: 0, context },
    { type: 'agent_speech_finished', atMs: 8000, speechId: 's1', heardText: lines[0]!, interrupted: false },
    { type: 'agent_speech_finished', atMs: GREETED_AT_MS, speechId: 's2', heardText: lines[1]!, interrupted: false },
  ];
  for (const event of greeted) interview.state = transition(interview.state, event).state;
  lines.forEach((text, i) => {
    history.agentPlanned(`s${i + 1}`, text);
    history.agentSaid(`s${i + 1}`, text, false);
  });
  clock.advance(GREETED_AT_MS);
  timers.rearm(interview.state.timers);

  /** What CallerTurns does on a commit decision, without the talk-over check. */
  function commit(utteranceId: number, text: string, speculated: boolean) {
    turn.begin(utteranceId, speculated);
    turn.write((w) =>
      w.transcriptLine({ role: 'candidate', text, stage: interview.stage, at: new Date(clock.wallNow()) }),
    );
    history.addCandidate(text);
    return interview.apply({ type: 'candidate_utterance_committed', atMs: clock.now(), text });
  }

  return {
    clock,
    interview,
    history,
    timers,
    speech,
    turn,
    llmRequests,
    ttsTexts,
    wire,
    writes,
    fired,
    events,
    commit,
  };
}
