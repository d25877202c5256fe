import { describe, expect, it } from 'vitest';
import { SessionSigner } from '../../src/console/console-session.js';
import { ManualClock } from '../../src/lib/clock.js';

const KEY = 'the-api-key-0123456789';

describe('the console session cookie', () => {
  it('is accepted by any signer with the same key (another worker), and reveals nothing of the key', () => {
    const clock = new ManualClock();
    const { cookieValue, session } = new SessionSigner({ apiKey: KEY, clock }).issue();
    const otherWorker = new SessionSigner({ apiKey: KEY, clock });
    expect(otherWorker.verify(cookieValue)).toEqual(session);
    expect(cookieValue).not.toContain(KEY);
    expect(Buffer.from(cookieValue.replace(/\./g, ''), 'base64url').toString('latin1')).not.toContain(KEY);
  });

  it('expires after its lifetime', () => {
    const clock = new ManualClock();
    const signer = new SessionSigner({ apiKey: KEY, clock, lifetimeMs: 60_000 });
    const { cookieValue } = signer.issue();
    clock.advance(59_999);
    expect(signer.verify(cookieValue)).not.toBeNull();
    clock.advance(1);
    expect(signer.verify(cookieValue)).toBeNull();
  });

  it('refuses a cookie made with another key, a lengthened expiry, a changed nonce or garbage', () => {
    const clock = new ManualClock();
    const signer = new SessionSigner({ apiKey: KEY, clock });
    const { cookieValue } = signer.issue();
    const [expires = '', nonce = '', mac = ''] = cookieValue.split('.');
    expect(new SessionSigner({ apiKey: 'another-key', clock }).verify(cookieValue)).toBeNull();
    expect(signer.verify(`${Number(expires) + 86_400_000}.${nonce}.${mac}`)).toBeNull();
    expect(signer.verify(`${expires}.${nonce.slice(1)}A.${mac}`)).toBeNull();
    for (const junk of ['', 'x', '1.2.3', `${cookieValue}.more`, undefined]) expect(signer.verify(junk)).toBeNull();
  });

  it('gives each session its own CSRF token, which only that session accepts', () => {
    const clock = new ManualClock();
    const signer = new SessionSigner({ apiKey: KEY, clock });
    const a = signer.issue().session;
    const b = signer.issue().session;
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(signer.csrfMatches(a, a.csrfToken)).toBe(true);
    expect(signer.csrfMatches(a, b.csrfToken)).toBe(false);
    expect(signer.csrfMatches(a, undefined)).toBe(false);
    expect(signer.csrfMatches(a, [a.csrfToken])).toBe(false);
  });
});
