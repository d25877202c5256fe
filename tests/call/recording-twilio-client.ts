import { randomBytes } from 'node:crypto';
import type { TwilioHttpClient } from '../../src/twilio/twilio-calls.js';

/** One request the twilio SDK made, as its RequestClient received it. */
export interface RecordedTwilioRequest {
  method: string;
  uri: string;
  username: string | undefined;
  password: string | undefined;
  data: Record<string, unknown>;
}

interface SdkRequestOptions {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  data?: Record<string, unknown>;
}

/** A Twilio REST error answer (docs/twilio-voice.md, REST). */
export interface TwilioErrorAnswer {
  status: number;
  code: number;
  message: string;
}

/**
 * Stands in for the SDK's RequestClient (its `httpClient` option): records every request and
 * answers the way api.twilio.com does — 201 with a snake_case call resource for Calls.json,
 * 200 for an update — or with a queued error answer.
 */
export class RecordingTwilioClient {
  readonly requests: RecordedTwilioRequest[] = [];
  private readonly errors: TwilioErrorAnswer[] = [];

  /** The next request gets this error answer instead. */
  failNext(answer: TwilioErrorAnswer): void {
    this.errors.push(answer);
  }

  asHttpClient(): TwilioHttpClient {
    return this as unknown as TwilioHttpClient;
  }

  async request(
    opts: SdkRequestOptions,
  ): Promise<{ statusCode: number; body: string; headers: Record<string, string> }> {
    const data = opts.data ?? {};
    this.requests.push({ method: opts.method, uri: opts.uri, username: opts.username, password: opts.password, data });
    const error = this.errors.shift();
    if (error) {
      const body = { ...error, more_info: `https://www.twilio.com/docs/errors/${error.code}` };
      return { statusCode: error.status, body: JSON.stringify(body), headers: {} };
    }
    const update = /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(opts.uri);
    const sid = update?.[1] ?? `CA${randomBytes(16).toString('hex')}`;
    const resource = {
      sid,
      account_sid: opts.username,
      to: data.To ?? '+14155550123',
      from: data.From ?? '+14155550100',
      status: update ? 'in-progress' : 'queued',
      direction: 'outbound-api',
      answered_by: null,
      date_created: new Date(Date.UTC(2026, 0, 1)).toUTCString(),
      uri: `/2010-04-01/Accounts/${opts.username}/Calls/${sid}.json`,
    };
    return { statusCode: update ? 200 : 201, body: JSON.stringify(resource), headers: {} };
  }
}
