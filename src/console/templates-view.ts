import { clockDuration, stageLabel, timeElement } from './format.js';
import { type Html, html } from './html.js';
import { CONSOLE_PATH } from './layout.js';

/**
 * Interview templates as the console shows them: the list, one template (its stages, questions
 * and budgets, then the JSON as stored), and the form that creates one from JSON. The console
 * reads them through ConsoleTemplates, so it never depends on how templates are stored.
 */
export interface TemplateListing {
  id: string;
  name: string;
  /** Latest version; null for the built-in interview. */
  version: number | null;
  builtIn: boolean;
}

export interface TemplateDetail extends TemplateListing {
  /** The interview definition, as stored. */
  definition: unknown;
  versions: { version: number; createdAt: string }[];
}

/** One problem with a template, naming its field as `stages[1].timeBudgetMs` (null: the whole). */
export interface TemplateIssue {
  field: string | null;
  message: string;
}

export type TemplateCreation = { ok: true; id: string } | { ok: false; issues: TemplateIssue[] };

export interface ConsoleTemplates {
  list(): Promise<TemplateListing[]>;
  get(id: string): Promise<TemplateDetail | null>;
  /** Validates and stores version 1 of a template from parsed JSON. */
  create(body: unknown): Promise<TemplateCreation>;
  /** What the form starts from: a complete definition to edit. */
  example(): unknown;
}

export function templatesList(templates: TemplateListing[]): Html {
  const items = templates.map(
    (t) => html`<li><a href="${CONSOLE_PATH}/templates/${encodeURIComponent(t.id)}"><strong>${t.name}</strong></a>
<span class="muted"> · <code>${t.id}</code> · ${t.builtIn ? 'built in' : `version ${t.version ?? 1}`}</span></li>`,
  );
  return html`<h1>Templates</h1>
<p>A template is a role's interview: its greeting, the questions of each stage, follow-up limits, time budgets and the notes to take. A call runs the template it was placed with, at the version it had then.</p>
<p><a class="button" href="${CONSOLE_PATH}/templates/new">New template</a></p>
<ul class="templates">${items}</ul>`;
}

interface StageShape {
  name?: unknown;
  goal?: unknown;
  questions?: unknown;
  timeBudgetMs?: unknown;
  maxTurns?: unknown;
  maxFollowUps?: unknown;
}

function stagesOf(definition: unknown): StageShape[] {
  if (typeof definition !== 'object' || definition === null) return [];
  const stages = (definition as { stages?: unknown }).stages;
  return Array.isArray(stages) ? stages.filter((s): s is StageShape => typeof s === 'object' && s !== null) : [];
}

function questionTexts(questions: unknown): string[] {
  if (!Array.isArray(questions)) return [];
  return questions.flatMap((q) => (typeof q === 'object' && q !== null && typeof q.text === 'string' ? [q.text] : []));
}

function stageCard(stage: StageShape): Html {
  const questions = questionTexts(stage.questions);
  const budget = typeof stage.timeBudgetMs === 'number' ? clockDuration(stage.timeBudgetMs) : '—';
  return html`<li class="stage">
<div class="stage-head"><h3>${stageLabel(typeof stage.name === 'string' ? stage.name : null)}</h3><span class="timing">budget ${budget}</span></div>
${typeof stage.goal === 'string' ? html`<p>${stage.goal}</p>` : ''}
<p class="muted">${typeof stage.maxTurns === 'number' ? `Up to ${stage.maxTurns} candidate turns` : ''}${typeof stage.maxFollowUps === 'number' ? `, ${stage.maxFollowUps} follow-ups` : ''}</p>
${questions.length > 0 ? html`<ol>${questions.map((q) => html`<li>${q}</li>`)}</ol>` : ''}
</li>`;
}

export function templatePage(template: TemplateDetail): Html {
  return html`<p class="back"><a href="${CONSOLE_PATH}/templates">← All templates</a></p>
<h1>${template.name}</h1>
<p class="muted"><code>${template.id}</code> · ${template.builtIn ? 'built in' : `version ${template.version ?? 1}`}</p>
${template.versions.length > 0 ? html`<p>Versions: ${template.versions.map((v, i) => html`${i > 0 ? ', ' : ''}${v.version} (${timeElement(v.createdAt)})`)}</p>` : ''}
<h2>Stages</h2>
<ol class="stages">${stagesOf(template.definition).map(stageCard)}</ol>
<h2>As JSON</h2>
<pre class="json">${JSON.stringify(template.definition, null, 2)}</pre>`;
}

export interface TemplateFormInput {
  /** The JSON as the recruiter wrote it (kept as typed when refused). */
  text: string;
  issues?: TemplateIssue[];
  csrf: Html;
}

export function templateForm(input: TemplateFormInput): Html {
  const issues = input.issues ?? [];
  return html`<p class="back"><a href="${CONSOLE_PATH}/templates">← All templates</a></p>
<h1>New template</h1>
<form method="post" action="${CONSOLE_PATH}/templates" class="form wide-form" novalidate>
${input.csrf}
<div class="field">
<label for="definition">Template as JSON</label>
<p class="hint" id="definition-hint">Start from the built-in interview below: give it your own <code>id</code> and <code>name</code>, then change the greeting, questions and budgets (milliseconds). Settings left out come from the built-in interview.</p>
${
  issues.length > 0
    ? html`<div class="field-error" id="definition-error" role="alert"><p>The template was not saved:</p><ul>${issues.map(
        (i) => html`<li>${i.field ? html`<code>${i.field}</code>: ` : ''}${i.message}</li>`,
      )}</ul></div>`
    : ''
}
<textarea id="definition" name="definition" class="json" spellcheck="false" aria-describedby="definition-hint${issues.length > 0 ? ' definition-error' : ''}"${issues.length > 0 ? html` aria-invalid="true"` : ''}>${input.text}</textarea>
</div>
<button type="submit">Create the template</button>
</form>`;
}

/** Parses the form's JSON, naming where it breaks. */
export function parseTemplateJson(text: string): { ok: true; value: unknown } | { ok: false; issue: TemplateIssue } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const detail = err instanceof SyntaxError ? err.message : 'it could not be read';
    return { ok: false, issue: { field: null, message: `This is not valid JSON: ${detail}` } };
  }
}
