import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { placeOutboundCall } from '../http/recruiter-api.js';
import type { Logger } from '../observability/logger.js';
import type { CallStore } from '../store/call-store.js';
import type { TemplateStore } from '../store/template-store.js';
import type { TwilioCalls } from '../twilio/twilio-calls.js';
import { formBody } from './console-auth.js';
import { sendPage } from './console-response.js';
import type { ConsoleSession } from './console-session.js';
import { html } from './html.js';
import { CONSOLE_PATH, csrfField, page } from './layout.js';
import {
  formFieldFor,
  type PlaceCallInput,
  type PlaceCallValues,
  placeCallBody,
  placeCallForm,
  readPlaceCallForm,
  type TemplateChoice,
} from './place-call-view.js';

export interface PlaceCallDeps {
  store: CallStore;
  twilioCalls: TwilioCalls;
  logger: Logger;
  /** Where placeOutboundCall finds the template a call names. */
  templates?: Pick<TemplateStore, 'getTemplate'>;
  /** Templates the form offers; absent: the default interview only. */
  listTemplates?: () => Promise<TemplateChoice[]>;
  /** The API takes `candidate.resume`. */
  acceptsResume?: boolean;
}

/** Attempt ids are random; a submitted one is reused only if it looks like one of ours. */
function attemptOf(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : newAttempt();
}

function newAttempt(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * GET /console/calls/new and POST /console/calls: the form for POST /api/calls, placed through
 * the same function as the API. Each rendering of the form is one attempt (the Idempotency-Key),
 * so a double click dials once; a refused attempt gets a fresh one with the error. A refused form
 * comes back with 200 and its errors: browsers log every 4xx page as a console error.
 */
export function mountPlaceCall(router: Router, deps: PlaceCallDeps, csrf: RequestHandler): void {
  async function render(
    res: Response,
    status: number,
    session: ConsoleSession,
    input: Omit<PlaceCallInput, 'csrf' | 'attempt' | 'resume'> & { attempt?: string },
  ) {
    const templates = deps.listTemplates ? await deps.listTemplates() : undefined;
    const body = placeCallForm({
      ...input,
      csrf: csrfField(session),
      attempt: input.attempt ?? newAttempt(),
      resume: deps.acceptsResume === true,
      ...(templates ? { templates } : {}),
    });
    sendPage(res, status, page({ title: 'Place a call', session, nav: 'place', body }));
  }

  router.get(`${CONSOLE_PATH}/calls/new`, async (_req: Request, res: Response) => {
    const session = res.locals.session;
    if (session) await render(res, 200, session, { values: {} });
  });

  router.post(`${CONSOLE_PATH}/calls`, formBody, csrf, async (req: Request, res: Response) => {
    const session = res.locals.session;
    if (!session) return;
    const form = (req.body ?? {}) as Record<string, unknown>;
    const values: PlaceCallValues = readPlaceCallForm(form);
    const attempt = attemptOf(form.attempt);
    const placed = await placeOutboundCall(deps, placeCallBody(values), `console-${attempt}`);
    if (placed.status === 201 && placed.record) {
      res.redirect(303, `${CONSOLE_PATH}?placed=${encodeURIComponent(placed.record.id)}`);
      return;
    }
    const apiField = placed.error?.field ?? null;
    const field = formFieldFor(apiField);
    const message = placed.error?.message ?? 'the call could not be placed';
    if (field) {
      // Beside its field the message needs no field name: "must be an E.164 number …".
      const own = apiField && message.startsWith(`${apiField} `) ? message.slice(apiField.length + 1) : message;
      await render(res, 200, session, { values, fieldErrors: { [field]: sentence(own) } });
      return;
    }
    const failedCall = placed.record
      ? html` <a href="${CONSOLE_PATH}/calls/${placed.record.id}">See the failed call.</a>`
      : '';
    // A refused attempt is spent (Twilio may have stored it as failed): the next try is a new one.
    await render(res, 200, session, { values, error: html`${sentence(message)}${failedCall}` });
  });
}

/** The API's messages are lower-case fragments: as sentences for the form. */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
