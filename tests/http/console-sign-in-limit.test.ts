import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, type ConsoleService, startConsoleService } from '../console/browser/console-harness.js';

/** The sign-in form is a way to guess the API key outside /api's rate limit: it has its own. */
describe('the console’s sign-in under guessing', () => {
  let app: ConsoleService;
  const signIn = (key: string) =>
    fetch(`${app.baseUrl}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key, next: '/console' }).toString(),
      redirect: 'manual',
    });

  beforeAll(async () => {
    app = await startConsoleService();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('refuses an address after 10 wrong keys, the right key too, with Retry-After and the reason on the form', async () => {
    const right = await signIn(API_KEY);
    expect(right.status, 'the right key first signs in').toBe(303);
    for (let i = 0; i < 10; i++) {
      const wrong = await signIn(`guess-${i}`);
      expect(wrong.status, `wrong key ${i + 1}`).toBe(200);
      expect(wrong.headers.get('set-cookie')).toBeNull();
    }
    const locked = await signIn(API_KEY);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('set-cookie')).toBeNull();
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const page = await locked.text();
    expect(page).toContain('Too many wrong keys from this address. Try again in 15 minutes.');
    expect(page).toMatch(/<input id="key" name="key" type="password"/);
  });
});
