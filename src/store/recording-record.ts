import type { Selectable } from 'kysely';
import type { CallRecordingsTable } from './schema.js';

/**
 * How a call's recording shows in its record. The recording's offset 0 is the media stream's
 * start (`recording.startedAt`, wall clock); a transcript line's `at` is when the line ended
 * (an agent line when its audio finished playing or was cut, a candidate line when the turn was
 * committed), so `endOffsetMs` is exact and `offsetMs`, where to seek to hear the line, is the
 * end of the line before it (the gap before this line starts there).
 */
export interface RecordingInfo {
  /** The WAV, relative to the service: `/api/calls/<id>/recording`. */
  url: string;
  /** Wall-clock instant of offset 0, ISO-8601. */
  startedAt: string;
  /** Length, ms; null while the call is being recorded (or if the process stopped first). */
  durationMs: number | null;
}

export interface LineOffsets {
  /** Where to seek to hear this line, ms from the recording's start; null without a recording. */
  offsetMs: number | null;
  /** Where the line ended in the recording, ms; null without a recording. */
  endOffsetMs: number | null;
}

export function recordingInfo(callId: string, row: Selectable<CallRecordingsTable> | undefined): RecordingInfo | null {
  if (!row) return null;
  return {
    url: `/api/calls/${encodeURIComponent(callId)}/recording`,
    startedAt: row.started_at.toISOString(),
    durationMs: row.duration_ms,
  };
}

/** Each line's offsets (see above), given the lines' end instants in order. */
export function lineOffsets(recording: RecordingInfo | null, lineEnds: readonly Date[]): LineOffsets[] {
  if (!recording) return lineEnds.map(() => ({ offsetMs: null, endOffsetMs: null }));
  const zero = Date.parse(recording.startedAt);
  const cap = recording.durationMs ?? Number.POSITIVE_INFINITY;
  let previousEnd = 0;
  return lineEnds.map((at) => {
    const endOffsetMs = Math.min(cap, Math.max(0, at.getTime() - zero));
    const offsetMs = Math.min(previousEnd, endOffsetMs);
    previousEnd = Math.max(previousEnd, endOffsetMs);
    return { offsetMs, endOffsetMs };
  });
}
