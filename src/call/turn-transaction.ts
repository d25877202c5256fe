/**
 * The turn transaction: the one owner of everything tentative about the caller's turn.
 *
 * - Speculation: on a stable partial, the reply the machine would ask for is prepared (LLM and
 *   TTS start, audio held); the commit adopts it when it is exactly the reply asked for, else it
 *   is thrown away and counted (`work_wasted`). How many a turn is the commit router's cap
 *   (`CommitParams.maxSpeculations`), the one place it is decided.
 * - Commit: the machine state and the LLM history as they were are kept, and record writes are
 *   held from then on; the caller hearing the reply confirms them (released in order).
 * - Rollback: the caller went on before hearing anything, so the commit never happened: its
 *   speech is withdrawn, the machine state and history go back to the kept ones, the held writes
 *   are dropped and the timers are re-armed from the restored machine state (which holds their
 *   due times), for what was left of them.
 */
import { type InterviewState, type TimerName, transition } from '../interview/index.js';
import type { AgentSpeech, SpeechItem, ThrownAwayWork } from './agent-speech.js';
import type { CallEvent } from './call-events.js';
import type { ConversationHistory, HistorySnapshot } from './conversation-history.js';
import type { NamedTimers } from './named-timers.js';
import { type CallRecordWriter, type RecordWrite, TentativeRecords } from './tentative-records.js';

/** Where the call keeps its interview machine's state; the transaction previews, keeps and restores it. */
export interface MachineHolder {
  state: InterviewState;
}

export interface TurnTransactionOptions {
  speech: AgentSpeech;
  history: ConversationHistory;
  writer: CallRecordWriter;
  timers: NamedTimers<TimerName>;
  machine: MachineHolder;
  publish: (event: CallEvent) => void;
}

interface Speculation {
  utteranceId: number;
  speechId: string;
  systemPrompt: string;
  item: SpeechItem;
}

/** A commit not yet heard: what it changed, as it was before. */
interface OpenCommit {
  utteranceId: number;
  state: InterviewState;
  history: HistorySnapshot;
  /** Speech queued since the commit; withdrawn if the commit is taken back. */
  speechIds: string[];
}

export class TurnTransaction {
  private readonly options: TurnTransactionOptions;
  private readonly records: TentativeRecords;
  private speculation: Speculation | undefined;
  private open: OpenCommit | undefined;

  constructor(options: TurnTransactionOptions) {
    this.options = options;
    this.records = new TentativeRecords(options.writer);
  }

  /** Every record write of the call goes through here: held while a commit is tentative. */
  write(op: RecordWrite): void {
    this.records.write(op);
  }

  /** A stable partial: start, held, the reply the machine would ask for if `text` were committed. */
  speculate(utteranceId: number, text: string, atMs: number): void {
    const { speech, history, machine } = this.options;
    if (speech.isSpeaking) return;
    this.dropSpeculation();
    const preview = transition(machine.state, { type: 'candidate_utterance_committed', atMs, text });
    const request = preview.effects.find((e) => e.type === 'request_reply');
    if (request?.type !== 'request_reply') return;
    const item = speech.prepare({
      kind: 'reply',
      speechId: request.speechId,
      messages: history.forRequest(request.systemPrompt, text),
      tools: request.tools,
      ...(request.previousLine === undefined ? {} : { previousLine: request.previousLine }),
    });
    this.speculation = { utteranceId, speechId: request.speechId, systemPrompt: request.systemPrompt, item };
  }

  /** The words changed after `speculate`: that reply is of no use. */
  invalidate(): void {
    this.dropSpeculation();
  }

  /**
   * A `request_reply`: the held speculation when it was written for exactly this reply (same
   * speech and prompt), ready to queue; otherwise undefined, and the speculation is thrown away.
   */
  adopt(speechId: string, systemPrompt: string): SpeechItem | undefined {
    const spec = this.speculation;
    this.speculation = undefined;
    if (spec && spec.speechId === speechId && spec.systemPrompt === systemPrompt) return spec.item;
    if (spec) this.waste('speculation', this.options.speech.discard(spec.item));
    return undefined;
  }

  /**
   * The router committed `utteranceId`: from here on it is tentative. `speculated`: the last
   * speculation had these very words, so it may still be adopted.
   */
  begin(utteranceId: number, speculated: boolean): void {
    if (this.speculation && (this.speculation.utteranceId !== utteranceId || !speculated)) this.dropSpeculation();
    this.records.hold();
    const { machine, history } = this.options;
    this.open = { utteranceId, state: machine.state, history: history.snapshot(), speechIds: [] };
  }

  /** A speech was queued; while a commit is open it belongs to that commit. */
  speechQueued(speechId: string): void {
    if (this.open && !this.open.speechIds.includes(speechId)) this.open.speechIds.push(speechId);
  }

  /**
   * The caller heard the first audio of `speechId`: held writes are confirmed. Returns the
   * utterance it answers when it is the open commit's speech (that utterance is then closed).
   */
  heard(speechId: string): number | undefined {
    this.records.confirm();
    return this.open?.speechIds.includes(speechId) ? this.open.utteranceId : undefined;
  }

  /**
   * The caller went on speaking before hearing the reply to `utteranceId`: the commit is taken
   * back whole. Returns false when there is no such commit to take back.
   */
  rollback(utteranceId: number): boolean {
    const commit = this.open;
    if (!commit || commit.utteranceId !== utteranceId) return false;
    this.open = undefined;
    const { speech, machine, history, timers, publish } = this.options;
    const cost: ThrownAwayWork = { llmCalls: 0, ttsCharacters: 0 };
    for (const speechId of commit.speechIds) {
      const withdrawn = speech.withdraw(speechId);
      cost.llmCalls += withdrawn?.llmCalls ?? 0;
      cost.ttsCharacters += withdrawn?.ttsCharacters ?? 0;
    }
    // A speculation on the old words is of no use to the merged utterance.
    this.dropSpeculation();
    this.records.rollback();
    machine.state = commit.state;
    history.restore(commit.history);
    timers.rearm(commit.state.timers);
    publish({ type: 'commit_taken_back', utteranceId, withdrawn: commit.speechIds });
    if (cost.llmCalls > 0 || cost.ttsCharacters > 0) this.waste('taken_back', cost);
    return true;
  }

  /** The call is ending: what was said stays in the record; a speculation is dropped uncounted. */
  settle(): void {
    this.records.confirm();
    if (this.speculation) this.options.speech.discard(this.speculation.item);
    this.speculation = undefined;
  }

  private dropSpeculation(): void {
    const spec = this.speculation;
    this.speculation = undefined;
    if (spec) this.waste('speculation', this.options.speech.discard(spec.item));
  }

  private waste(reason: 'speculation' | 'taken_back', cost: ThrownAwayWork): void {
    this.options.publish({ type: 'work_wasted', reason, ...cost });
  }
}
