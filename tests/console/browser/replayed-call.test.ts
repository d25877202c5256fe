import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../src/store/call-record.js';
import { type Browser, browserTestsEnabled, launchBrowser, scrollsSideways } from '../../../testing/browser.js';
import { API_KEY, type ConsoleService, replayInto, signIn, startConsoleService } from './console-harness.js';

async function callIds(rows: Locator): Promise<(string | null)[]> {
  const ids: (string | null)[] = [];
  for (const row of await rows.all()) ids.push(await row.getAttribute('data-call-id'));
  return ids;
}

/**
 * Recorded calls replayed through the real service, then read in the console. SCREENSHOTS=<dir>
 * writes the README's screenshots there (`npm run screenshots`); otherwise they go to a
 * temporary folder, still taken, so the test covers them.
 */
describe.runIf(browserTestsEnabled())('a replayed call in the console in a real browser', () => {
  let dataDir = '';
  let shotsDir = '';
  let app: ConsoleService;
  let browser: Browser;
  let happy: CallRecord;
  let bargeIn: CallRecord;
  let ringing: CallRecord;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'console-replayed-'));
    const [happyPath, barged] = await replayInto(dataDir, ['happy-path', 'barge-in']);
    app = await startConsoleService({ dataDir });
    // As stored once each replay's service had closed (its recording's length written too).
    const read = async (id: string | undefined) => {
      const record = await app.service.storage.calls.getRecord(id ?? '');
      if (!record) throw new Error('a fixture replayed without a record');
      return record;
    };
    happy = await read(happyPath?.callId);
    bargeIn = await read(barged?.callId);
    // A call just placed, still ringing, so the list shows a live row beside the recorded ones.
    const placed = await fetch(`${app.baseUrl}/api/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+14155550123', candidate: { name: 'Ada Lovelace' }, role: 'Backend Engineer' }),
    });
    ringing = (await placed.json()) as CallRecord;
    const callSid = ringing.callSid ?? '';
    await app.twilioPost('/twilio/status', { CallSid: callSid, CallStatus: 'ringing' });
    shotsDir = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : path.join(dataDir, 'screenshots');
    await mkdir(shotsDir, { recursive: true });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists the replayed calls newest first, each linking to its page', async () => {
    const { page, errors } = await browser.newPage();
    await signIn(page, app.baseUrl);
    const rows = page.locator('table.calls tbody tr');
    expect(await rows.count()).toBe(3);
    const ids = await callIds(rows);
    // A replay stamps its record on its own accelerated clock, so which replay reads as newer
    // depends on the machine's speed: the order to expect is the records' own creation times.
    const newestFirst = [ringing, bargeIn, happy]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .map((r) => r.id);
    expect(ids).toEqual(newestFirst);
    const happyRow = page.locator(`tr[data-call-id="${happy.id}"]`);
    await expect(happyRow.locator('td[data-label="Outcome"]').textContent()).resolves.toContain('Completed');
    await expect(happyRow.locator('td[data-label="Stage"]').textContent()).resolves.toContain('Ended');
    await expect(happyRow.locator('td[data-label="Duration"]').textContent()).resolves.toMatch(/^(1:5\d|2:0\d)$/); // the two-minute fixture;
    await expect(
      page.locator(`tr[data-call-id="${bargeIn.id}"] td[data-label="Outcome"]`).textContent(),
    ).resolves.toContain('Candidate ended');
    await page.screenshot({ path: path.join(shotsDir, 'calls.png'), fullPage: true });

    await page.locator('select[name="outcome"]').selectOption('completed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/outcome=completed/);
    expect(await callIds(rows)).toEqual([happy.id]);
    await page.locator('input[name="q"]').fill('lovelace');
    await page.locator('select[name="outcome"]').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/q=lovelace/);
    await expect(rows.locator('td[data-label="Candidate"]').allTextContents()).resolves.toEqual(['Ada Lovelace']);

    await page.goto(`${app.baseUrl}/console`);
    await happyRow.getByRole('link').click();
    await page.waitForURL(`**/console/calls/${happy.id}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the stages against their budgets with notes, the transcript and the latency waterfall', async () => {
    const { page, errors } = await browser.newPage();
    await signIn(page, app.baseUrl);
    await page.goto(`${app.baseUrl}/console/calls/${happy.id}`);

    const stages = page.locator('ol.stages > li.stage');
    await expect(stages.locator('h3').allTextContents()).resolves.toEqual([
      'Greeting',
      'Self-introduction',
      'Past experience',
      'Closing',
    ]);
    await expect(stages.locator('.timing').first().textContent()).resolves.toMatch(/^0:\d\d of 1:00 budget$/);
    await expect(stages.locator('.ended').allTextContents()).resolves.toEqual(Array(4).fill('Ended: goal met'));
    const quotes = happy.stages.flatMap((s) => (s.notes as { evidence?: string[] } | null)?.evidence ?? []);
    expect(quotes.length).toBeGreaterThan(0);
    await expect(stages.locator('blockquote').allTextContents()).resolves.toEqual(quotes);

    const lines = page.locator('ol.transcript > li.line');
    await expect(lines.locator('.said').allTextContents()).resolves.toEqual(happy.transcript.map((l) => l.text));
    await expect(lines.locator('.who').allTextContents()).resolves.toEqual(
      happy.transcript.map((l) => (l.role === 'agent' ? 'Interviewer' : 'Candidate')),
    );

    const turns = page.locator('.turns > section.turn');
    expect(await turns.count()).toBe(happy.latency.length);
    const totals = (happy.latency as { voiceToVoiceHeardMs?: number }[]).map((t) => `${t.voiceToVoiceHeardMs} ms`);
    await expect(turns.locator('.total').allTextContents()).resolves.toEqual(totals);
    await expect(turns.first().locator('.step').allTextContents()).resolves.toEqual([
      'Commit',
      'LLM first token',
      'TTS first byte',
      'First audio heard',
    ]);
    await page.screenshot({ path: path.join(shotsDir, 'call.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plays the recording through the console, and a transcript line seeks the player to it', async () => {
    const { page, errors } = await browser.newPage();
    await signIn(page, app.baseUrl);
    await page.goto(`${app.baseUrl}/console/calls/${happy.id}`);
    expect(happy.recording?.durationMs).toBeGreaterThan(100_000);
    await expect(page.locator('audio#player').getAttribute('src')).resolves.toBe(
      `/console/calls/${happy.id}/recording`,
    );
    // The browser read the WAV's header through the console's session: it knows the length.
    await page.waitForFunction('document.getElementById("player").readyState >= 1');
    const duration = await page.evaluate<number>('document.getElementById("player").duration');
    expect(duration).toBeCloseTo((happy.recording?.durationMs ?? 0) / 1000, 0);

    const lines = page.locator('ol.transcript > li.line');
    const offsets = happy.transcript.map((l) => l.offsetMs);
    await expect(lines.evaluateAll((items) => items.length)).resolves.toBe(offsets.length);
    for (const index of [9, 2]) {
      const offsetMs = offsets[index] ?? 0;
      expect(await lines.nth(index).getAttribute('data-seek-ms')).toBe(String(Math.round(offsetMs)));
      await lines.nth(index).locator('.said').click();
      // Where the line starts, give or take what played since the click.
      await page.waitForFunction(`Math.abs(document.getElementById("player").currentTime - ${offsetMs / 1000}) < 1.5`);
    }
    // Keyboard too: the line's time is a button.
    const button = lines.nth(5).locator('button.seek');
    await button.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      `Math.abs(document.getElementById("player").currentTime - ${(offsets[5] ?? 0) / 1000}) < 1.5`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks the lines the candidate interrupted', async () => {
    const { page, errors } = await browser.newPage();
    await signIn(page, app.baseUrl);
    await page.goto(`${app.baseUrl}/console/calls/${bargeIn.id}`);
    const interrupted = bargeIn.transcript.filter((l) => l.interrupted).map((l) => l.text);
    expect(interrupted.length).toBeGreaterThan(0);
    const marked = page.locator('li.line.interrupted');
    await expect(marked.locator('.said').allTextContents()).resolves.toEqual(
      interrupted.map((text) => `${text} interrupted`),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('holds its layout on a 360 px phone screen: no sideways scrolling', async () => {
    const { page, errors } = await browser.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, app.baseUrl);
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: path.join(shotsDir, 'calls-phone.png') });
    for (const id of [happy.id, bargeIn.id]) {
      await page.goto(`${app.baseUrl}/console/calls/${id}`);
      expect(await scrollsSideways(page)).toBe(false);
    }
    await page.goto(`${app.baseUrl}/console/calls/${happy.id}/erase`);
    expect(await scrollsSideways(page)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
