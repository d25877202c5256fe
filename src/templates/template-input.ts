import type { z } from 'zod';
import { defaultDefinition, type InterviewDefinition, interviewDefinitionSchema } from '../interview/index.js';

/**
 * A template as a recruiter writes it: an interview definition (src/interview/definition.ts),
 * validated with the very schema the built-in default passes. Top-level settings a role rarely
 * changes (`maxCallMs`, `silence`, `phrases`, and any added later) may be left out and are taken
 * from the built-in default, so a template can be just its id, name, greeting and stages; what is
 * stored is the complete definition, so a call keeps exactly what it ran.
 */

/** Longest template id, characters (ids appear in URLs, records and DEFAULT_TEMPLATE_ID). */
export const MAX_TEMPLATE_ID_CHARS = 64;
/** The built-in definition's id: not available to templates. */
export const BUILT_IN_TEMPLATE_ID = defaultDefinition.id;

/** One problem, naming the field as `stages[1].timeBudgetMs` (null: the body as a whole). */
export interface TemplateIssue {
  field: string | null;
  message: string;
}

export type TemplateInput = { ok: true; definition: InterviewDefinition } | { ok: false; issues: TemplateIssue[] };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The body with the settings it leaves out taken from the built-in default. */
function withDefaults(body: Json): Json {
  const filled: Json = { ...body };
  for (const [key, value] of Object.entries(defaultDefinition)) {
    if (key === 'id' || key === 'name' || key === 'greeting' || key === 'stages') continue;
    if (filled[key] === undefined) filled[key] = structuredClone(value);
  }
  return filled;
}

/**
 * Validates a template body (already parsed JSON).
 * @param options.id When given (PUT /templates/:id), the body's `id` may be left out and must match.
 */
export function parseTemplate(body: unknown, options: { id?: string } = {}): TemplateInput {
  if (!isObject(body)) return { ok: false, issues: [{ field: null, message: 'body must be a JSON object' }] };
  const candidate = withDefaults(
    options.id !== undefined && body.id === undefined ? { ...body, id: options.id } : body,
  );
  if (options.id !== undefined && candidate.id !== options.id) {
    return {
      ok: false,
      issues: [{ field: 'id', message: `id must be "${options.id}", the template's id in the URL` }],
    };
  }
  const result = interviewDefinitionSchema.safeParse(candidate);
  if (!result.success)
    return { ok: false, issues: result.error.issues.map((issue) => describeIssue(issue, candidate)) };
  const definition = result.data;
  if (definition.id.length > MAX_TEMPLATE_ID_CHARS) {
    return { ok: false, issues: [{ field: 'id', message: `id must be at most ${MAX_TEMPLATE_ID_CHARS} characters` }] };
  }
  if (definition.id === BUILT_IN_TEMPLATE_ID) {
    return {
      ok: false,
      issues: [{ field: 'id', message: `id "${BUILT_IN_TEMPLATE_ID}" is the built-in interview's` }],
    };
  }
  return { ok: true, definition };
}

/**
 * A stored definition read back for a call: validated again (the schema may have grown since it
 * was stored; settings added since are filled from the built-in default).
 */
export function storedDefinition(data: unknown): InterviewDefinition | undefined {
  if (!isObject(data)) return undefined;
  const result = interviewDefinitionSchema.safeParse(withDefaults(data));
  return result.success ? result.data : undefined;
}

/** `stages[1].timeBudgetMs` */
export function formatField(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || null;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A schema issue as `{ field, message }`, the message starting with the field as the API's do. */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): TemplateIssue {
  if (issue.code === 'unrecognized_keys') {
    const field = formatField([...issue.path, issue.keys[0] ?? '']);
    return { field, message: `${field} is not a known field` };
  }
  const field = formatField(issue.path);
  const name = field ?? 'body';
  return { field, message: `${name} ${issueText(issue, valueAt(data, issue.path))}` };
}

function issueText(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'is required';
      return issue.expected === 'int' ? 'must be a whole number' : `must be a ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'number') return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      return issue.message;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      // Our own schema messages ("must not be empty", "duplicate id …") read well as they are.
      return issue.message;
  }
}
