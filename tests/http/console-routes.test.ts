import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole } from '../../src/console/console-router.js';
import { createDefinitionRegistry } from '../../src/interview/index.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import type { CallRecord } from '../../src/store/call-record.js';
import { TemplateDefinitions } from '../../src/templates/template-definitions.js';
import { createTwilioCalls } from '../../src/twilio/twilio-calls.js';
import { API_KEY, type ConsoleService, startConsoleService } from '../console/browser/console-harness.js';

/** The console over plain HTTP: what a browser is sent, and what it is refused. */
describe('the console’s routes', () => {
  let app: ConsoleService;
  let cookie = '';

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}${path}`, { headers, redirect: 'manual' });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
  async function csrfFrom(path: string): Promise<string> {
    const page = await (await get(path, { cookie })).text();
    return /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  }
  async function placeCall(): Promise<CallRecord> {
    const response = await fetch(`${app.baseUrl}/api/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+14155550123', candidate: { name: 'Ada Lovelace' } }),
    });
    return (await response.json()) as CallRecord;
  }

  beforeAll(async () => {
    app = await startConsoleService();
    const signedIn = await post('/console/sign-in', { key: API_KEY, next: '/console' });
    cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('redirects / to the console, which shows the sign-in form with a password field when signed out', async () => {
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
    const form = await get('/console');
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(await form.text()).toMatch(/<input id="key" name="key" type="password"/);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie for the right key only, Secure when the request came over https', async () => {
    const wrong = await post('/console/sign-in', { key: 'wrong' });
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('not the API key');

    const right = await post('/console/sign-in', { key: API_KEY, next: '/console/calls/new' });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/console/calls/new');
    const setCookie = right.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^console_session=[^;]+; Path=\/console; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(API_KEY);

    const proxied = await post('/console/sign-in', { key: API_KEY }, { 'x-forwarded-proto': 'https' });
    expect(proxied.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('never redirects outside the console after signing in', async () => {
    for (const next of [
      '//evil.example/console',
      'https://evil.example',
      '/console//evil.example',
      '/api/calls',
      '/console\\x',
    ]) {
      const response = await post('/console/sign-in', { key: API_KEY, next });
      expect(response.headers.get('location'), next).toBe('/console');
    }
  });

  it('sends every page with a strict content security policy and no caching', async () => {
    const page = await get('/console', { cookie });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('serves its own assets and nothing else from the assets path', async () => {
    const css = await get('/console/assets/console.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    const js = await get('/console/assets/console.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await get(`/console/assets/${encodeURIComponent('../console-router.ts')}`)).status).toBe(404);
    expect((await get('/console/assets/package.json')).status).toBe(404);
    const etag = css.headers.get('etag') ?? '';
    expect((await get('/console/assets/console.css', { 'if-none-match': etag })).status).toBe(304);
  });

  it('refuses the live stream and the recording without a session, and sends a signed-out page visit to sign in', async () => {
    expect((await get('/console/live')).status).toBe(401);
    expect((await get('/console/calls/x/recording')).status).toBe(401);
    const page = await get('/console/calls/x', { accept: 'text/html' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/console?next=${encodeURIComponent('/console/calls/x')}`);
  });

  it('streams live rows as server-sent events to a signed-in browser', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.baseUrl}/console/live`, { headers: { cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    const placed = await placeCall();
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes(placed.id)) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    controller.abort();
    expect(text).toMatch(/^retry: \d+/);
    const event = /event: call\ndata: (.*)\n/.exec(text.slice(text.indexOf('event: call')))?.[1] ?? '{}';
    const data = JSON.parse(event) as { id: string; matches: boolean; html: string };
    expect(data).toMatchObject({ id: placed.id, matches: true });
    expect(data.html).toContain('Ada Lovelace');
  });

  it('erases a call only after the confirmation, and only with the session’s CSRF token', async () => {
    const placed = await placeCall();
    const confirm = await (await get(`/console/calls/${placed.id}/erase`, { cookie })).text();
    expect(confirm).toContain('Erase for good');

    const forged = await post(`/console/calls/${placed.id}/erase`, { csrf: 'forged' }, { cookie });
    expect(forged.status).toBe(403);
    const noSession = await post(`/console/calls/${placed.id}/erase`, { csrf: await csrfFrom('/console') });
    expect(noSession.status).toBe(401);
    expect((await app.service.storage.calls.getRecord(placed.id))?.erasedAt).toBeNull();

    const erased = await post(`/console/calls/${placed.id}/erase`, { csrf: await csrfFrom('/console') }, { cookie });
    expect(erased.status).toBe(303);
    expect(erased.headers.get('location')).toBe(`/console/calls/${placed.id}?erased=1`);
    const record = await app.service.storage.calls.getRecord(placed.id);
    expect(record?.erasedAt).not.toBeNull();
    expect(record?.interview.candidateName).toBeNull();
    const page = await (await get(`/console/calls/${placed.id}?erased=1`, { cookie })).text();
    expect(page).toContain('The call was erased.');
    expect(page).not.toContain('Ada Lovelace');
  });

  it('signs out only with the CSRF token, so another site cannot sign the recruiter out', async () => {
    expect((await post('/console/sign-out', {}, { cookie })).status).toBe(403);
    const out = await post('/console/sign-out', { csrf: await csrfFrom('/console') }, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^console_session=; Path=\/console; Max-Age=0;/);
  });

  it('keeps a session on another service process that shares the API key, and not on one with another key', async () => {
    const serve = async (apiKey: string) => {
      const consoleApp = createConsole({
        apiKey,
        store: app.service.storage.calls,
        clock: systemClock,
        logger: createLogger('silent'),
        definitions: new TemplateDefinitions({
          builtIn: createDefinitionRegistry(),
          store: app.service.storage.templates,
          logger: createLogger('silent'),
        }),
        twilioCalls: createTwilioCalls({ twilio: {}, publicUrl: 'http://127.0.0.1', clock: systemClock }),
      });
      const server = express().use(consoleApp.router).listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    };
    const fresh = await post('/console/sign-in', { key: API_KEY });
    const session = (fresh.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const sibling = await serve(API_KEY);
    const stranger = await serve('a-different-key-0123456789');
    try {
      const there = await fetch(`${sibling.url}/console`, { headers: { cookie: session } });
      expect(await there.text()).toContain('<h1>Calls</h1>');
      const refused = await fetch(`${stranger.url}/console`, { headers: { cookie: session } });
      expect(await refused.text()).toContain('type="password"');
    } finally {
      await sibling.close();
      await stranger.close();
    }
  });

  it('ends its live streams when the service shuts down, so shutdown never waits on a browser', async () => {
    const other = await startConsoleService();
    const signedIn = await fetch(`${other.baseUrl}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: API_KEY }).toString(),
      redirect: 'manual',
    });
    const session = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const stream = await fetch(`${other.baseUrl}/console/live`, { headers: { cookie: session } });
    const reader = stream.body?.getReader();
    await reader?.read();
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    let ended = false;
    while (!ended) ended = (await reader?.read())?.done ?? true;
    expect(ended).toBe(true);
  });
});
