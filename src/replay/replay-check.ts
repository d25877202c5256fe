/**
 * What a replay must reproduce, checked against the fixture's `outcome` line: the outcome, the
 * stages entered, and the transcript line by line (role, text, interrupted). Each difference is
 * one readable sentence with the replayed and the recorded value.
 */
import type { CallRecord } from '../store/call-record.js';
import type { OutcomeLine } from './fixture-format.js';

type Replayed = Pick<CallRecord, 'outcome' | 'stages' | 'transcript'>;

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
    const shown = (l: { role: string; text: string; interrupted: boolean } | undefined) =>
      l ? `${l.role}${l.interrupted ? ' (interrupted)' : ''} "${l.text}"` : '(no line)';
    if (got?.role !== want?.role || got?.text !== want?.text || got?.interrupted !== want?.interrupted) {
      differences.push(`transcript line ${i + 1}: replayed ${shown(got)}, recorded ${shown(want)}`);
    }
  }
  return differences;
}
