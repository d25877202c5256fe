import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, scrollsSideways } from '../../../testing/browser.js';
import { signIn, useConsoleAndBrowser } from './console-harness.js';

describe.runIf(browserTestsEnabled())('interview templates in the console, in a real browser', () => {
  const env = useConsoleAndBrowser();

  it('creates a template from JSON, showing each problem by field until it is right, then places a call with it', async () => {
    const { page, errors } = await env.browser.newPage();
    await signIn(page, env.app.baseUrl);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Templates' }).click();
    await expect(page.locator('ul.templates li').first().textContent()).resolves.toContain('built in');
    await page.getByRole('link', { name: 'New template' }).click();

    const json = page.getByLabel('Template as JSON');
    const example = JSON.parse(await json.inputValue()) as {
      id: string;
      name: string;
      stages: { timeBudgetMs: number; questions: { id: string; text: string }[] }[];
    };
    expect(example.stages).toHaveLength(4);

    await json.fill('{ "id": "backend", ');
    await page.getByRole('button', { name: 'Create the template' }).click();
    await expect(page.locator('#definition-error').textContent()).resolves.toContain('This is not valid JSON');
    await expect(json.inputValue()).resolves.toBe('{ "id": "backend", ');

    const template = { ...example, id: 'backend', name: 'Backend engineer screen' };
    const badStages = structuredClone(template.stages);
    if (badStages[1]) badStages[1].timeBudgetMs = -5;
    await json.fill(JSON.stringify({ ...template, stages: badStages }, null, 2));
    await page.getByRole('button', { name: 'Create the template' }).click();
    await expect(page.locator('#definition-error code').allTextContents()).resolves.toContain('stages[1].timeBudgetMs');
    await expect(json.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await scrollsSideways(page)).toBe(false);

    if (template.stages[2]?.questions[0]) template.stages[2].questions[0].text = 'Tell me about a system you scaled.';
    await json.fill(JSON.stringify(template, null, 2));
    await page.getByRole('button', { name: 'Create the template' }).click();
    await page.waitForURL('**/console/templates/backend');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Backend engineer screen');
    await expect(page.locator('main').textContent()).resolves.toContain('Tell me about a system you scaled.');
    await expect(page.locator('main p.muted').first().textContent()).resolves.toContain('version 1');

    await page.goto(`${env.app.baseUrl}/console/calls/new`);
    await page.getByLabel("Candidate's phone number").fill('+14155550123');
    await page.getByLabel('Interview template').selectOption('backend');
    await page.getByLabel('Résumé').fill('Ten years of Go and PostgreSQL.');
    await page.getByRole('button', { name: 'Place the call' }).click();
    await page.waitForURL(/\/console\?placed=/);
    const callId = new URL(page.url()).searchParams.get('placed') ?? '';
    const record = await env.app.service.storage.calls.getRecord(callId);
    expect(record?.interview).toMatchObject({
      definitionId: 'backend',
      templateVersion: 1,
      resume: 'Ten years of Go and PostgreSQL.',
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
