import type { StageRecord } from '../store/call-record.js';
import { clockDuration, endReasonLabel, msBetween, stageLabel } from './format.js';
import { type Html, html } from './html.js';

/**
 * What the console reads from a stage's notes (free JSON in the record). The interview writes
 * `{ notes, evidence: [quote…], turns, questionsAsked, questionsNotAsked, refusedProposals }`;
 * anything else is shown as JSON, so nothing recorded is hidden.
 */
export interface StageNotes {
  summary: string | null;
  evidence: string[];
  turns: number | null;
  questionsAsked: string[];
  questionsNotAsked: string[];
  /** Proposals to finish the stage that the interview refused, in the recruiter's words. */
  refused: string[];
  other: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `{ kind, named, reason, atMs }` (atMs in call time) as one line; other shapes as they are. */
function refusedLine(proposal: unknown): string {
  if (typeof proposal === 'string') return proposal;
  if (!isRecord(proposal)) return JSON.stringify(proposal);
  const what = proposal.kind === 'farewell' ? 'A goodbye' : 'Finishing the stage';
  const named = typeof proposal.named === 'string' ? ` (naming ${stageLabel(proposal.named).toLowerCase()})` : '';
  const at = typeof proposal.atMs === 'number' ? ` at ${clockDuration(proposal.atMs)}` : '';
  const why = typeof proposal.reason === 'string' ? `: ${proposal.reason}` : '';
  return `${what}${named}${at}${why}`;
}

export function readNotes(notes: unknown): StageNotes | null {
  if (notes === null || notes === undefined) return null;
  const none = { summary: null, evidence: [], turns: null, questionsAsked: [], questionsNotAsked: [], refused: [] };
  if (typeof notes === 'string') return { ...none, summary: notes, other: undefined };
  if (!isRecord(notes)) return { ...none, other: notes };
  const { notes: summary, evidence, turns, questionsAsked, questionsNotAsked, refusedProposals, ...rest } = notes;
  return {
    summary: typeof summary === 'string' ? summary : null,
    evidence: strings(evidence),
    turns: typeof turns === 'number' ? turns : null,
    questionsAsked: strings(questionsAsked),
    questionsNotAsked: strings(questionsNotAsked),
    refused: Array.isArray(refusedProposals) ? refusedProposals.map(refusedLine) : [],
    other: Object.keys(rest).length > 0 ? rest : undefined,
  };
}

export interface TimelineInput {
  stages: StageRecord[];
  /** Each stage's time budget from the definition the call ran, ms; absent when unknown. */
  budgets: ReadonlyMap<string, number>;
  /** End of a stage still open: now for a live call, the call's end otherwise. */
  openEndIso: string;
}

function stageMs(stage: StageRecord, openEndIso: string): number {
  return Math.max(0, msBetween(stage.startedAt, stage.endedAt ?? openEndIso));
}

function percent(part: number, whole: number): string {
  return `${Math.min(100, Math.max(0, (part / whole) * 100)).toFixed(1)}%`;
}

function budgetBar(ms: number, budget: number | undefined): Html {
  if (budget === undefined) return html``;
  const over = ms > budget;
  return html`<div class="budget${over ? ' over' : ''}" aria-hidden="true"><span class="fill" style="width:${percent(ms, budget)}"></span></div>`;
}

function notesBlock(notes: StageNotes | null): Html {
  if (!notes) return html`<p class="muted">No notes for this stage.</p>`;
  const counts = [
    notes.turns === null ? '' : `${notes.turns} candidate turn${notes.turns === 1 ? '' : 's'}`,
    notes.questionsAsked.length > 0 ? `asked: ${notes.questionsAsked.join(', ')}` : '',
    notes.questionsNotAsked.length > 0 ? `not asked: ${notes.questionsNotAsked.join(', ')}` : '',
  ].filter(Boolean);
  return html`<div class="notes">
${counts.length > 0 ? html`<p class="muted">${counts.join(' · ')}</p>` : ''}
${notes.refused.length > 0 ? html`<div class="refused"><h4>Refused proposals</h4><ul>${notes.refused.map((r) => html`<li>${r}</li>`)}</ul></div>` : ''}
${notes.summary ? html`<p>${notes.summary}</p>` : ''}
${notes.evidence.length > 0 ? html`<h4>In the candidate's words</h4>${notes.evidence.map((q) => html`<blockquote>${q}</blockquote>`)}` : ''}
${notes.other === undefined ? '' : html`<pre class="json">${JSON.stringify(notes.other, null, 2)}</pre>`}
</div>`;
}

function stageItem(stage: StageRecord, input: TimelineInput): Html {
  const ms = stageMs(stage, input.openEndIso);
  const budget = input.budgets.get(stage.name);
  const timing = budget === undefined ? clockDuration(ms) : `${clockDuration(ms)} of ${clockDuration(budget)} budget`;
  return html`<li class="stage${stage.endedAt === null ? ' open' : ''}">
<div class="stage-head"><h3>${stageLabel(stage.name)}</h3><span class="timing">${timing}</span></div>
${budgetBar(ms, budget)}
<p class="ended">${stage.endedAt === null ? 'In progress' : html`Ended: ${endReasonLabel(stage.endReason)}`}</p>
${notesBlock(readNotes(stage.notes))}
</li>`;
}

/** The whole call as one bar of stages, then each stage against its budget with its notes. */
export function stageTimeline(input: TimelineInput): Html {
  if (input.stages.length === 0) return html`<p class="muted">The interview has not started.</p>`;
  const total = input.stages.reduce((sum, s) => sum + stageMs(s, input.openEndIso), 0) || 1;
  const strip = input.stages.map(
    (s) =>
      html`<span class="seg seg-${s.name}" style="width:${percent(stageMs(s, input.openEndIso), total)}" title="${stageLabel(s.name)}"></span>`,
  );
  return html`<div class="strip" aria-hidden="true">${strip}</div>
<ol class="stages">${input.stages.map((s) => stageItem(s, input))}</ol>`;
}
