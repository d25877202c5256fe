/**
 * Record writes that follow a commit stay tentative until the caller hears the reply: a caller
 * who resumes speaking takes the commit back, and what it caused (a stage change, a transcript
 * line) must not reach the record. Confirmed writes go to the writer in their original order.
 * Owned by the TurnTransaction.
 */
import type { CallWriter } from '../store/call-writer.js';

/** The record writes a call makes (CallWriter does them, in the background, in call order). */
export type CallRecordWriter = Pick<
  CallWriter,
  'transcriptLine' | 'stageStarted' | 'stageEnded' | 'setStage' | 'latency' | 'event' | 'finish'
>;

export type RecordWrite = (writer: CallRecordWriter) => void;

export class TentativeRecords {
  private held: RecordWrite[] | undefined;

  constructor(private readonly writer: CallRecordWriter) {}

  write(op: RecordWrite): void {
    if (this.held) this.held.push(op);
    else op(this.writer);
  }

  /** From now on writes wait for confirm() or rollback(); earlier held writes are confirmed. */
  hold(): void {
    this.confirm();
    this.held = [];
  }

  confirm(): void {
    const ops = this.held;
    this.held = undefined;
    for (const op of ops ?? []) op(this.writer);
  }

  rollback(): void {
    this.held = undefined;
  }

  get isHolding(): boolean {
    return this.held !== undefined;
  }
}
