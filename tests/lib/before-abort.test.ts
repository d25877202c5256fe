import { expect, it } from 'vitest';
import { resolvedBeforeAbort } from '../../src/lib/before-abort.js';

it('is true when the promise resolves first, false when the signal aborts first or already had', async () => {
  const controller = new AbortController();
  expect(await resolvedBeforeAbort(Promise.resolve(), controller.signal)).toBe(true);

  const never = new Promise(() => {});
  const waiting = resolvedBeforeAbort(never, controller.signal);
  controller.abort();
  expect(await waiting).toBe(false);
  expect(await resolvedBeforeAbort(Promise.resolve(), controller.signal)).toBe(false);
});
