import { beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/lib/clock.js';
import type { CallOutcome } from '../../src/store/call-store.js';
import type { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { engines, useFreshStore } from './databases.js';

const OUR_NUMBER = '+14155550100';

describe.each(engines)('listing calls by outcome, name and change time on $name', (engine) => {
  const fresh = useFreshStore(engine);
  let store: PostgresCallStore;
  let clock: ManualClock;
  beforeEach(() => {
    ({ store, clock } = fresh);
  });

  async function place(name: string): Promise<string> {
    clock.advance(1_000);
    const placed = await store.createOutboundInterview({ to: '+14155550123', from: OUR_NUMBER, candidateName: name });
    return placed.callId;
  }

  it('filters by outcome, and null keeps the calls still in progress', async () => {
    const done = await place('Ada Lovelace');
    const gone = await place('Grace Hopper');
    const live = await place('Alan Turing');
    await store.finishCall(done, 'completed', null);
    await store.finishCall(gone, 'caller_hung_up', null);
    const names = async (outcome?: CallOutcome | null) =>
      (await store.listCalls(outcome === undefined ? {} : { outcome })).calls.map((c) => c.interview.candidateName);
    expect(await names('completed')).toEqual(['Ada Lovelace']);
    expect(await names(null)).toEqual(['Alan Turing']);
    expect(await names(undefined)).toEqual(['Alan Turing', 'Grace Hopper', 'Ada Lovelace']);
    expect((await store.getRecord(live))?.outcome).toBeNull(); // the unfinished call is the one listed as live
  });

  it('searches names ignoring case, with LIKE wildcards taken literally', async () => {
    await place('Ada Lovelace');
    await place('Adam 100%_sure');
    await place('Grace Hopper');
    const search = async (nameContains: string) =>
      (await store.listCalls({ nameContains })).calls.map((c) => c.interview.candidateName);
    expect(await search('ada')).toEqual(['Adam 100%_sure', 'Ada Lovelace']);
    expect(await search('LOVE')).toEqual(['Ada Lovelace']);
    expect(await search('%')).toEqual(['Adam 100%_sure']);
    expect(await search('%_s')).toEqual(['Adam 100%_sure']);
    expect(await search('a_a')).toEqual([]);
  });

  it('pages through a filtered list with the cursor', async () => {
    for (const n of [1, 2, 3, 4, 5]) await place(`Candidate ${n}`);
    await place('Someone else');
    const first = await store.listCalls({ nameContains: 'candidate', limit: 2 });
    const second = await store.listCalls({ nameContains: 'candidate', limit: 2, cursor: first.nextCursor ?? '' });
    const third = await store.listCalls({ nameContains: 'candidate', limit: 2, cursor: second.nextCursor ?? '' });
    expect([...first.calls, ...second.calls, ...third.calls].map((c) => c.interview.candidateName)).toEqual([
      'Candidate 5',
      'Candidate 4',
      'Candidate 3',
      'Candidate 2',
      'Candidate 1',
    ]);
    expect(third.nextCursor).toBeNull();
  });

  it('lists only the calls changed since a time: a stage change or an outcome counts', async () => {
    const a = await place('Ada');
    const b = await place('Grace');
    clock.advance(5_000);
    const since = new Date(clock.wallNow());
    expect((await store.listCalls({ changedSince: since })).calls).toEqual([]);
    await store.stageStarted(a, 'greeting', new Date(clock.wallNow()));
    expect((await store.listCalls({ changedSince: since })).calls.map((c) => c.id)).toEqual([a]);
    clock.advance(1_000);
    await store.finishCall(b, 'no_answer', null);
    const changed = await store.listCalls({ changedSince: new Date(clock.wallNow()) });
    expect(changed.calls.map((c) => [c.id, c.outcome])).toEqual([[b, 'no_answer']]);
  });
});
