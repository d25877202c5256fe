import { expect, it } from 'vitest';
import { omitUndefined } from '../../src/lib/omit-undefined.js';

it('drops the keys whose value is undefined and keeps every other falsy value', () => {
  const out = omitUndefined({ a: undefined, b: null, c: 0, d: false, e: '', f: 'x' });
  expect(Object.keys(out)).toEqual(['b', 'c', 'd', 'e', 'f']);
  expect(out).toEqual({ b: null, c: 0, d: false, e: '', f: 'x' });
});

it('lets a default survive an option left undefined when spread over the defaults', () => {
  const defaults = { delayMs: 200, attempts: 3 };
  const options: { delayMs?: number | undefined; attempts?: number | undefined } = { delayMs: undefined, attempts: 5 };
  expect({ ...defaults, ...omitUndefined(options) }).toEqual({ delayMs: 200, attempts: 5 });
});
