/**
 * The service as a recruiter's browser meets it: the real service (console, API, webhooks) on
 * 127.0.0.1 with an API key, Twilio calls recorded by a stand-in REST client, and the Deepgram
 * and OpenAI fakes so a placed call can really start. Optionally on a DATA_DIR where fixtures were
 * replayed first (tools/replay), so the console shows recorded calls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { type Service, startService } from '../../../src/service.js';
import { type Browser, launchBrowser } from '../../../testing/browser.js';
import { type DeepgramFake, startDeepgramFake } from '../../../testing/fakes/deepgram-fake.js';
import { type OpenAiFake, startOpenAiFake } from '../../../testing/fakes/openai-fake.js';
import { postSignedWebhook, type WebhookAnswer } from '../../../testing/fakes/twilio-phone.js';
import { scriptedInterviewer } from '../../../testing/scripted-interviewer.js';
import { readFixture } from '../../../tools/replay/fixture-reader.js';
import { type ReplayResult, replayFixture } from '../../../tools/replay/replay-call.js';
import { RecordingTwilioClient } from '../../call/recording-twilio-client.js';

export const API_KEY = 'console-test-key-0123456789';
export const AUTH_TOKEN = 'console-auth-token-0123456789abcdef';
export const PUBLIC_URL = 'https://interviews.example.com';
const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures');

export interface ConsoleService {
  service: Service;
  baseUrl: string;
  dataDir: string;
  twilioHttp: RecordingTwilioClient;
  deepgram: DeepgramFake;
  openai: OpenAiFake;
  /** Posts a Twilio webhook to the service, signed as Twilio signs it. */
  twilioPost(path: string, params: Record<string, string>): Promise<WebhookAnswer>;
  close(): Promise<void>;
}

/** Replays fixtures (by folder name under fixtures/) into `dataDir`, one after the other. */
export async function replayInto(dataDir: string, names: string[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const name of names)
    results.push(await replayFixture(await readFixture(path.join(FIXTURES, name)), { dataDir }));
  return results;
}

export async function startConsoleService(
  options: { dataDir?: string; env?: Record<string, string> } = {},
): Promise<ConsoleService> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'console-')));
  const deepgram = await startDeepgramFake({ apiKey: 'dg-key', speakRealtimeFactor: 1000, speakChunkBytes: 8000 });
  const openai = await startOpenAiFake({ apiKey: 'sk-key', respond: scriptedInterviewer });
  const twilioHttp = new RecordingTwilioClient();
  const config = loadConfig({
    PUBLIC_URL,
    API_KEY,
    TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: '+14155550100',
    DEEPGRAM_API_KEY: 'dg-key',
    DEEPGRAM_API_URL: deepgram.url,
    OPENAI_API_KEY: 'sk-key',
    OPENAI_BASE_URL: openai.baseUrl,
    DATA_DIR: dataDir,
    ...options.env,
  });
  const service = await startService({
    config,
    logger: createLogger('silent'),
    listenPort: 0,
    listenHost: '127.0.0.1',
    twilioHttpClient: twilioHttp.asHttpClient(),
  });
  return {
    service,
    baseUrl: service.baseUrl,
    dataDir,
    twilioHttp,
    deepgram,
    openai,
    twilioPost: (urlPath, params) =>
      postSignedWebhook({
        localBaseUrl: service.baseUrl,
        publicUrl: PUBLIC_URL,
        path: urlPath,
        authToken: AUTH_TOKEN,
        params,
      }),
    async close() {
      await service.close(0);
      await deepgram.close();
      await openai.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs the page in through the console's form (from signed out: the profile's cookies go first). */
export async function signIn(page: import('playwright-core').Page, baseUrl: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/console`);
  await page.locator('input[name="key"]').fill(API_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Calls' }).waitFor();
}

/**
 * One console service and one browser for a describe block: started before its tests, closed
 * after. Read `app` and `browser` inside the tests (they are set by then).
 */
export function useConsoleAndBrowser(): { app: ConsoleService; browser: Browser } {
  const env = {} as { app: ConsoleService; browser: Browser };
  beforeAll(async () => {
    env.app = await startConsoleService();
    env.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.app?.close();
  });
  return env;
}
