import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, scrollsSideways } from '../../../testing/browser.js';
import { API_KEY, useConsoleAndBrowser } from './console-harness.js';

describe.runIf(browserTestsEnabled())('signing in to the console in a real browser', () => {
  const env = useConsoleAndBrowser();

  it('refuses a wrong key with a message, and the right one opens the calls list on a cookie that holds no key', async () => {
    const { page, errors } = await env.browser.newPage();
    await page.goto(`${env.app.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/console');
    const key = page.locator('input[type="password"][name="key"]');
    await expect(key.count()).resolves.toBe(1);

    await key.fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not the API key');
    expect(await page.getByRole('heading', { name: 'Calls' }).count()).toBe(0);
    expect(await env.browser.context.cookies()).toEqual([]);

    await page.locator('input[name="key"]').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    expect(page.url()).not.toContain(API_KEY);

    const cookies = await env.browser.context.cookies();
    expect(cookies).toHaveLength(1);
    const [session] = cookies;
    expect(session).toMatchObject({ name: 'console_session', httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(session?.value).not.toContain(API_KEY);
    // Nothing a script on the page could read holds the key or the session.
    const readable = await page.evaluate<string>(
      'JSON.stringify([document.cookie, Object.keys(localStorage), Object.keys(sessionStorage)])',
    );
    expect(readable).toBe('["",[],[]]');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends a signed-out visitor to the sign-in form and back to the page they asked for; signing out ends it', async () => {
    await env.browser.context.clearCookies();
    const { page, errors } = await env.browser.newPage();
    await page.goto(`${env.app.baseUrl}/console/calls/new`);
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.locator('input[name="key"]').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Place a call' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/calls/new');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name="key"]').waitFor();
    expect(await env.browser.context.cookies()).toEqual([]);
    await page.goto(`${env.app.baseUrl}/console/calls/new`);
    expect(await page.locator('input[name="key"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 360 px wide phone screen without sideways scrolling', async () => {
    const { page, errors } = await env.browser.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${env.app.baseUrl}/console`);
    expect(await scrollsSideways(page)).toBe(false);
    await page.locator('input[name="key"]').fill(API_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await page.goto(`${env.app.baseUrl}/console/calls/new`);
    expect(await scrollsSideways(page)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
