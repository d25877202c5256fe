import type { Request, RequestHandler, Response, Router } from 'express';
import express from 'express';
import type { Logger } from '../observability/logger.js';
import { sendPage } from './console-response.js';
import type { ConsoleSession } from './console-session.js';
import type { Html } from './html.js';
import { CONSOLE_PATH, csrfField, page } from './layout.js';
import {
  type ConsoleTemplates,
  parseTemplateJson,
  type TemplateIssue,
  templateForm,
  templatePage,
  templatesList,
} from './templates-view.js';

/** A template's JSON is larger than the other forms' fields: up to this much, bytes. */
const TEMPLATE_FORM_LIMIT = '256kb';
const templateBody = express.urlencoded({ extended: false, limit: TEMPLATE_FORM_LIMIT });

/**
 * /console/templates: the list, one template, and "New template" (create from JSON). A refused
 * template comes back with its text as typed and every problem named by field (200, as the
 * other console forms: browsers log 4xx pages as console errors).
 */
export function mountTemplates(
  router: Router,
  deps: { templates: ConsoleTemplates; logger: Logger; notFound: (res: Response, session?: ConsoleSession) => void },
  csrf: RequestHandler,
): void {
  const { templates } = deps;
  const show = (res: Response, status: number, session: ConsoleSession, title: string, body: Html) =>
    sendPage(res, status, page({ title, session, nav: 'templates', body }));

  router.get(`${CONSOLE_PATH}/templates`, async (_req: Request, res: Response) => {
    const session = res.locals.session;
    if (session) show(res, 200, session, 'Templates', templatesList(await templates.list()));
  });

  router.get(`${CONSOLE_PATH}/templates/new`, (_req: Request, res: Response) => {
    const session = res.locals.session;
    if (!session) return;
    const text = JSON.stringify(templates.example(), null, 2);
    show(res, 200, session, 'New template', templateForm({ text, csrf: csrfField(session) }));
  });

  router.post(`${CONSOLE_PATH}/templates`, templateBody, csrf, async (req: Request, res: Response) => {
    const session = res.locals.session;
    if (!session) return;
    const text = String((req.body as Record<string, unknown>).definition ?? '');
    const refuse = (issues: TemplateIssue[]) =>
      show(res, 200, session, 'New template', templateForm({ text, issues, csrf: csrfField(session) }));
    const parsed = parseTemplateJson(text);
    if (!parsed.ok) return refuse([parsed.issue]);
    const created = await templates.create(parsed.value);
    if (!created.ok) return refuse(created.issues);
    deps.logger.info({ templateId: created.id }, 'interview template created from the console');
    res.redirect(303, `${CONSOLE_PATH}/templates/${encodeURIComponent(created.id)}`);
  });

  router.get(`${CONSOLE_PATH}/templates/:id`, async (req: Request<{ id: string }>, res: Response) => {
    const session = res.locals.session;
    if (!session) return;
    const template = await templates.get(req.params.id);
    if (!template) return deps.notFound(res, session);
    show(res, 200, session, template.name, templatePage(template));
  });
}
