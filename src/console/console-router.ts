import { type Request, type Response, Router } from 'express';
import type { InterviewDefinition } from '../interview/index.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import type { CallRecord, CallStore } from '../store/call-store.js';
import type { TemplateStore } from '../store/template-store.js';
import type { TwilioCalls } from '../twilio/twilio-calls.js';
import { callPage, eraseConfirmPage } from './call-page-view.js';
import { callRow, callsList, matchesFilter, parseCallsFilter, storeFilter } from './calls-list-view.js';
import {
  formBody,
  requireCsrf,
  requireSession,
  safeNext,
  sessionOf,
  signInHandler,
  signInPage,
  signOutHandler,
} from './console-auth.js';
import { sendPage } from './console-response.js';
import { SessionSigner } from './console-session.js';
import { html } from './html.js';
import { CONSOLE_PATH, csrfField, page } from './layout.js';
import { LiveCalls } from './live-calls.js';
import { mountPlaceCall } from './place-call-routes.js';
import { SignInThrottle, type SignInThrottleParams } from './sign-in-throttle.js';
import { serveAsset } from './static-assets.js';
import { mountTemplates } from './templates-routes.js';
import type { ConsoleTemplates } from './templates-view.js';

export interface ConsoleDeps {
  /** API_KEY: the console's password; unset means nobody can sign in. */
  apiKey: string | undefined;
  store: CallStore;
  /** Erasure that ends a live call first (call-erasure.ts); default the store's alone. */
  eraseCall?: (idOrCallSid: string) => Promise<boolean>;
  clock: Clock;
  logger: Logger;
  /** The definition a call ran (built in, or a template's version), for each stage's time budget. */
  definitions: {
    definitionFor(ref: { definitionId: string; templateVersion: number | null }): Promise<InterviewDefinition>;
  };
  /** Places the calls of the "Place a call" form, as the API does. */
  twilioCalls: TwilioCalls;
  /** Serves `GET /calls/:id/recording` (the API's WAV route), mounted here behind the sign-in. */
  recordingRoutes?: Router;
  /** Interview templates: their pages, and the choice on the "Place a call" form. */
  templates?: ConsoleTemplates;
  /** Where a placed call's template is looked up (as the API does). */
  templateStore?: Pick<TemplateStore, 'getTemplate'>;
  /** The API takes `candidate.resume`: the form asks for one. */
  acceptsResume?: boolean;
  /** How often live views look for changes, ms; default 1000. */
  livePollMs?: number;
  /** Wrong keys an address may try at sign-in; default 10 in 15 minutes. */
  signInThrottle?: SignInThrottleParams;
  /** How long a sign-in lasts, ms; default 12 hours. */
  sessionLifetimeMs?: number;
}

export interface Console {
  router: Router;
  /** Ends the live streams (they would hold the server open) and refuses new ones. */
  close(): void;
}

const PAGE_SIZE = 25;

async function budgetsFor(record: CallRecord, definitions: ConsoleDeps['definitions']): Promise<Map<string, number>> {
  const { definitionId, templateVersion } = record.interview;
  try {
    const definition = await definitions.definitionFor({ definitionId, templateVersion });
    return new Map(definition.stages.map((s) => [s.name, s.timeBudgetMs]));
  } catch {
    return new Map(); // a definition this service no longer has: the page shows times without budgets
  }
}

/**
 * The recruiter's console (README "The console"): server-rendered pages under /console, signed
 * in with the API key, reading and writing through the same store as the recruiter API.
 */
export function createConsole(deps: ConsoleDeps): Console {
  const { store, clock, logger } = deps;
  const signer = deps.apiKey
    ? new SessionSigner({
        apiKey: deps.apiKey,
        clock,
        ...(deps.sessionLifetimeMs === undefined ? {} : { lifetimeMs: deps.sessionLifetimeMs }),
      })
    : undefined;
  const auth = { apiKey: deps.apiKey, signer, logger, throttle: new SignInThrottle(clock, deps.signInThrottle) };
  const live = new LiveCalls({ store, clock, logger, ...(deps.livePollMs ? { pollMs: deps.livePollMs } : {}) });
  const nowIso = () => new Date(clock.wallNow()).toISOString();
  const router = Router();
  const signedIn = requireSession(auth);
  const csrf = requireCsrf(auth);

  router.get('/', (_req, res) => res.redirect(302, CONSOLE_PATH));
  router.get(`${CONSOLE_PATH}/assets/:name`, serveAsset);
  router.post(`${CONSOLE_PATH}/sign-in`, formBody, signInHandler(auth));

  router.get(CONSOLE_PATH, async (req: Request, res: Response) => {
    const session = sessionOf(req, signer);
    if (!session) {
      signInPage(res, 200, { next: safeNext(req.query.next), disabled: signer === undefined });
      return;
    }
    const filter = parseCallsFilter(req.query);
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
    let notice =
      typeof req.query.placed === 'string' ? 'Call placed: it appears below and updates as it goes.' : undefined;
    let listed: Awaited<ReturnType<CallStore['listCalls']>>;
    try {
      listed = await store.listCalls({ ...storeFilter(filter), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      notice = 'That page link is not valid any more: here are the newest calls.';
      listed = await store.listCalls({ ...storeFilter(filter), limit: PAGE_SIZE });
    }
    const body = callsList({
      calls: listed.calls,
      filter,
      ...(cursor && !notice?.startsWith('That') ? { cursor } : {}),
      nextCursor: listed.nextCursor,
      nowMs: clock.wallNow(),
      ...(typeof req.query.placed === 'string' ? { highlightId: req.query.placed } : {}),
    });
    sendPage(res, 200, page({ title: 'Calls', session, nav: 'calls', body, ...(notice ? { notice } : {}) }));
  });

  // Everything below needs a session.
  router.use(CONSOLE_PATH, signedIn);
  router.post(`${CONSOLE_PATH}/sign-out`, formBody, csrf, signOutHandler);

  router.get(`${CONSOLE_PATH}/live`, (req: Request, res: Response) => {
    if (typeof req.query.call === 'string') {
      live.streamCall(req, res, req.query.call);
      return;
    }
    const filter = parseCallsFilter(req.query);
    live.streamCalls(req, res, (call) => ({
      matches: matchesFilter(call, filter),
      html: callRow(call, clock.wallNow()),
    }));
  });

  const templates = deps.templates;
  mountPlaceCall(
    router,
    {
      store,
      twilioCalls: deps.twilioCalls,
      logger,
      ...(templates ? { listTemplates: async () => (await templates.list()).filter((t) => !t.builtIn) } : {}),
      ...(deps.templateStore ? { templates: deps.templateStore } : {}),
      ...(deps.acceptsResume ? { acceptsResume: true } : {}),
    },
    csrf,
  );
  if (templates) mountTemplates(router, { templates, logger, notFound }, csrf);

  router.get(`${CONSOLE_PATH}/calls/:id`, async (req: Request<{ id: string }>, res: Response) => {
    const session = res.locals.session;
    const record = await store.getRecord(req.params.id);
    if (!record) return notFound(res, session);
    const recording =
      record.recording && deps.recordingRoutes
        ? {
            url: `${CONSOLE_PATH}/calls/${encodeURIComponent(record.id)}/recording`,
            offsetsMs: record.transcript.map((line) => line.offsetMs),
          }
        : null;
    const body = callPage({ record, budgets: await budgetsFor(record, deps.definitions), recording, nowIso: nowIso() });
    const notice = req.query.erased === '1' ? 'The call was erased.' : undefined;
    sendPage(
      res,
      200,
      page({ title: 'Call', ...(session ? { session } : {}), nav: 'calls', body, ...(notice ? { notice } : {}) }),
    );
  });

  router.get(`${CONSOLE_PATH}/calls/:id/erase`, async (req: Request<{ id: string }>, res: Response) => {
    const session = res.locals.session;
    const record = await store.getRecord(req.params.id);
    if (!record || !session) return notFound(res, session);
    sendPage(
      res,
      200,
      page({ title: 'Erase call', session, nav: 'calls', body: eraseConfirmPage(record, csrfField(session)) }),
    );
  });

  router.post(
    `${CONSOLE_PATH}/calls/:id/erase`,
    formBody,
    csrf,
    async (req: Request<{ id: string }>, res: Response) => {
      if (!(await (deps.eraseCall ?? ((id) => store.eraseCall(id)))(req.params.id)))
        return notFound(res, res.locals.session);
      logger.info({ callId: req.params.id }, 'call erased from the console');
      res.redirect(303, `${CONSOLE_PATH}/calls/${encodeURIComponent(req.params.id)}?erased=1`);
    },
  );

  if (deps.recordingRoutes) router.use(CONSOLE_PATH, deps.recordingRoutes);
  router.use(CONSOLE_PATH, (_req: Request, res: Response) => notFound(res, res.locals.session));

  return { router, close: () => live.close() };
}

function notFound(res: Response, session: ReturnType<typeof sessionOf> | undefined): void {
  sendPage(
    res,
    404,
    page({
      title: 'Not found',
      ...(session ? { session } : {}),
      body: html`<h1>Not found</h1><p>There is nothing here. <a href="${CONSOLE_PATH}">Back to the calls</a></p>`,
    }),
  );
}
