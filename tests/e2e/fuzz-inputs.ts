/**
 * Seeded malformed inputs for the fuzz test: media-socket messages a broken or hostile client
 * could send, and recruiter API requests that are wrong in one way or another. Each draw is a
 * pure function of the random source, so a failing seed reproduces alone.
 */
import type { SeededRandom } from '../../testing/seeded-random.js';

const EVENTS = ['connected', 'start', 'media', 'mark', 'stop', 'dtmf', 'unknown', '', 'MEDIA', '__proto__'];
const ODD_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER * 1024,
  '',
  'x'.repeat(2000),
  [],
  {},
  [1, 2, 3],
  { nested: { deeper: [null] } },
  '9'.repeat(400),
];

/** One malformed media-socket message (text or binary). */
export function malformedMediaMessage(random: SeededRandom, streamSid: string): string | Buffer {
  const event = random.pick(EVENTS);
  const odd = () => random.pick(ODD_VALUES);
  const kind = random.int(0, 9);
  switch (kind) {
    case 0: {
      // Truncated JSON of a plausible message.
      const text = JSON.stringify({ event: 'media', streamSid, media: { payload: 'AAAA', timestamp: '20' } });
      return text.slice(0, random.int(1, text.length - 1));
    }
    case 1:
      return JSON.stringify({ event, streamSid: odd(), media: odd(), start: odd(), sequenceNumber: odd() });
    case 2:
      // Media before start, or with someone else's streamSid, with a base64 payload that is garbage.
      return JSON.stringify({
        event: 'media',
        streamSid: random.chance(0.5) ? streamSid : `MZ${'f'.repeat(32)}`,
        media: {
          track: random.pick(['inbound', 'outbound', 7]),
          chunk: odd(),
          timestamp: random.pick(['20', '-20', '1e400', 'NaN', odd()]),
          payload: random.pick(['!!!notbase64$$$', '====', 'A', '\u0000\u0001', 'QUJD'.repeat(5000), odd()]),
        },
      });
    case 3:
      return Buffer.from(Array.from({ length: random.int(1, 400) }, () => random.int(0, 255)));
    case 4:
      return random.pick(['', ' ', 'null', '[]', '"start"', '42', 'true', '{}', '{"event":null}', '\u0000']);
    case 5:
      // A start that is never complete: no streamSid, wrong types for its parts.
      return JSON.stringify({
        event: 'start',
        sequenceNumber: odd(),
        start: { callSid: odd(), customParameters: odd(), mediaFormat: odd(), tracks: odd() },
      });
    case 6:
      return JSON.stringify({ event: 'mark', streamSid, mark: { name: odd() } });
    case 7:
      return JSON.stringify({ event: 'dtmf', streamSid, dtmf: { digit: odd(), track: odd() } });
    case 8:
      return `{"event":"media","media":{"payload":"${'A'.repeat(random.int(0, 20))}"`;
    default:
      return JSON.stringify({ event: 'stop', streamSid: odd(), stop: odd() });
  }
}

export interface MalformedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  what: string;
}

/** One recruiter API request that is wrong somehow (no key, bad JSON, wrong types, huge, odd method or header). */
export function malformedApiRequest(random: SeededRandom, apiKey: string): MalformedRequest {
  const auth = { authorization: `Bearer ${apiKey}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const kind = random.int(0, 9);
  switch (kind) {
    case 0:
      return {
        what: 'bad or missing key',
        method: random.pick(['GET', 'POST', 'DELETE', 'PUT']),
        path: random.pick(['/api/calls', '/api/calls/abc', '/api/templates']),
        headers: random.pick([{}, { authorization: 'Bearer nope' }, { authorization: 'Basic Zm9vOmJhcg==' }]),
      };
    case 1: {
      const text = JSON.stringify({ candidate: { name: 'A', phone: '+14155550123' } });
      return {
        what: 'truncated JSON',
        method: 'POST',
        path: '/api/calls',
        headers: json,
        body: text.slice(0, random.int(1, text.length - 1)),
      };
    }
    case 2:
      return {
        what: 'wrong types',
        method: 'POST',
        path: random.pick(['/api/calls', '/api/templates']),
        headers: json,
        body: JSON.stringify(
          random.pick<unknown>([
            null,
            [],
            'text',
            42,
            { candidate: 42 },
            { candidate: { phone: 1e308 } },
            { candidate: { name: [], phone: {} } },
            { unknownField: true },
            { id: 7, definition: 'x' },
          ]),
        ),
      };
    case 3:
      return {
        what: 'huge body',
        method: 'POST',
        path: '/api/calls',
        headers: json,
        body: JSON.stringify({ candidate: { name: 'x'.repeat(random.int(70_000, 300_000)) } }),
      };
    case 4:
      return {
        what: 'odd method',
        method: random.pick(['PATCH', 'PUT', 'OPTIONS', 'DELETE']),
        path: random.pick(['/api/calls', '/api/nothing', '/api/templates/x/y/z']),
        headers: auth,
      };
    case 5:
      return {
        what: 'odd content type',
        method: 'POST',
        path: '/api/calls',
        headers: {
          ...auth,
          'content-type': random.pick(['text/plain', 'application/xml', 'application/json; charset=ebcdic']),
        },
        body: '{"candidate":{}}',
      };
    case 6:
      return {
        what: 'odd content encoding',
        method: 'POST',
        path: '/api/calls',
        headers: { ...json, 'content-encoding': random.pick(['gzip', 'deflate', 'br', 'x-garbage']) },
        body: Buffer.from(Array.from({ length: random.int(1, 200) }, () => random.int(0, 255))),
      };
    case 7:
      return {
        what: 'odd id',
        method: random.pick(['GET', 'DELETE']),
        path: `/api/calls/${encodeURIComponent(random.pick(['..', 'x'.repeat(5000), '\u0000', "' OR 1=1 --", '%', '9'.repeat(300)]))}`,
        headers: auth,
      };
    case 8:
      return {
        what: 'unknown route',
        method: random.pick(['GET', 'POST']),
        path: `/api/${random.pick(['nothing', 'calls/x/y', '..%2F..%2Fetc', 'templates/x/versions/abc/def', '%ZZ'])}`,
        headers: auth,
      };
    default:
      return {
        what: 'JSON not an object with a body-less method',
        method: 'DELETE',
        path: '/api/templates/no-such-template',
        headers: json,
        body: '[[[',
      };
  }
}
