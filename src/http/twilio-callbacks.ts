import express, { type Request, type Response, Router } from 'express';
import type { Logger } from '../observability/logger.js';
import { type CallStatus, type CallStore, type StatusDetails, TWILIO_CALL_STATUSES } from '../store/call-store.js';
import { DEFAULT_VOICEMAIL_TEXT, type TwilioCalls, twilioFailureFields } from '../twilio/twilio-calls.js';
import { requireTwilioSignature } from '../twilio/twilio-signature.js';

export interface TwilioCallbackDeps {
  /** PUBLIC_URL: Twilio signs the URL it requested, which is this plus the path. */
  publicUrl: string;
  /** TWILIO_AUTH_TOKEN; unset means every callback is refused (403). */
  authToken: string | undefined;
  store: CallStore;
  logger: Logger;
  /**
   * Called once when async AMD reports a machine (after its beep, with DetectMessageEnd): the
   * orchestrator stops the interview and leaves the voicemail. Default: `twilioCalls.leaveVoicemail`.
   */
  onMachineAnswered?: (callSid: string, callId: string) => Promise<void>;
  /** Needed for the default machine hook. */
  twilioCalls?: TwilioCalls;
  /** What the default hook says after the beep; default DEFAULT_VOICEMAIL_TEXT. */
  voicemailText?: string;
}

/** AnsweredBy values that mean nobody is listening (docs/twilio-voice.md, answering machine detection); `human`/`unknown` mean go on. */
const MACHINE_ANSWERS = new Set([
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
]);

type Form = Record<string, string | string[] | undefined>;

function field(body: Form, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function statusDetails(body: Form): StatusDetails {
  const at = field(body, 'Timestamp') === undefined ? undefined : new Date(field(body, 'Timestamp') ?? '');
  const sequence = Number(field(body, 'SequenceNumber'));
  const duration = Number(field(body, 'CallDuration'));
  const sip = field(body, 'SipResponseCode');
  return {
    ...(at && !Number.isNaN(at.getTime()) ? { at } : {}),
    ...(Number.isInteger(sequence) && field(body, 'SequenceNumber') !== undefined ? { sequenceNumber: sequence } : {}),
    ...(Number.isFinite(duration) && field(body, 'CallDuration') !== undefined ? { callDuration: duration } : {}),
    ...(sip === undefined ? {} : { sipResponseCode: sip }),
  };
}

function isCallStatus(value: string | undefined): value is CallStatus {
  return (TWILIO_CALL_STATUSES as readonly string[]).includes(value ?? '');
}

/**
 * Twilio's call-progress callbacks, signed: `POST /twilio/status` (status changes, in any order)
 * and `POST /twilio/amd` (asynchronous answering-machine detection). Mount at the app root.
 */
export function createTwilioCallbackRouter(deps: TwilioCallbackDeps): Router {
  const { store, logger } = deps;
  const router = Router();
  const signed = [
    express.urlencoded({ extended: false, limit: '32kb' }),
    requireTwilioSignature({
      publicUrl: deps.publicUrl,
      authToken: deps.authToken,
      onRejected: (req) => logger.warn({ path: req.path }, 'twilio callback with a bad signature refused'),
    }),
  ];
  const machineHook =
    deps.onMachineAnswered ??
    (async (callSid: string) => {
      if (!deps.twilioCalls) throw new Error('no onMachineAnswered hook and no twilioCalls to leave a voicemail');
      await deps.twilioCalls.leaveVoicemail(callSid, deps.voicemailText ?? DEFAULT_VOICEMAIL_TEXT);
    });

  router.post('/twilio/status', ...signed, async (req: Request, res: Response) => {
    const body = req.body as Form;
    const callSid = field(body, 'CallSid');
    const status = field(body, 'CallStatus');
    if (callSid === undefined) {
      res.status(400).type('text/plain').send('CallSid missing');
      return;
    }
    if (!isCallStatus(status)) {
      logger.warn({ status }, 'twilio status callback with an unknown CallStatus ignored');
      res.status(204).end();
      return;
    }
    const result = await store.recordStatus(callSid, status, statusDetails(body));
    if (result) logger.info({ callId: result.callId, status, applied: result.applied }, 'call status');
    else logger.debug({ callSid, status }, 'status for a call not (yet) stored');
    res.status(204).end();
  });

  router.post('/twilio/amd', ...signed, async (req: Request, res: Response) => {
    const body = req.body as Form;
    const callSid = field(body, 'CallSid');
    const answeredBy = field(body, 'AnsweredBy');
    if (callSid === undefined || answeredBy === undefined) {
      res.status(400).type('text/plain').send('CallSid and AnsweredBy required');
      return;
    }
    const callId = await store.recordAnsweredBy(callSid, answeredBy);
    if (callId === null) {
      logger.warn({ callSid, answeredBy }, 'AMD result for an unknown call ignored');
      res.status(204).end();
      return;
    }
    const machine = MACHINE_ANSWERS.has(answeredBy);
    const isNew = machine && (await store.finishCall(callId, 'voicemail', `answered by ${answeredBy}`));
    logger.info({ callId, answeredBy }, 'answering machine detection');
    // Answer Twilio first: the hook makes a REST call of its own and must not hold this request.
    res.status(204).end();
    if (isNew) {
      machineHook(callSid, callId).catch((err: unknown) =>
        logger.error({ callId, ...twilioFailureFields(err) }, 'leaving the voicemail failed'),
      );
    }
  });

  return router;
}
