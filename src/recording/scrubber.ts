/**
 * Removes what must never reach a fixture, from any JSON value, before it is written:
 * - Twilio SIDs (`AC`, `CA`, `MZ`, `SK`, `PN`, `RE` + 32 hex) become stable fakes, numbered per
 *   distinct SID within the fixture (`CA000…001`), so references between lines still agree;
 * - phone numbers (E.164 `+` and 8–15 digits, a bare run of 10–15 digits, or a North American
 *   `(415) 555-0123` / `415-555-0123` form) become `+1555***NNNN`,
 *   numbered per distinct number;
 * - values under keys that name a secret (token, secret, password, api key, authorization,
 *   signature) become `[scrubbed]`, whatever they hold;
 * - any known secret value (the configured auth token and API keys) is cut out of every string.
 */
export interface ScrubberOptions {
  /** Exact secret strings to remove wherever they appear (empty strings are ignored). Default none. */
  secrets?: readonly string[];
}

const SID = /\b(AC|CA|MZ|SK|PN|RE)[0-9a-fA-F]{32}\b/g;
const PHONE = /\+[1-9]\d{7,14}\b|\b\d{10,15}\b|(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g;
const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|authorization|signature/i;
const BEARER = /\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export const SCRUBBED = '[scrubbed]';

export class Scrubber {
  private readonly secrets: string[];
  private readonly sids = new Map<string, string>();
  private readonly phones = new Map<string, string>();

  constructor(options: ScrubberOptions = {}) {
    // Longest first, so a secret that contains another is cut whole.
    this.secrets = [...new Set((options.secrets ?? []).filter((s) => s.length > 0))].sort(
      (a, b) => b.length - a.length,
    );
  }

  /** A scrubbed deep copy of a JSON value. */
  value<T>(value: T): T {
    return this.walk(value) as T;
  }

  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(SCRUBBED);
    out = out.replace(BEARER, (_m, scheme: string) => `${scheme} ${SCRUBBED}`);
    out = out.replace(SID, (sid, prefix: string) => this.fakeSid(sid, prefix));
    return out.replace(PHONE, (phone) => this.fakePhone(phone));
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? SCRUBBED : this.walk(v);
      return out;
    }
    return value;
  }

  private fakeSid(sid: string, prefix: string): string {
    const key = sid.toUpperCase();
    let fake = this.sids.get(key);
    if (!fake) {
      fake = `${prefix}${String(this.sids.size + 1).padStart(32, '0')}`;
      this.sids.set(key, fake);
    }
    return fake;
  }

  private fakePhone(phone: string): string {
    let fake = this.phones.get(phone);
    if (!fake) {
      fake = `+1555***${String(this.phones.size + 1).padStart(4, '0')}`;
      this.phones.set(phone, fake);
    }
    return fake;
  }
}
