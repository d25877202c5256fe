import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { secretsEqual } from '../lib/secret-compare.js';
import type { Logger } from '../observability/logger.js';
import {
  type CallRecord,
  type CallStore,
  type NewOutboundInterview,
  TWILIO_CALL_STATUSES,
} from '../store/call-store.js';
import type { TemplateStore } from '../store/template-store.js';
import { BUILT_IN_TEMPLATE_ID } from '../templates/template-input.js';
import { type TwilioCalls, twilioFailureFields } from '../twilio/twilio-calls.js';
import type { EraseCall } from './call-erasure.js';

export interface RecruiterApiDeps {
  /** API_KEY; unset means every request gets 401. */
  apiKey: string | undefined;
  store: CallStore;
  twilioCalls: TwilioCalls;
  logger: Logger;
  /** Largest JSON body accepted, bytes; default 64 KiB (a long job description fits). */
  bodyLimitBytes?: number;
  /** Further routers served under the same auth (recordings, templates). */
  routes?: Router[];
  /** Where `templateId` is looked up; without it only the built-in `default` is known. */
  templates?: Pick<TemplateStore, 'getTemplate'>;
  /** Rate limits (rate-limit.ts); default none. */
  rateLimits?: { byAddress: RequestHandler; byKey: RequestHandler };
  /** Erasure that ends a live call first (call-erasure.ts); default the store's alone. */
  eraseCall?: EraseCall;
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** Longest Idempotency-Key accepted, characters. */
const MAX_IDEMPOTENCY_KEY = 255;
/** Longest résumé accepted, characters (about eight pages); the prompt carries the first 4,000. */
const MAX_RESUME_BODY_CHARS = 20_000;

const requiredString = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

/** Unknown fields are refused: a typo such as `jobDescripton` must not be silently dropped. */
const createCallBody = z.strictObject({
  to: requiredString(16).regex(E164, 'must be an E.164 number such as +14155550100'),
  candidate: z
    .strictObject({
      name: requiredString(200).optional(),
      /** Plain text (a pasted résumé), bounded; reference data for the interviewer, never instructions. */
      resume: requiredString(MAX_RESUME_BODY_CHARS)
        .refine((text) => !text.includes('\u0000'), 'must be plain text')
        .optional(),
    })
    .optional(),
  /** An interview template's id (GET /api/templates); default the built-in `default`. */
  templateId: requiredString(64).optional(),
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

/** Constant-time (secretsEqual): nothing about the key leaks by timing. */
function bearerMatches(header: string | undefined, apiKey: string | undefined): boolean {
  if (!apiKey || !header) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  return secretsEqual(match[1], apiKey);
}

function toInterviewInput(
  body: CreateCallBody,
  from: string,
  idempotencyKey: string | undefined,
  template: { definitionId: string; templateVersion: number | null },
): NewOutboundInterview {
  return {
    to: body.to,
    from,
    definitionId: template.definitionId,
    templateVersion: template.templateVersion,
    ...(body.candidate?.resume === undefined ? {} : { resume: body.candidate.resume }),
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

export interface PlacementOutcome {
  /** The HTTP status the API answers with: 201 placed, 400/422 bad input, 502 Twilio refused, 503 not configured. */
  status: number;
  /** The API's JSON body: the call record, or `{ error }` (with `call` when one was stored). */
  body: unknown;
  /** The call stored for this request, if any (also when Twilio refused it). */
  record: CallRecord | null;
  error: ErrorBody['error'] | null;
}

/**
 * Validates and places an outbound interview call: the API's POST /calls, also used by the
 * console's form so both take the same input, answer the same errors and dial at most once per
 * Idempotency-Key.
 */
export async function placeOutboundCall(
  deps: Pick<RecruiterApiDeps, 'store' | 'twilioCalls' | 'logger' | 'templates'>,
  rawBody: unknown,
  idempotencyKey: string | undefined,
): Promise<PlacementOutcome> {
  const { store, twilioCalls, logger } = deps;
  const parsed = createCallBody.safeParse(rawBody);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    return refused(400, errorBody('invalid_request', message, field));
  }
  const template = await templateFor(parsed.data.templateId, deps.templates);
  if (!template) {
    const message = `templateId names no template (GET /api/templates lists them)`;
    return refused(400, errorBody('invalid_request', message, 'templateId'));
  }
  if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
    const message = `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`;
    return refused(400, errorBody('invalid_request', message, 'Idempotency-Key'));
  }
  const missing = twilioCalls.missingSettings();
  if (missing.length > 0 || twilioCalls.callerId === undefined) {
    const message = `outbound calls need ${missing.join(', ')} to be set`;
    return refused(503, errorBody('twilio_not_configured', message, missing[0] ?? null));
  }

  const input = toInterviewInput(parsed.data, twilioCalls.callerId, idempotencyKey, template);
  const stored = await store.createOutboundInterview(input);
  if (!stored.created) {
    if (stored.requestHash !== (input.requestHash ?? null)) {
      const message = 'this Idempotency-Key was used with a different request body';
      return refused(422, errorBody('idempotency_key_reused', message, 'Idempotency-Key'));
    }
    const first = await store.getRecord(stored.callId);
    if (first && placementFailed(first)) return twilioRefused(first);
    return placedCall(first);
  }

  try {
    const placed = await twilioCalls.placeCall({ to: parsed.data.to, interviewId: stored.interviewId });
    await store.attachCallSid(stored.callId, placed.callSid, placed.status);
  } catch (err) {
    logger.error({ callId: stored.callId, ...twilioFailureFields(err) }, 'outbound call placement failed');
    await store.finishCall(stored.callId, 'failed', 'twilio calls.create failed', { status: 'failed' });
    return twilioRefused(await store.getRecord(stored.callId));
  }
  logger.info({ callId: stored.callId }, 'outbound call placed');
  return placedCall(await store.getRecord(stored.callId));
}

/**
 * The recruiter API (docs/contract.md, routes), mounted by the app at `/api`:
 * POST /calls, GET /calls, GET /calls/:id (id or CallSid), DELETE /calls/:id (erasure).
 * Errors are `{ error: { code, message, field } }`.
 */
export function createRecruiterRouter(deps: RecruiterApiDeps): Router {
  const { store, logger } = deps;
  const router = Router();

  if (deps.rateLimits) router.use(deps.rateLimits.byAddress);
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (bearerMatches(req.header('authorization'), deps.apiKey)) return next();
    const message = deps.apiKey ? 'a valid Authorization: Bearer token is required' : 'API_KEY is not configured';
    res.status(401).set('WWW-Authenticate', 'Bearer').json(errorBody('unauthorized', message));
  });
  if (deps.rateLimits) router.use(deps.rateLimits.byKey);
  router.use(express.json({ limit: deps.bodyLimitBytes ?? 64 * 1024 }));

  // No stored id holds a NUL, and PostgreSQL refuses one in text: such an id is simply unknown.
  router.param('id', (_req: Request, res: Response, next: NextFunction, id: string) => {
    if (id.includes('\u0000')) res.status(404).json(errorBody('not_found', 'no such call'));
    else next();
  });

  router.post('/calls', async (req: Request, res: Response) => {
    const placed = await placeOutboundCall(deps, req.body, req.header('idempotency-key'));
    res.status(placed.status).json(placed.body);
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
    if (await (deps.eraseCall ?? ((id) => store.eraseCall(id)))(req.params.id)) {
      logger.info({ callId: req.params.id }, 'call erased on request');
      res.status(204).end();
    } else res.status(404).json(errorBody('not_found', 'no call with this id or CallSid', 'id'));
  });

  for (const routes of deps.routes ?? []) router.use(routes);

  router.use((_req: Request, res: Response) => {
    res.status(404).json(errorBody('not_found', 'no such API route'));
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
    if (type === 'entity.parse.failed') {
      res.status(400).json(errorBody('invalid_json', 'body is not valid JSON'));
    } else if (type === 'entity.too.large') {
      res.status(413).json(errorBody('body_too_large', 'body is too large'));
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      // body-parser's 415s: a Content-Encoding or charset it cannot read is the client's error.
      const field = type === 'encoding.unsupported' ? 'Content-Encoding' : 'Content-Type';
      res.status(415).json(errorBody('unsupported_body', 'body encoding or charset not supported', field));
    } else if (clientBodyError(err)) {
      // A body that cannot be read (gzip that is not gzip, a cut stream) cannot be JSON either.
      res.status(400).json(errorBody('invalid_json', 'body could not be read as JSON'));
    } else {
      logger.error({ err }, 'recruiter API request failed');
      res.status(500).json(errorBody('internal', 'internal error'));
    }
  });

  return router;
}

function refused(status: number, body: ErrorBody): PlacementOutcome {
  return { status, body, record: null, error: body.error };
}

function placedCall(record: CallRecord | null): PlacementOutcome {
  return { status: 201, body: record, record, error: null };
}

/** Twilio refused the call: it is stored as failed and the answer carries it. */
function twilioRefused(record: CallRecord | null): PlacementOutcome {
  const body = errorBody('twilio_failed', 'Twilio did not accept the call; it is stored as failed');
  return { status: 502, body: { ...body, call: record }, record, error: body.error };
}

/** The template version a new call runs: the latest of a template not deleted, or the built-in default. */
async function templateFor(
  templateId: string | undefined,
  templates: Pick<TemplateStore, 'getTemplate'> | undefined,
): Promise<{ definitionId: string; templateVersion: number | null } | null> {
  if (templateId === undefined || templateId === BUILT_IN_TEMPLATE_ID) {
    return { definitionId: BUILT_IN_TEMPLATE_ID, templateVersion: null };
  }
  const template = await templates?.getTemplate(templateId);
  return template ? { definitionId: template.id, templateVersion: template.version } : null;
}

/** body-parser's own errors carry the 4xx status they mean; anything else is ours. */
function clientBodyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('status' in err)) return false;
  const status = Number(err.status);
  return status >= 400 && status < 500;
}
