import { defaultDefinition, type InterviewDefinition } from '../interview/index.js';
import type { TemplateStore } from '../store/template-store.js';
import { BUILT_IN_TEMPLATE_ID, parseTemplate } from '../templates/template-input.js';
import type { ConsoleTemplates, TemplateDetail } from './templates-view.js';

/**
 * The console's templates over the template store, with the built-in interview shown first as
 * a template that cannot change: validated by the same parseTemplate as POST /api/templates.
 */
export function consoleTemplates(
  store: TemplateStore,
  /** Told of a new template (the service renders its greeting opening ahead). */
  onCreated?: (definition: InterviewDefinition) => void,
): ConsoleTemplates {
  const builtIn: TemplateDetail = {
    id: BUILT_IN_TEMPLATE_ID,
    name: defaultDefinition.name,
    version: null,
    builtIn: true,
    definition: defaultDefinition,
    versions: [],
  };
  return {
    async list() {
      const stored = await store.listTemplates();
      return [
        { id: builtIn.id, name: builtIn.name, version: null, builtIn: true },
        ...stored.map((t) => ({ id: t.id, name: t.name, version: t.version, builtIn: false })),
      ];
    },
    async get(id) {
      if (id === BUILT_IN_TEMPLATE_ID) return builtIn;
      const template = await store.getTemplate(id);
      if (!template) return null;
      const { id: templateId, name, version, definition, versions } = template;
      return { id: templateId, name, version, builtIn: false, definition, versions };
    },
    async create(body) {
      const parsed = parseTemplate(body);
      if (!parsed.ok) return { ok: false, issues: parsed.issues };
      const created = await store.createTemplate(parsed.definition);
      if (!created) {
        const message = `"${parsed.definition.id}" is taken (ids of deleted templates are not reused): choose another`;
        return { ok: false, issues: [{ field: 'id', message }] };
      }
      onCreated?.(parsed.definition);
      return { ok: true, id: created.id };
    },
    example: () => ({ ...defaultDefinition, id: 'my-role', name: 'My role’s phone screen' }),
  };
}
