import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type TwilioCalls, twilioFailureFields } from '../call/twilio-calls.js';
import type { Logger } from '../observability/logger.js';
import {
  type CallRecord,
  type CallStore,
  type NewOutboundInterview,
  TWILIO_CALL_STATUSES,
} from '../store/call-store.js';

export interface RecruiterApiDeps {
  /** API_KEY; unset means every request gets 401. */
  apiKey: string | undefined;
  store: CallStore;
  twilioCalls: TwilioCalls;
  logger: Logger;
  /** Largest JSON body accepted, bytes; default 64 KiB (a long job description fits). */
  bodyLimitBytes?: number;
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** Longest Idempotency-Key accepted, characters. */
const MAX_IDEMPOTENCY_KEY = 255;

const requiredString = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

/** Unknown fields are refused: a typo such as `jobDescripton` must not be silently dropped. */
const createCallBody = z.strictObject({
  to: requiredString(16).regex(E164, 'must be an E.164 number such as +14155550100'),
  candidate: z.strictObject({ name: requiredString(200).optional() }).optional(),
  role: requiredString(200).optional(),
  jobDescription: requiredString(20_000).optional(),
  /** Extra facts for the interviewer, e.g. { "team": "payments" }: at most 20 short entries. */
  context: z
    .record(z.string().max(64, 'keys must be at most 64 characters'), requiredString(2_000))
    .refine((c) => Object.keys(c).length <= 20, 'must have at most 20 entries')
    .optional(),
});
type CreateCallBody = z.infer<typeof createCallBody>;

const listQuery = z.strictObject({
  status: z.enum(TWILIO_CALL_STATUSES, { error: `must be one of ${TWILIO_CALL_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .optional(),
  cursor: z.string().max(500).optional(),
});

interface ErrorBody {
  error: { code: string; message: string; field: string | null };
}

function errorBody(code: string, message: string, field: string | null = null): ErrorBody {
  return { error: { code, message, field } };
}

/** The first issue as `{ field, message }`; an unknown key names that key. */
function firstIssue(error: z.ZodError): { field: string | null; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: null, message: 'invalid request' };
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const field = path.length === 0 ? null : path.join('.');
  if (issue.code === 'unrecognized_keys') return { field, message: `${field} is not a known field` };
  if (field === null) return { field, message: 'body must be a JSON object' };
  return { field, message: `${field} ${issue.message}` };
}

/** Constant-time: compares SHA-256 digests, so lengths always match and nothing leaks by timing. */
function bearerMatches(header: string | undefined, apiKey: string | undefined): boolean {
  if (!apiKey || !header) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(apiKey));
}

function toInterviewInput(
  body: CreateCallBody,
  from: string,
  idempotencyKey: string | undefined,
): NewOutboundInterview {
  return {
    to: body.to,
    from,
    ...(body.role === undefined ? {} : { role: body.role }),
    ...(body.jobDescription === undefined ? {} : { jobDescription: body.jobDescription }),
    ...(body.candidate?.name === undefined ? {} : { candidateName: body.candidate.name }),
    ...(body.context === undefined ? {} : { context: body.context }),
    ...(idempotencyKey === undefined
      ? {}
      : { idempotencyKey, requestHash: createHash('sha256').update(JSON.stringify(body)).digest('hex') }),
  };
}

/** A call we could not hand to Twilio: stored as failed, answered 502 (first time and on replay). */
function placementFailed(record: CallRecord): boolean {
  return record.outcome === 'failed' && record.callSid === null;
}

/**
 * The recruiter API (CONTRACT.md "HTTP"), mounted by the app at `/api`:
 * POST /calls, GET /calls, GET /calls/:id (id or CallSid), DELETE /calls/:id (erasure).
 * Errors are `{ error: { code, message, field } }`.
 */
export function createRecruiterRouter(deps: RecruiterApiDeps): Router {
  const { store, twilioCalls, logger } = deps;
  const router = Router();

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (bearerMatches(req.header('authorization'), deps.apiKey)) return next();
    const message = deps.apiKey ? 'a valid Authorization: Bearer token is required' : 'API_KEY is not configured';
    res.status(401).set('WWW-Authenticate', 'Bearer').json(errorBody('unauthorized', message));
  });
  router.use(express.json({ limit: deps.bodyLimitBytes ?? 64 * 1024 }));

  router.post('/calls', async (req: Request, res: Response) => {
    const parsed = createCallBody.safeParse(req.body);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      res.status(400).json(errorBody('invalid_request', message, field));
      return;
    }
    const idempotencyKey = req.header('idempotency-key');
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
      const message = `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`;
      res.status(400).json(errorBody('invalid_request', message, 'Idempotency-Key'));
      return;
    }
    const missing = twilioCalls.missingSettings();
    if (missing.length > 0 || twilioCalls.callerId === undefined) {
      const message = `outbound calls need ${missing.join(', ')} to be set`;
      res.status(503).json(errorBody('twilio_not_configured', message, missing[0] ?? null));
      return;
    }

    const input = toInterviewInput(parsed.data, twilioCalls.callerId, idempotencyKey);
    const stored = await store.createOutboundInterview(input);
    if (!stored.created) {
      if (stored.requestHash !== (input.requestHash ?? null)) {
        const message = 'this Idempotency-Key was used with a different request body';
        res.status(422).json(errorBody('idempotency_key_reused', message, 'Idempotency-Key'));
        return;
      }
      const first = await store.getRecord(stored.callId);
      if (first && placementFailed(first)) res.status(502).json({ ...twilioFailedBody(), call: first });
      else res.status(201).json(first);
      return;
    }

    try {
      const placed = await twilioCalls.placeCall({ to: parsed.data.to, interviewId: stored.interviewId });
      await store.attachCallSid(stored.callId, placed.callSid, placed.status);
    } catch (err) {
      logger.error({ callId: stored.callId, ...twilioFailureFields(err) }, 'outbound call placement failed');
      await store.finishCall(stored.callId, 'failed', 'twilio calls.create failed', { status: 'failed' });
      res.status(502).json({ ...twilioFailedBody(), call: await store.getRecord(stored.callId) });
      return;
    }
    logger.info({ callId: stored.callId }, 'outbound call placed');
    res.status(201).json(await store.getRecord(stored.callId));
  });

  router.get('/calls', async (req: Request, res: Response) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error);
      res.status(400).json(errorBody('invalid_request', message, field));
      return;
    }
    const { status, limit, cursor } = parsed.data;
    try {
      const page = await store.listCalls({
        ...(status === undefined ? {} : { status }),
        ...(limit === undefined ? {} : { limit }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      res.json(page);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      res.status(400).json(errorBody('invalid_request', 'cursor is not a cursor this service gave out', 'cursor'));
    }
  });

  router.get('/calls/:id', async (req: Request<{ id: string }>, res: Response) => {
    const record = await store.getRecord(req.params.id);
    if (record) res.json(record);
    else res.status(404).json(errorBody('not_found', 'no call with this id or CallSid', 'id'));
  });

  router.delete('/calls/:id', async (req: Request<{ id: string }>, res: Response) => {
    if (await store.eraseCall(req.params.id)) {
      logger.info({ callId: req.params.id }, 'call erased on request');
      res.status(204).end();
    } else res.status(404).json(errorBody('not_found', 'no call with this id or CallSid', 'id'));
  });

  router.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('not_found', 'no such API route'));
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
    if (type === 'entity.parse.failed') {
      res.status(400).json(errorBody('invalid_json', 'body is not valid JSON'));
    } else if (type === 'entity.too.large') {
      res.status(413).json(errorBody('body_too_large', 'body is too large'));
    } else {
      logger.error({ err }, 'recruiter API request failed');
      res.status(500).json(errorBody('internal', 'internal error'));
    }
  });

  return router;
}

function twilioFailedBody(): ErrorBody {
  return errorBody('twilio_failed', 'Twilio did not accept the call; it is stored as failed');
}
