/**
 * A real headless Chromium for the console's browser tests: Debian's `chromium` driven by
 * playwright-core (which never downloads a browser). The flags keep Chromium from reaching
 * for the network on its own (updates, sync, safe browsing…), which this closed network
 * refuses; a fresh profile each launch keeps runs independent.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests run: wherever Chromium is installed, and always in CI (CI=true),
 * where a missing browser must fail the run rather than skip the tests quietly.
 */
export function browserTestsEnabled(): boolean {
  return existsSync(CHROMIUM_PATH) || process.env.CI === 'true';
}

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<WatchedPage>;
  close(): Promise<void>;
}

/** A page whose console errors and uncaught exceptions are collected for the test to check. */
export interface WatchedPage {
  page: Page;
  /** Console messages of type error, failed requests and uncaught exceptions, in order. */
  errors: string[];
}

export async function launchBrowser(options: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    // Fixed, so dates render the same on every machine (and in the screenshots).
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  // Well inside a test's own timeout, so a failed wait names what it waited for.
  context.setDefaultTimeout(10_000);
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      page.on('requestfailed', (request) => {
        // A stream the page closes itself (leaving, or reloading) is not a failure.
        if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
        errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
      });
      return { page, errors };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** True when the page is wider than its viewport (it scrolls sideways). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  // A string: the project compiles without the DOM's types, the page evaluates it with them.
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
}
