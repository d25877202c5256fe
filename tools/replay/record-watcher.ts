/**
 * Follows a call's stored record while the call runs and reports what is new since the last
 * look: stages entered, transcript lines, per-turn latencies. The record only grows (lines are
 * stored once confirmed), so "new" is "past what was seen". Times are media ms: wall-clock
 * stamps minus the wall time the stream started.
 */
import type { TurnLatency } from '../../src/observability/turn-latency.js';
import type { CallRecord } from '../../src/store/call-record.js';

export type ReplayEvent =
  | { type: 'stage'; stage: string; atMs: number }
  | { type: 'line'; role: 'agent' | 'candidate'; text: string; stage: string; atMs: number; interrupted: boolean }
  | { type: 'turn'; latency: TurnLatency };

export class RecordWatcher {
  private stages = 0;
  private lines = 0;
  private turns = 0;

  constructor(
    private readonly read: () => Promise<CallRecord | null>,
    /** Wall-clock epoch ms when the stream started (media time 0). */
    private readonly wallAtStartMs: number,
  ) {}

  /** Reads the record and returns what appeared since the last call, in record order. */
  async poll(): Promise<ReplayEvent[]> {
    const record = await this.read();
    if (!record) return [];
    const said: ReplayEvent[] = [];
    for (const stage of record.stages.slice(this.stages)) {
      said.push({ type: 'stage', stage: stage.name, atMs: this.mediaMs(stage.startedAt) });
    }
    this.stages = record.stages.length;
    for (const line of record.transcript.slice(this.lines)) {
      said.push({
        type: 'line',
        role: line.role,
        text: line.text,
        stage: line.stage ?? '',
        atMs: this.mediaMs(line.at),
        interrupted: line.interrupted,
      });
    }
    this.lines = record.transcript.length;
    // A turn's latency is stored when its reply has been heard, after the lines it measured.
    const turns: ReplayEvent[] = record.latency
      .slice(this.turns)
      .filter(isTurnLatency)
      .map((latency) => ({ type: 'turn', latency }));
    this.turns = record.latency.length;
    return [...said.sort((a, b) => atMs(a) - atMs(b)), ...turns];
  }

  private mediaMs(iso: string): number {
    return Math.max(0, Date.parse(iso) - this.wallAtStartMs);
  }
}

function atMs(event: ReplayEvent): number {
  return event.type === 'turn' ? 0 : event.atMs;
}

function isTurnLatency(value: unknown): value is TurnLatency {
  return typeof value === 'object' && value !== null && typeof (value as { turn?: unknown }).turn === 'number';
}
