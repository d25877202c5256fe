import twilio from 'twilio';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import { AppError, ErrorCodes } from '../lib/errors.js';
import { withRetry } from '../lib/retry.js';
import type { CallStatus } from '../store/call-store.js';
import { voicemailTwiml } from './twiml.js';

/** The SDK's HTTP client (its `httpClient` option); tests pass a recording one. */
export type TwilioHttpClient = twilio.RequestClient;

export interface TwilioCallsOptions {
  twilio: Config['twilio'];
  /** Base URL Twilio reaches (PUBLIC_URL), no trailing slash. */
  publicUrl: string;
  httpClient?: TwilioHttpClient;
  /** Runs the waits between REST retries (a ManualClock in tests). */
  clock: Clock;
}

export interface PlacedCall {
  callSid: string;
  status: CallStatus;
}

/** Twilio's REST side of a call: place it, and end it with a voicemail. Network side effects only. */
export interface TwilioCalls {
  /** Our caller ID (TWILIO_PHONE_NUMBER), when set. */
  readonly callerId: string | undefined;
  /** Environment variables outbound calls need and lack, e.g. ['TWILIO_PHONE_NUMBER']. */
  missingSettings(): string[];
  /** Dials `to` from TWILIO_PHONE_NUMBER; never retried (a lost answer must not dial twice). */
  placeCall(input: { to: string; interviewId: string }): Promise<PlacedCall>;
  /** Replaces the live call's TwiML: say `text`, then hang up (the REST way to speak after a beep). */
  leaveVoicemail(callSid: string, text: string): Promise<void>;
}

/** calls.update for the voicemail: 3 attempts, waiting 250 ms then 500 ms (it is idempotent). */
const LEAVE_VOICEMAIL_ATTEMPTS = 3;
const LEAVE_VOICEMAIL_RETRY_DELAY_MS = 250;

export const DEFAULT_VOICEMAIL_TEXT =
  'Hello, this is the automated interviewer calling about your job application. ' +
  'Please call us back at this number when you have about fifteen minutes. Thank you, goodbye.';

/** Asynchronous AMD with DetectMessageEnd: the verdict for a machine arrives after its beep (docs/twilio-voice.md). */
export function createTwilioCalls(options: TwilioCallsOptions): TwilioCalls {
  let client: twilio.Twilio | undefined;
  const getClient = (): twilio.Twilio => {
    const missing = missingTwilioSettings(options.twilio);
    if (missing.length > 0) {
      throw new AppError(ErrorCodes.TWILIO_NOT_CONFIGURED, `${missing.join(', ')} not set`);
    }
    client ??= twilio(
      options.twilio.accountSid,
      options.twilio.authToken,
      options.httpClient ? { httpClient: options.httpClient } : {},
    );
    return client;
  };
  const url = (path: string) => `${options.publicUrl}${path}`;

  return {
    callerId: options.twilio.phoneNumber,
    missingSettings: () => missingTwilioSettings(options.twilio),

    async placeCall({ to, interviewId }) {
      const calls = getClient().calls;
      try {
        const call = await calls.create({
          to,
          from: options.twilio.phoneNumber ?? '',
          url: url(`/twilio/voice?interviewId=${encodeURIComponent(interviewId)}`),
          method: 'POST',
          statusCallback: url('/twilio/status'),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          machineDetection: 'DetectMessageEnd',
          asyncAmd: 'true',
          asyncAmdStatusCallback: url('/twilio/amd'),
          asyncAmdStatusCallbackMethod: 'POST',
        });
        return { callSid: call.sid, status: (call.status as CallStatus | undefined) ?? 'queued' };
      } catch (err) {
        throw twilioError('calls.create', err);
      }
    },

    async leaveVoicemail(callSid, text) {
      const twiml = voicemailTwiml(text);
      const call = getClient().calls(callSid);
      await withRetry(
        async () => {
          try {
            await call.update({ twiml });
          } catch (err) {
            throw twilioError('calls.update', err);
          }
        },
        {
          attempts: LEAVE_VOICEMAIL_ATTEMPTS,
          baseDelayMs: LEAVE_VOICEMAIL_RETRY_DELAY_MS,
          isRetryable: (err) => err instanceof AppError && err.retryable,
          clock: options.clock,
        },
      );
    },
  };
}

export function missingTwilioSettings(settings: Config['twilio']): string[] {
  const missing: string[] = [];
  if (!settings.accountSid) missing.push('TWILIO_ACCOUNT_SID');
  if (!settings.authToken) missing.push('TWILIO_AUTH_TOKEN');
  if (!settings.phoneNumber) missing.push('TWILIO_PHONE_NUMBER');
  return missing;
}

/**
 * Loggable facts of a Twilio failure. Not the message: Twilio's messages quote the phone number
 * ("The 'To' number +1… is not a valid phone number"), which must not reach the logs at info.
 */
export function twilioFailureFields(err: unknown): { code?: string; twilioStatus?: number; twilioCode?: number } {
  const cause = err instanceof AppError ? err.cause : err;
  const read = (key: string): number | undefined => {
    const value = typeof cause === 'object' && cause !== null ? (cause as Record<string, unknown>)[key] : undefined;
    return typeof value === 'number' ? value : undefined;
  };
  const twilioStatus = read('status');
  const twilioCode = read('code');
  return {
    ...(err instanceof AppError ? { code: err.code } : {}),
    ...(twilioStatus === undefined ? {} : { twilioStatus }),
    ...(twilioCode === undefined ? {} : { twilioCode }),
  };
}

/** Twilio answers 5xx/429 when a retry may help; network errors carry no status. */
function twilioError(operation: string, err: unknown): AppError {
  const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : undefined;
  const retryable = status === undefined || status === 429 || status >= 500;
  return new AppError(ErrorCodes.TWILIO_REQUEST_FAILED, `twilio ${operation} failed${status ? ` (${status})` : ''}`, {
    retryable,
    cause: err,
  });
}
