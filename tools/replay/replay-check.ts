/**
 * What a replay must reproduce, checked against the fixture's `outcome` line: the outcome, the
 * stages entered, and the transcript line by line (role, text, interrupted). Each difference is
 * one readable sentence with the replayed and the recorded value.
 */

import type { OutcomeLine } from '../../src/recording/fixture-format.js';
import type { CallRecord } from '../../src/store/call-record.js';

type Replayed = Pick<CallRecord, 'outcome' | 'stages' | 'transcript'>;
type Line = { role: string; text: string; interrupted: boolean };

/**
 * The heard part of a cut-off agent line is estimated from the played position, to the 20 ms
 * frame, and the replay phone may place a caller frame up to one frame from its recorded media
 * time; a word ending inside that frame can move the cut by one word. Such lines match.
 */
export function sameLine(got: Line | undefined, want: Line | undefined): boolean {
  if (got?.role !== want?.role || got?.interrupted !== want?.interrupted) return false;
  if (got?.text === want?.text) return true;
  if (!got || !want || !got.interrupted || got.role !== 'agent') return false;
  const [shorter, longer] = got.text.length <= want.text.length ? [got.text, want.text] : [want.text, got.text];
  if (!longer.startsWith(shorter)) return false;
  return longer.slice(shorter.length).trim().split(/\s+/).length <= 1;
}

export function compareWithRecording(replayed: Replayed | null, recorded: OutcomeLine | undefined): string[] {
  if (!recorded) return [];
  if (!replayed) return ['the replayed call left no record'];
  const differences: string[] = [];
  const outcome = replayed.outcome ?? 'none';
  if (outcome !== recorded.outcome) differences.push(`outcome: replayed ${outcome}, recorded ${recorded.outcome}`);
  const stages = replayed.stages.map((s) => s.name).join(' → ');
  const recordedStages = recorded.stages.join(' → ');
  if (stages !== recordedStages) differences.push(`stages: replayed ${stages}, recorded ${recordedStages}`);

  const lines = replayed.transcript;
  const count = Math.max(lines.length, recorded.transcript.length);
  for (let i = 0; i < count; i++) {
    const got = lines[i];
    const want = recorded.transcript[i];
    const shown = (l: Line | undefined) =>
      l ? `${l.role}${l.interrupted ? ' (interrupted)' : ''} "${l.text}"` : '(no line)';
    if (!sameLine(got, want)) {
      differences.push(`transcript line ${i + 1}: replayed ${shown(got)}, recorded ${shown(want)}`);
    }
  }
  return differences;
}
