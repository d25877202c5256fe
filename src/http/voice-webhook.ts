import type { Request, Response } from 'express';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { busyTwiml, streamTwiml, streamUrlFor } from '../twilio/twiml.js';
import type { CallRegistry } from './call-registry.js';

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
    // Taken before any await, so a burst of webhooks cannot all pass the check at once.
    const place = deps.registry.reserve();
    if ('refused' in place) {
      deps.metrics.callsRefused.inc({ reason: place.refused });
      deps.logger.warn({ callSid, reason: place.refused }, 'call refused');
      res.type('text/xml').send(busyTwiml());
      return;
    }
    const direction = body.Direction?.startsWith('outbound') ? 'outbound' : 'inbound';
    const interviewId = typeof req.query.interviewId === 'string' ? req.query.interviewId : undefined;
    let begun: Awaited<ReturnType<CallIntake['beginCall']>>;
    try {
      begun = await deps.intake.beginCall({
        callSid,
        direction,
        from: body.From ?? '',
        to: body.To ?? '',
        ...(interviewId === undefined ? {} : { interviewId }),
      });
    } catch (err) {
      place.release();
      throw err;
    }
    const { callId, interview } = begun;
    place.bind(callId);
    deps.logger.info({ callSid, callId, direction, from: body.From }, 'voice webhook answered');
    res
      .type('text/xml')
      .send(streamTwiml(streamUrlFor(deps.publicUrl), { callId, callSid, interviewId: interview.id }));
  };
}
