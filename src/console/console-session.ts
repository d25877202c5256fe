import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { secretsEqual } from '../lib/secret-compare.js';

/**
 * The console's session, held entirely in a signed, expiring cookie so that any service process
 * sharing the database (and the API key) accepts it: no session table, nothing in memory.
 *
 * Cookie value: `<expiresAtMs>.<nonce>.<mac>`, where mac = HMAC-SHA256 over `v1.<expires>.<nonce>`
 * with a key derived from API_KEY by HMAC. The cookie therefore reveals nothing of the key, cannot
 * be forged without it, stops working when it expires, and every session ends when the key changes.
 * The CSRF token of a session is another HMAC of its nonce: forms carry it, nothing stores it.
 */
export interface ConsoleSession {
  nonce: string;
  expiresAtMs: number;
  /** The per-session token every POST form carries. */
  csrfToken: string;
}

export interface SessionSignerOptions {
  apiKey: string;
  clock: Clock;
  /** How long a sign-in lasts, ms; default 12 hours (a working day). */
  lifetimeMs?: number;
}

export const DEFAULT_SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const NONCE_BYTES = 18;

export class SessionSigner {
  readonly lifetimeMs: number;
  private readonly key: Buffer;
  private readonly clock: Clock;

  constructor(options: SessionSignerOptions) {
    this.lifetimeMs = options.lifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS;
    this.clock = options.clock;
    // Derived, so the raw API key is never the MAC key of anything a browser holds.
    this.key = createHmac('sha256', options.apiKey).update('phone-screen console session key v1').digest();
  }

  /** A new session and the cookie value that carries it. */
  issue(): { session: ConsoleSession; cookieValue: string } {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    const expiresAtMs = Math.floor(this.clock.wallNow() + this.lifetimeMs);
    const cookieValue = `${expiresAtMs}.${nonce}.${this.mac(`v1.${expiresAtMs}.${nonce}`)}`;
    return { session: this.session(nonce, expiresAtMs), cookieValue };
  }

  /** The session a cookie value carries, or null when it is malformed, forged or expired. */
  verify(cookieValue: string | undefined): ConsoleSession | null {
    if (cookieValue === undefined) return null;
    const match = /^(\d{1,16})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/.exec(cookieValue);
    if (!match) return null;
    const [, expires = '', nonce = '', mac = ''] = match;
    if (!secretsEqual(mac, this.mac(`v1.${expires}.${nonce}`))) return null;
    const expiresAtMs = Number(expires);
    if (expiresAtMs <= this.clock.wallNow()) return null;
    return this.session(nonce, expiresAtMs);
  }

  /** True when `token` is this session's CSRF token. */
  csrfMatches(session: ConsoleSession, token: unknown): boolean {
    return typeof token === 'string' && secretsEqual(token, session.csrfToken);
  }

  private session(nonce: string, expiresAtMs: number): ConsoleSession {
    return { nonce, expiresAtMs, csrfToken: this.mac(`csrf.${nonce}`) };
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
