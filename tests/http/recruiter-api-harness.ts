import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../../src/config.js';
import { createRecruiterRouter } from '../../src/http/recruiter-api.js';
import { createTemplatesRouter } from '../../src/http/templates-api.js';
import type { InterviewDefinition } from '../../src/interview/index.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
import { PostgresTemplateStore } from '../../src/store/template-store.js';
import { createTwilioCalls } from '../../src/twilio/twilio-calls.js';
import { RecordingTwilioClient } from '../call/recording-twilio-client.js';
import type { TestDatabase } from '../store/databases.js';

export const API_KEY = 'test-api-key-0123456789';
export const TWILIO: Config['twilio'] = {
  accountSid: `AC${'a'.repeat(32)}`,
  authToken: 'twilio-auth-token',
  phoneNumber: '+14155550100',
};
export const PUBLIC_URL = 'https://interviews.example.com';

/** The recruiter router on a real express app on 127.0.0.1, over a real store and the real twilio SDK. */
export async function startRecruiterApi(
  database: TestDatabase,
  options: { apiKey?: string | undefined; twilio?: Config['twilio'] } = {},
) {
  const twilioHttp = new RecordingTwilioClient();
  const clock = new ManualClock();
  const store = new PostgresCallStore({ db: database.db, clock, defaultRole: 'Engineer' });
  const templates = new PostgresTemplateStore(database.db, clock);
  /** Definitions the templates API reported as created or changed (to render their greetings). */
  const changed: InterviewDefinition[] = [];
  const twilioCalls = createTwilioCalls({
    twilio: options.twilio ?? TWILIO,
    publicUrl: PUBLIC_URL,
    httpClient: twilioHttp.asHttpClient(),
    clock: new ManualClock(),
  });
  const app = express();
  app.use(
    '/api',
    createRecruiterRouter({
      apiKey: 'apiKey' in options ? options.apiKey : API_KEY,
      store,
      twilioCalls,
      logger: createLogger('silent'),
      templates,
      routes: [
        createTemplatesRouter({ store: templates, logger: createLogger('silent'), onChanged: (d) => changed.push(d) }),
      ],
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;

  async function call(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
  }

  return {
    baseUrl: base,
    store,
    templates,
    changed,
    clock,
    twilioHttp,
    call,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
