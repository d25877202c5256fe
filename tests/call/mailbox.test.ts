import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/call/mailbox.js';

/**
 * A mailbox whose handler notes when each input starts and ends and, while it runs, posts the
 * follow-ups `script` gives for it.
 */
function tracingMailbox(script: Record<string, string[]> = {}) {
  const trace: string[] = [];
  const errors: string[] = [];
  const box: Mailbox<string> = new Mailbox<string>(
    (input) => {
      trace.push(`start ${input}`);
      for (const next of script[input] ?? []) box.post(next);
      if (input === 'bad') throw new Error('handler failed');
      trace.push(`end ${input}`);
    },
    (_err, input) => errors.push(input),
  );
  return { box, trace, errors, starts: () => trace.filter((t) => t.startsWith('start')) };
}

describe('the call mailbox', () => {
  it('runs an input a handler posts only after that handler has returned, never inside it', () => {
    const { box, trace } = tracingMailbox({ a: ['b', 'c'] });
    box.post('a');
    expect(trace).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('keeps the order inputs were posted in, however deep the posting', () => {
    // a posts b and c; b posts d, which was posted after c and so runs after it.
    const { box, starts } = tracingMailbox({ a: ['b', 'c'], b: ['d'] });
    box.post('a');
    box.post('e');
    expect(starts()).toEqual(['start a', 'start b', 'start c', 'start d', 'start e']);
  });

  it('drains everything before the first post returns (nothing is left for a later tick)', () => {
    const { box, trace } = tracingMailbox({ a: ['b'] });
    box.post('a');
    expect(box.pending).toBe(0);
    expect(trace.at(-1)).toBe('end b');
  });

  it('a handler that throws loses only its own input; the rest still run, in order', () => {
    const { box, trace, errors } = tracingMailbox({ a: ['bad', 'c'] });
    box.post('a');
    box.post('d');
    expect(errors).toEqual(['bad']);
    expect(trace).toEqual(['start a', 'end a', 'start bad', 'start c', 'end c', 'start d', 'end d']);
  });
});
