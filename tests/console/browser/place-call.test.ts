import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/lib/clock.js';
import { streamUrlFor } from '../../../src/twilio/twiml.js';
import { browserTestsEnabled } from '../../../testing/browser.js';
import { PhoneStream } from '../../../testing/fakes/twilio-phone.js';
import { AUTH_TOKEN, PUBLIC_URL, signIn, useConsoleAndBrowser } from './console-harness.js';

const CANDIDATE = '+14155550123';

describe.runIf(browserTestsEnabled())('placing a call from the console in a real browser', () => {
  const env = useConsoleAndBrowser();

  it('shows a bad number’s error beside the number and dials nobody', async () => {
    const { page, errors } = await env.browser.newPage();
    await signIn(page, env.app.baseUrl);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Place a call' }).click();
    await page.getByLabel("Candidate's phone number").fill('555-0123');
    await page.getByLabel("Candidate's name").fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Place the call' }).click();

    const error = page.locator('#to-error');
    await expect(error.textContent()).resolves.toContain('E.164');
    await expect(page.locator('#to').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#to').getAttribute('aria-describedby')).resolves.toContain('to-error');
    // What was typed stays, so the recruiter only fixes the number.
    await expect(page.getByLabel("Candidate's name").inputValue()).resolves.toBe('Ada Lovelace');
    expect(env.app.twilioHttp.requests).toHaveLength(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('places a call through Twilio and the new row goes live in the list without a reload', async () => {
    const { page, errors } = await env.browser.newPage();
    await signIn(page, env.app.baseUrl);
    await page.goto(`${env.app.baseUrl}/console/calls/new`);
    await page.getByLabel("Candidate's phone number").fill(CANDIDATE);
    await page.getByLabel("Candidate's name").fill('Ada Lovelace');
    await page.getByLabel('Role').fill('Backend Engineer');
    await page.getByRole('button', { name: 'Place the call' }).click();

    await page.waitForURL(/\/console\?placed=/);
    const callId = new URL(page.url()).searchParams.get('placed') ?? '';
    expect(env.app.twilioHttp.requests).toHaveLength(1);
    const row = page.locator(`tr[data-call-id="${callId}"]`);
    await expect(row.locator('td[data-label="Candidate"]').textContent()).resolves.toContain('Ada Lovelace');
    await expect(row.locator('td[data-label="Status"]').textContent()).resolves.toContain('Queued');
    await page.locator('[data-live-status]').filter({ hasText: 'Live:' }).waitFor();
    await page.evaluate('window.__sameDocument = true');

    // Twilio rings the candidate: the status callback reaches the service, the row follows.
    const record = await env.app.service.storage.calls.getRecord(callId);
    const callSid = record?.callSid ?? '';
    expect(callSid).toMatch(/^CA/);
    expect((await env.app.twilioPost('/twilio/status', { CallSid: callSid, CallStatus: 'ringing' })).status).toBe(204);
    await row.locator('td[data-label="Status"]', { hasText: 'Ringing' }).waitFor({ timeout: 10_000 });

    // The candidate answers: Twilio asks for TwiML and opens the media stream; the interview starts.
    const voiceUrl = new URL(String(env.app.twilioHttp.requests[0]?.data.Url));
    const answer = await env.app.twilioPost(`${voiceUrl.pathname}${voiceUrl.search}`, {
      CallSid: callSid,
      AccountSid: `AC${'a'.repeat(32)}`,
      From: '+14155550100',
      To: CANDIDATE,
      Direction: 'outbound-api',
      CallStatus: 'in-progress',
    });
    expect(answer.status).toBe(200);
    await env.app.twilioPost('/twilio/status', { CallSid: callSid, CallStatus: 'in-progress' });
    const phone = new PhoneStream({
      localWsUrl: env.app.service.wsUrl,
      signedUrl: streamUrlFor(PUBLIC_URL),
      authToken: AUTH_TOKEN,
      clock: systemClock,
      callSid,
      customParameters: answer.parameters,
    });
    await phone.connect();
    phone.start();
    await row.locator('td[data-label="Stage"]', { hasText: 'Greeting' }).waitFor({ timeout: 10_000 });
    await expect(row.locator('td[data-label="Outcome"]').textContent()).resolves.toContain('In progress');

    // The candidate hangs up: the row shows how the call ended.
    phone.hangUp();
    await row.locator('td[data-label="Outcome"]', { hasText: 'Hung up' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
