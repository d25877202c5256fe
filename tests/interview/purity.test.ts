import { describe, expect, it } from 'vitest';
import { transition } from '../../src/interview/machine.js';
import { defaultDefinition } from '../../src/interview/registry.js';
import { initialState } from '../../src/interview/state.js';
import { CONTEXT, InterviewHarness } from './harness.js';

describe('the machine is a pure function of state and event', () => {
  it('never changes the state it is given, and gives the same answer twice', () => {
    const start = initialState(defaultDefinition);
    const frozen = JSON.stringify(start);
    const a = transition(start, { type: 'call_started', atMs: 0, context: CONTEXT });
    const b = transition(start, { type: 'call_started', atMs: 0, context: CONTEXT });
    expect(JSON.stringify(start)).toBe(frozen);
    expect(a).toEqual(b);
    const afterA = JSON.stringify(a.state);
    transition(a.state, { type: 'candidate_utterance_committed', atMs: 10, text: 'Yes, this is Sam.' });
    expect(JSON.stringify(a.state)).toBe(afterA);
  });

  it('ignores events before the call started', () => {
    const start = initialState(defaultDefinition);
    expect(transition(start, { type: 'candidate_utterance_committed', atMs: 0, text: 'hello' }).effects).toEqual([]);
    expect(transition(start, { type: 'timer_fired', atMs: 0, timer: 'stage' }).effects).toEqual([]);
  });

  it('ignores a stale timer fire (cancelled or replaced) that raced the orchestrator', () => {
    const h = new InterviewHarness();
    h.start();
    h.playAll();
    h.candidate('Yes, this is Sam.');
    // The silence timer was cancelled by the candidate's speech; a late fire changes nothing.
    expect(h.send({ type: 'timer_fired', timer: 'silence' })).toEqual([]);
    // The stage timer is armed but not yet due.
    expect(h.send({ type: 'timer_fired', timer: 'stage' })).toEqual([]);
    expect(h.stage).toBe('greeting');
  });
});
