import { type Html, html } from './html.js';
import { CONSOLE_PATH } from './layout.js';

/**
 * The "Place a call" form: the fields of POST /api/calls. Errors from the API's validation are
 * shown beside the field they name; anything else (Twilio, settings) above the form.
 */
export const PLACE_CALL_FIELDS = ['to', 'candidateName', 'role', 'jobDescription', 'templateId', 'resume'] as const;
export type PlaceCallField = (typeof PLACE_CALL_FIELDS)[number];
export type PlaceCallValues = Partial<Record<PlaceCallField, string>>;

/** The API's field paths, as the form's field names. */
const API_FIELDS: Record<string, PlaceCallField> = {
  to: 'to',
  'candidate.name': 'candidateName',
  role: 'role',
  jobDescription: 'jobDescription',
  templateId: 'templateId',
  'candidate.resume': 'resume',
};

export function formFieldFor(apiField: string | null): PlaceCallField | null {
  return apiField === null ? null : (API_FIELDS[apiField] ?? null);
}

/** Reads the posted form; blank optional fields are left out, as the API refuses empty strings. */
export function readPlaceCallForm(body: Record<string, unknown>): PlaceCallValues {
  const values: PlaceCallValues = {};
  for (const field of PLACE_CALL_FIELDS) {
    const value = body[field];
    if (typeof value === 'string') values[field] = value;
  }
  return values;
}

/** The JSON body POST /api/calls takes, from the form's values. */
export function placeCallBody(values: PlaceCallValues): Record<string, unknown> {
  const given = (field: PlaceCallField) => {
    const value = values[field]?.trim();
    return value ? value : undefined;
  };
  const name = given('candidateName');
  const resume = given('resume');
  const candidate = name || resume ? { ...(name ? { name } : {}), ...(resume ? { resume } : {}) } : undefined;
  const role = given('role');
  const jobDescription = given('jobDescription');
  const templateId = given('templateId');
  return {
    to: values.to?.trim() ?? '',
    ...(candidate ? { candidate } : {}),
    ...(role ? { role } : {}),
    ...(jobDescription ? { jobDescription } : {}),
    ...(templateId ? { templateId } : {}),
  };
}

export interface TemplateChoice {
  id: string;
  name: string;
}

export interface PlaceCallInput {
  values: PlaceCallValues;
  /** Form-level error (Twilio, configuration). */
  error?: Html | string;
  fieldErrors?: Partial<Record<PlaceCallField, string>>;
  csrf: Html;
  /** One per rendering: a double submit dials once (the API's Idempotency-Key). */
  attempt: string;
  /** Templates to choose from; absent when the service has none to offer. */
  templates?: TemplateChoice[];
  /** Whether the form takes a résumé (the API accepts `candidate.resume`). */
  resume: boolean;
}

interface FieldSpec {
  name: PlaceCallField;
  label: string;
  hint?: string;
  control: (attrs: Html) => Html;
}

function field(spec: FieldSpec, input: PlaceCallInput): Html {
  const error = input.fieldErrors?.[spec.name];
  const described = [spec.hint ? `${spec.name}-hint` : '', error ? `${spec.name}-error` : ''].filter(Boolean).join(' ');
  const attrs = html`id="${spec.name}" name="${spec.name}"${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
  return html`<div class="field">
<label for="${spec.name}">${spec.label}</label>
${spec.hint ? html`<p class="hint" id="${spec.name}-hint">${spec.hint}</p>` : ''}
${spec.control(attrs)}
${error ? html`<p class="field-error" id="${spec.name}-error" role="alert">${error}</p>` : ''}
</div>`;
}

export function placeCallForm(input: PlaceCallInput): Html {
  const v = input.values;
  const fields: FieldSpec[] = [
    {
      name: 'to',
      label: "Candidate's phone number",
      hint: 'In international format, e.g. +14155550123.',
      control: (a) => html`<input ${a} type="tel" inputmode="tel" autocomplete="off" required value="${v.to ?? ''}">`,
    },
    {
      name: 'candidateName',
      label: "Candidate's name",
      control: (a) => html`<input ${a} type="text" autocomplete="off" value="${v.candidateName ?? ''}">`,
    },
    {
      name: 'role',
      label: 'Role',
      hint: 'Leave empty for the default role.',
      control: (a) => html`<input ${a} type="text" value="${v.role ?? ''}">`,
    },
  ];
  if (input.templates && input.templates.length > 0) {
    const templates = input.templates;
    fields.push({
      name: 'templateId',
      label: 'Interview template',
      control: (a) =>
        html`<select ${a}><option value="">Default interview</option>${templates.map((t) => html`<option value="${t.id}"${t.id === v.templateId ? html` selected` : ''}>${t.name}</option>`)}</select>`,
    });
  }
  fields.push({
    name: 'jobDescription',
    label: 'Job description',
    control: (a) => html`<textarea ${a} rows="5">${v.jobDescription ?? ''}</textarea>`,
  });
  if (input.resume) {
    fields.push({
      name: 'resume',
      label: 'Résumé',
      hint: 'Plain text. The interviewer may ask about it; it is never taken as instructions.',
      control: (a) => html`<textarea ${a} rows="8">${v.resume ?? ''}</textarea>`,
    });
  }
  return html`<h1>Place a call</h1>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
<form method="post" action="${CONSOLE_PATH}/calls" class="form" novalidate>
${input.csrf}
<input type="hidden" name="attempt" value="${input.attempt}">
${fields.map((f) => field(f, input))}
<button type="submit">Place the call</button>
</form>`;
}
