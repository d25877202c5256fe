import { type Request, type Response, Router } from 'express';
import { defaultDefinition, type InterviewDefinition } from '../interview/index.js';
import type { Logger } from '../observability/logger.js';
import type { StoredTemplate, TemplateStore } from '../store/template-store.js';
import { BUILT_IN_TEMPLATE_ID, parseTemplate, type TemplateIssue } from '../templates/template-input.js';

export interface TemplatesApiDeps {
  store: TemplateStore;
  logger: Logger;
  /** Told when a template is created or gets a new version (to render its greeting opening ahead). */
  onChanged?: (definition: InterviewDefinition) => void;
}

/**
 * /templates under the recruiter API (same auth, JSON body already parsed):
 * - `POST /templates` a definition → 201, version 1 (`id` chosen by the recruiter; 409 if taken);
 * - `GET /templates` → `{ templates: [summary…] }`, the built-in `default` first;
 * - `GET /templates/:id` → the latest version with its definition and the list of versions;
 * - `GET /templates/:id/versions/:version` → one version (also of a deleted template);
 * - `PUT /templates/:id` a definition → the next version (the same definition again: no new one);
 * - `DELETE /templates/:id` → 204; hidden from the list, from reads and from new calls.
 * Bad bodies get 400 `invalid_template` naming the first bad field, with every issue in `issues`.
 */
export function createTemplatesRouter(deps: TemplatesApiDeps): Router {
  const { store, logger } = deps;
  const router = Router();

  router.post('/templates', async (req: Request, res: Response) => {
    const parsed = parseTemplate(req.body);
    if (!parsed.ok) return invalid(res, parsed.issues);
    const created = await store.createTemplate(parsed.definition);
    if (!created) {
      const message = `id "${parsed.definition.id}" is taken (ids of deleted templates are not reused)`;
      res.status(409).json(errorBody('template_exists', message, 'id'));
      return;
    }
    logger.info({ templateId: created.id, version: created.version }, 'interview template created');
    deps.onChanged?.(parsed.definition);
    res
      .status(201)
      .location(`/api/templates/${encodeURIComponent(created.id)}`)
      .json(templateView(created));
  });

  router.get('/templates', async (_req: Request, res: Response) => {
    const stored = await store.listTemplates();
    const { definition: _definition, versions: _versions, ...builtIn } = builtInView();
    res.json({ templates: [builtIn, ...stored.map((t) => ({ ...t, builtIn: false }))] });
  });

  router.get('/templates/:id', async (req: Request<{ id: string }>, res: Response) => {
    if (req.params.id === BUILT_IN_TEMPLATE_ID) return void res.json(builtInView());
    const template = await store.getTemplate(req.params.id);
    if (template) res.json(templateView(template));
    else notFound(res);
  });

  router.get(
    '/templates/:id/versions/:version',
    async (req: Request<{ id: string; version: string }>, res: Response) => {
      if (!/^[1-9]\d{0,8}$/.test(req.params.version)) {
        res.status(400).json(errorBody('invalid_request', 'version must be a whole number ≥ 1', 'version'));
        return;
      }
      const version = await store.getVersion(req.params.id, Number(req.params.version));
      if (version) res.json(version);
      else res.status(404).json(errorBody('not_found', 'no such template version', 'version'));
    },
  );

  router.put('/templates/:id', async (req: Request<{ id: string }>, res: Response) => {
    if (req.params.id === BUILT_IN_TEMPLATE_ID) return builtInIsFixed(res);
    const parsed = parseTemplate(req.body, { id: req.params.id });
    if (!parsed.ok) return invalid(res, parsed.issues);
    const updated = await store.updateTemplate(req.params.id, parsed.definition);
    if (!updated) return notFound(res);
    logger.info({ templateId: updated.id, version: updated.version }, 'interview template updated');
    deps.onChanged?.(parsed.definition);
    res.json(templateView(updated));
  });

  router.delete('/templates/:id', async (req: Request<{ id: string }>, res: Response) => {
    if (req.params.id === BUILT_IN_TEMPLATE_ID) return builtInIsFixed(res);
    if (!(await store.deleteTemplate(req.params.id))) return notFound(res);
    logger.info({ templateId: req.params.id }, 'interview template deleted');
    res.status(204).end();
  });

  return router;
}

function errorBody(code: string, message: string, field: string | null) {
  return { error: { code, message, field } };
}

function invalid(res: Response, issues: TemplateIssue[]): void {
  const first = issues[0] ?? { field: null, message: 'invalid template' };
  res.status(400).json({ error: { code: 'invalid_template', message: first.message, field: first.field, issues } });
}

function notFound(res: Response): void {
  res.status(404).json(errorBody('not_found', 'no template with this id', 'id'));
}

function builtInIsFixed(res: Response): void {
  const message = `"${BUILT_IN_TEMPLATE_ID}" is the built-in interview; create a template of your own instead`;
  res.status(409).json(errorBody('template_built_in', message, 'id'));
}

function templateView(template: StoredTemplate) {
  return { ...template, builtIn: false };
}

/** The built-in default, shown like a template (no versions: it changes only with the service). */
function builtInView() {
  return {
    id: BUILT_IN_TEMPLATE_ID,
    name: defaultDefinition.name,
    version: null,
    createdAt: null,
    updatedAt: null,
    builtIn: true,
    definition: defaultDefinition,
    versions: [],
  };
}
