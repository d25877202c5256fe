import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTwilioCalls } from '../../src/call/twilio-calls.js';
import type { Config } from '../../src/config.js';
import { createRecruiterRouter } from '../../src/http/recruiter-api.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { PostgresCallStore } from '../../src/store/postgres-call-store.js';
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
  const store = new PostgresCallStore({ db: database.db, clock: new ManualClock(), defaultRole: 'Engineer' });
  const twilioCalls = createTwilioCalls({
    twilio: options.twilio ?? TWILIO,
    publicUrl: PUBLIC_URL,
    httpClient: twilioHttp.asHttpClient(),
  });
  const app = express();
  app.use(
    '/api',
    createRecruiterRouter({
      apiKey: 'apiKey' in options ? options.apiKey : API_KEY,
      store,
      twilioCalls,
      logger: createLogger('silent'),
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
    twilioHttp,
    call,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
