import { afterEach, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../testing/call-simulator.js';
import { type LlmFaultKind, llmFaultReply } from '../../testing/fakes/fault-plan.js';
import { scriptedInterviewer } from '../../testing/scripted-interviewer.js';
import {
  ACK,
  ANSWER,
  answer,
  FAULT_LINES,
  faultReplies,
  firstHeardAfter,
  GOODBYE_ERROR,
  HOLD_1,
  linesHeardSince,
  QUESTION,
  untilHeard,
} from './faults-harness.js';

describe('the LLM fails or stalls for a turn, end to end', () => {
  let sim: Simulation;
  afterEach(() => sim?.close());

  // Each fault strikes both requests of the first attempt (the adapter retries once), then the model answers.
  const cases: { kind: LlmFaultKind; times: number }[] = [
    { kind: 'http-500', times: 2 },
    { kind: 'headers-then-stall', times: 2 },
    { kind: 'stall-mid-stream', times: 1 },
    { kind: 'drop-mid-stream', times: 1 },
  ];
  for (const { kind, times } of cases) {
    it(`${kind}: a holding line within 2 s of the caller's last word, then the turn is retried and goes on`, async () => {
      sim = await startSimulation({
        respond: faultReplies(scriptedInterviewer, ANSWER, llmFaultReply(kind), times),
      });
      await sim.service.greetingReady;
      const call = await sim.dial();
      await call.untilAgentDone();
      const endedAt = answer(call, ANSWER);
      await untilHeard(call, endedAt, QUESTION, FAULT_LINES);
      await call.untilAgentDone();

      const first = firstHeardAfter(call, endedAt);
      expect(first, kind).toBeDefined();
      console.log(
        `[faults] llm ${kind}: caller's last word → first agent audio ${first! - endedAt} ms (virtual clock)`,
      );
      expect(first! - endedAt, kind).toBeLessThanOrEqual(2000);
      const all = linesHeardSince(call, endedAt, FAULT_LINES);
      // Up to the question (a silence prompt may follow it).
      const heard = all.slice(0, all.indexOf(QUESTION) + 1);
      const said = `${kind}: ${all.join(' / ')}`;
      // A fault met while the reply was still speculative is absorbed before the commit: then the
      // reply itself comes first. Either way only known lines, ending with the question.
      expect([HOLD_1, ACK], said).toContain(heard[0]);
      expect(heard, said).not.toContain('?');
      expect(heard.at(-1), said).toBe(QUESTION);

      const record = await call.record();
      const agentLines = record?.transcript.filter((l) => l.role === 'agent').map((l) => l.text) ?? [];
      expect(
        agentLines.filter((l) => l.includes(QUESTION)),
        kind,
      ).toHaveLength(1);
      expect(agentLines.join(' | ')).not.toContain("didn't catch");
      expect(call.summary(), kind).toBeUndefined(); // the call goes on
      expect(record?.outcome ?? null).toBeNull();
    }, 90_000);
  }

  it('a model that keeps failing: holding lines, then an apology, outcome failed with a readable reason', async () => {
    sim = await startSimulation({ respond: faultReplies(scriptedInterviewer, ANSWER, { status: 500 }, 1000) });
    await sim.service.greetingReady;
    const call = await sim.dial();
    await call.untilAgentDone();
    const endedAt = answer(call, ANSWER);
    const summary = await call.untilHungUp(60_000);
    const first = firstHeardAfter(call, endedAt);
    console.log(
      `[faults] llm always 500: caller's last word → first agent audio ${first! - endedAt} ms (virtual clock)`,
    );
    expect(first! - endedAt).toBeLessThanOrEqual(2000);
    const heard = linesHeardSince(call, endedAt, FAULT_LINES);
    expect(heard[0]).toBe(HOLD_1);
    expect(heard.at(-1)).toBe(GOODBYE_ERROR);
    expect(summary.outcome).toBe('failed');
    expect(call.phone.closeCode).toBe(1000);
    const record = await call.record();
    expect(record?.outcome).toBe('failed');
    expect(record?.outcomeReason ?? JSON.stringify(record)).toContain('the language model did not answer');
    const agentLines = record?.transcript.filter((l) => l.role === 'agent').map((l) => l.text) ?? [];
    expect(agentLines.at(-1)).toBe(GOODBYE_ERROR);
    expect(agentLines.join(' | ')).not.toContain("didn't catch");
  }, 90_000);
});
