/**
 * The recorded STT events of a call, per stream, ready for the Deepgram fake's replay mode:
 * each event is emitted when the replayed stream has been sent as much audio as the recorded
 * one had when the event arrived. A stream the recording does not have is a divergence (it
 * gets no events, so the call hears silence there).
 */

import type { SttLine } from '../../src/recording/fixture-format.js';
import type { SttEvent } from '../../src/stt/stt-stream.js';
import type { DivergenceLog } from './divergence.js';

export interface ReplayedSttEvent {
  /** Audio seconds received when the event is due. */
  audioS: number;
  event: SttEvent;
}

export interface SttReplayOptions {
  divergences: DivergenceLog;
  /** Media time now, ms, to stamp divergences. */
  mediaNowMs: () => number;
}

export class SttReplay {
  private readonly streams = new Map<number, ReplayedSttEvent[]>();

  constructor(
    lines: readonly SttLine[],
    private readonly options: SttReplayOptions,
  ) {
    for (const line of lines) {
      const events = this.streams.get(line.stream) ?? [];
      events.push({ audioS: line.audioS, event: line.event as SttEvent });
      this.streams.set(line.stream, events);
    }
  }

  /** Recorded stream count (at least 1: a call always has its first stream). */
  get streamCount(): number {
    return Math.max(1, ...[...this.streams.keys()].map((k) => k + 1));
  }

  /** Events for the replayed stream `index`, in recorded order. */
  eventsFor(index: number): ReplayedSttEvent[] {
    if (index >= this.streamCount) {
      this.options.divergences.add({
        kind: 'stt',
        atMs: this.options.mediaNowMs(),
        asked: `STT stream #${index} opened`,
        recorded: `${this.streamCount} stream${this.streamCount === 1 ? '' : 's'}`,
      });
      return [];
    }
    return [...(this.streams.get(index) ?? [])];
  }
}
