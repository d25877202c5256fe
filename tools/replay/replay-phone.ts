/**
 * A phone that plays a fixture's caller side into the real service, like Twilio would:
 *
 * 1. it posts the signed voice webhook (a fresh CallSid: ids differ per run) and reads the
 *    TwiML's stream URL and <Parameter>s: those become `start.customParameters`, so the stream
 *    finds the call the webhook just registered;
 * 2. it opens the signed Media Streams socket and sends `connected` and `start`;
 * 3. it plays caller.ulaw frame by frame every 20 ms, and sends the recorded `dtmf`, unparsed
 *    messages and `stop` at their recorded media times (no recorded stop: it waits for the
 *    service to hang up).
 * Agent audio is played and marks are echoed as Twilio does, by PhoneStream (composed here).
 *
 * Timing: the caller's bytes go out in recorded order, so the service (and STT) receive the
 * same audio at the same byte positions; PhoneStream stamps frames on its own clock, which
 * puts them up to one frame (20 ms) later than recorded.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../../src/lib/clock.js';
import { AppError, ErrorCodes } from '../../src/lib/errors.js';
import { PhoneStream, postSignedWebhook, type WebhookAnswer } from '../../testing/fakes/twilio-phone.js';
import type { Fixture, TimedAudio } from './fixture-reader.js';

export interface ReplayPhoneOptions {
  fixture: Fixture;
  /** Paces the caller's frames and the agent's playback. */
  clock: Clock;
  /** The service's local base URL, e.g. http://127.0.0.1:PORT. */
  baseUrl: string;
  /** The service's PUBLIC_URL: webhook and stream signatures are over it. */
  publicUrl: string;
  /** The service's TWILIO_AUTH_TOKEN. */
  authToken: string;
  /** Extra or overriding voice-webhook form fields. Default: a fresh CallSid, placeholder numbers. */
  webhookParams?: Record<string, string>;
}

export const VOICE_WEBHOOK_PATH = '/twilio/voice';

export class ReplayPhone {
  private timers: Timer[] = [];
  private startedAt: number | undefined;

  private constructor(
    readonly stream: PhoneStream,
    readonly webhook: WebhookAnswer,
    readonly callSid: string,
    private readonly options: ReplayPhoneOptions,
  ) {}

  /** Posts the webhook and opens the stream (not started yet: call `play()`). */
  static async dial(options: ReplayPhoneOptions): Promise<ReplayPhone> {
    const { fixture } = options;
    const callSid = options.webhookParams?.CallSid ?? `CA${randomBytes(16).toString('hex')}`;
    const outbound = fixture.meta.context?.direction === 'outbound';
    const params = {
      CallSid: callSid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: outbound ? '+15550000001' : '+15550000002',
      To: outbound ? '+15550000002' : '+15550000001',
      Direction: outbound ? 'outbound-api' : 'inbound',
      CallStatus: 'in-progress',
      ...options.webhookParams,
    };
    const query =
      fixture.meta.interviewId === 'default' ? '' : `?interviewId=${encodeURIComponent(fixture.meta.interviewId)}`;
    const webhook = await postSignedWebhook({
      localBaseUrl: options.baseUrl,
      publicUrl: options.publicUrl,
      path: `${VOICE_WEBHOOK_PATH}${query}`,
      authToken: options.authToken,
      params,
    });
    if (webhook.status !== 200 || !webhook.streamUrl) {
      throw new AppError(
        ErrorCodes.REPLAY_DIVERGED,
        `the voice webhook answered ${webhook.status} without a stream to connect to`,
      );
    }
    const signedUrl = webhook.streamUrl;
    const local = new URL(signedUrl);
    const localWsUrl = `${options.baseUrl.replace(/^http/, 'ws')}${local.pathname}${local.search}`;
    const stream = new PhoneStream({
      localWsUrl,
      signedUrl,
      authToken: options.authToken,
      clock: options.clock,
      callSid,
      customParameters: webhook.parameters,
    });
    await stream.connect();
    return new ReplayPhone(stream, webhook, callSid, options);
  }

  /** Starts the stream and the recorded caller side. */
  play(): void {
    const { fixture, clock } = this.options;
    this.startedAt = clock.now();
    this.stream.start();
    this.stream.say(fixture.callerAudio);
    for (const line of fixture.twilio) {
      const at = (fn: () => void) => this.timers.push(clock.setTimeout(fn, line.atMs));
      const message = line.message;
      switch (line.event) {
        case 'dtmf': {
          const digit = (message.dtmf as { digit?: unknown } | undefined)?.digit;
          if (typeof digit === 'string') at(() => this.stream.pressDigit(digit));
          break;
        }
        case 'unparsed':
          if (typeof message.raw === 'string') {
            const raw = message.raw;
            at(() => this.stream.sendRaw(raw));
          }
          break;
        case 'stop':
          at(() => this.stream.hangUp());
          break;
        default:
          // connected/start are sent by PhoneStream; media is caller.ulaw; marks are echoed live.
          break;
      }
    }
    void this.stream.whenClosed().then(() => this.cancelTimers());
  }

  /** Media time now, ms since `play()`. */
  mediaNowMs(): number {
    return this.startedAt === undefined ? 0 : this.options.clock.now() - this.startedAt;
  }

  /** Resolves when the stream is closed (by either side). */
  whenEnded(): Promise<void> {
    return this.stream.whenClosed();
  }

  /** The agent audio the caller heard, at the media times it started playing. */
  heardFrames(): TimedAudio[] {
    const start = this.startedAt ?? 0;
    return this.stream.heard.map((f) => ({ atMs: f.atMs - start, bytes: f.bytes }));
  }

  /** Stops the recorded caller side (timers) and hangs up if still connected. */
  hangUp(): void {
    this.cancelTimers();
    this.stream.hangUp();
  }

  private cancelTimers(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
  }
}
