/**
 * Replays a committed fixture (fixtures/<name>) through the real service for the fixture tests,
 * and the checks every fixture must pass: nothing the recording could not answer, and the
 * replayed record equal to the recorded one (outcome, stages, transcript).
 */
import path from 'node:path';
import { expect } from 'vitest';
import { type Fixture, readFixture } from '../../tools/replay/fixture-reader.js';
import { type ReplayResult, replayFixture } from '../../tools/replay/replay-call.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

export interface ReplayedFixture {
  fixture: Fixture;
  result: ReplayResult;
}

export async function replayCommitted(name: string): Promise<ReplayedFixture> {
  const fixture = await readFixture(path.join(FIXTURES, name));
  const result = await replayFixture(fixture);
  return { fixture, result };
}

/** No divergence, the call ended by itself, and the record is the recorded one. */
export function expectReproduced({ fixture, result }: ReplayedFixture): void {
  expect(fixture.meta.synthetic).toBe(true);
  expect(result.divergences).toEqual([]);
  expect(result.differences).toEqual([]);
  expect(result.ended).toBe(true);
  const recorded = fixture.outcome;
  expect(result.record?.outcome).toBe(recorded?.outcome);
  expect(result.record?.stages.map((s) => s.name)).toEqual(recorded?.stages);
  // Line by line through compareWithRecording (in `differences` above), which allows the cut of
  // an interrupted agent line to move by one word (see replay-check.ts); here the shape.
  expect(result.record?.transcript.map((l) => [l.role, l.interrupted])).toEqual(
    recorded?.transcript.map((l) => [l.role, l.interrupted]),
  );
}

export function lines(result: ReplayResult, role: 'agent' | 'candidate'): { text: string; interrupted: boolean }[] {
  return (result.record?.transcript ?? []).filter((l) => l.role === role);
}
