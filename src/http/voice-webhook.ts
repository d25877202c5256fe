import type { Request, Response } from 'express';
import type { CallRegistry } from '../call/call-registry.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { busyTwiml, streamTwiml, streamUrlFor } from './twiml.js';

/** What the voice webhook needs from the call records: a call id for a new (or retried) call. */
export interface CallIntake {
  beginCall(input: {
    callSid: string;
    direction: 'inbound' | 'outbound';
    from: string;
    to: string;
    interviewId?: string;
  }): Promise<{ callId: string; interview: { id: string } }>;
}

export interface VoiceWebhookDeps {
  publicUrl: string;
  registry: CallRegistry;
  intake: CallIntake;
  logger: Logger;
  metrics: Metrics;
}

/**
 * POST /twilio/voice (signature already checked). Answers TwiML that opens the bidirectional
 * stream; the <Parameter>s carry the ids the stream needs, so it may land on another instance.
 */
export function voiceWebhook(deps: VoiceWebhookDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const callSid = body.CallSid;
    if (!callSid) {
      res.status(400).type('text/plain').send('CallSid is required');
      return;
    }
    const refusal = deps.registry.refusal();
    if (refusal) {
      deps.metrics.callsRefused.inc({ reason: refusal });
      deps.logger.warn({ callSid, reason: refusal }, 'call refused');
      res.type('text/xml').send(busyTwiml());
      return;
    }
    const direction = body.Direction?.startsWith('outbound') ? 'outbound' : 'inbound';
    const interviewId = typeof req.query.interviewId === 'string' ? req.query.interviewId : undefined;
    const { callId, interview } = await deps.intake.beginCall({
      callSid,
      direction,
      from: body.From ?? '',
      to: body.To ?? '',
      ...(interviewId === undefined ? {} : { interviewId }),
    });
    deps.logger.info({ callSid, callId, direction, from: body.From }, 'voice webhook answered');
    res
      .type('text/xml')
      .send(streamTwiml(streamUrlFor(deps.publicUrl), { callId, callSid, interviewId: interview.id }));
  };
}
