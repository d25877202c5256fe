import { CALL_OUTCOMES, type CallListItem, type CallOutcome } from '../store/call-store.js';
import { clockDuration, outcomeLabel, stageLabel, statusLabel, timeElement } from './format.js';
import { type Html, html } from './html.js';
import { CONSOLE_PATH } from './layout.js';

/** The calls list's filters as they arrive in the query string and go back into links. */
export interface CallsFilter {
  /** An outcome, `live` (no outcome yet), or empty for all. */
  outcome: CallOutcome | 'live' | '';
  /** Part of the candidate's name. */
  q: string;
}

export const MAX_SEARCH_LENGTH = 200;

/** Reads the filter from a query string; values the console never offers fall back to "all". */
export function parseCallsFilter(query: Record<string, unknown>): CallsFilter {
  const outcome = typeof query.outcome === 'string' ? query.outcome : '';
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, MAX_SEARCH_LENGTH) : '';
  const known = outcome === 'live' || (CALL_OUTCOMES as readonly string[]).includes(outcome);
  return { outcome: known ? (outcome as CallsFilter['outcome']) : '', q };
}

/** The store query for a filter. */
export function storeFilter(filter: CallsFilter): { outcome?: CallOutcome | null; nameContains?: string } {
  return {
    ...(filter.outcome === '' ? {} : { outcome: filter.outcome === 'live' ? null : filter.outcome }),
    ...(filter.q === '' ? {} : { nameContains: filter.q }),
  };
}

/** Whether a call belongs in the list under this filter (for rows that arrive live). */
export function matchesFilter(call: CallListItem, filter: CallsFilter): boolean {
  if (filter.outcome === 'live' && call.outcome !== null) return false;
  if (filter.outcome !== '' && filter.outcome !== 'live' && call.outcome !== filter.outcome) return false;
  if (filter.q === '') return true;
  return (call.interview.candidateName ?? '').toLowerCase().includes(filter.q.toLowerCase());
}

export function filterQuery(filter: CallsFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filter.outcome) params.set('outcome', filter.outcome);
  if (filter.q) params.set('q', filter.q);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The candidate's name; without one (most inbound calls), the number they called from. */
export function candidateName(
  call: Pick<CallListItem, 'interview' | 'erasedAt' | 'direction' | 'from' | 'to'>,
): string {
  if (call.erasedAt !== null) return 'Erased';
  const number = call.direction === 'inbound' ? call.from : call.to;
  return call.interview.candidateName ?? (number ? `Caller ${number}` : 'Unnamed candidate');
}

/** Live calls count up in the browser from `data-since`; ended calls show their length. */
function durationCell(call: CallListItem, nowMs: number): Html {
  const start = Date.parse(call.createdAt);
  if (call.endedAt !== null) return html`${clockDuration(Date.parse(call.endedAt) - start)}`;
  return html`<span data-since="${call.createdAt}">${clockDuration(nowMs - start)}</span>`;
}

function badge(kind: string, value: string, label: string): Html {
  return html`<span class="badge ${kind}-${value}">${label}</span>`;
}

export function callRow(call: CallListItem, nowMs: number): Html {
  const live = call.outcome === null;
  return html`<tr data-call-id="${call.id}" data-updated="${call.updatedAt}"${live ? html` class="live"` : ''}>
<td data-label="Candidate" class="who"><a href="${CONSOLE_PATH}/calls/${call.id}">${candidateName(call)}</a></td>
<td data-label="Role">${call.interview.role}</td>
<td data-label="Direction">${call.direction === 'inbound' ? 'Inbound' : 'Outbound'}</td>
<td data-label="Status">${badge('status', call.status, statusLabel(call.status))}</td>
<td data-label="Stage">${stageLabel(call.stage)}</td>
<td data-label="Outcome">${badge('outcome', call.outcome ?? 'live', outcomeLabel(call.outcome))}</td>
<td data-label="Duration" class="num">${durationCell(call, nowMs)}</td>
<td data-label="Started">${timeElement(call.createdAt)}</td>
</tr>`;
}

function outcomeOption(value: string, label: string, current: string): Html {
  return html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
}

function filterForm(filter: CallsFilter): Html {
  return html`<form class="filters" method="get" action="${CONSOLE_PATH}" role="search">
<label>Outcome
<select name="outcome">
${outcomeOption('', 'All calls', filter.outcome)}
${outcomeOption('live', 'In progress', filter.outcome)}
${CALL_OUTCOMES.map((o) => outcomeOption(o, outcomeLabel(o), filter.outcome))}
</select></label>
<label>Candidate name <input type="search" name="q" value="${filter.q}" maxlength="${MAX_SEARCH_LENGTH}" autocomplete="off"></label>
<button type="submit">Filter</button>
${filter.outcome || filter.q ? html`<a href="${CONSOLE_PATH}">Clear</a>` : ''}
</form>`;
}

export interface CallsListView {
  calls: CallListItem[];
  filter: CallsFilter;
  /** The cursor this page was read from; absent on the first page. */
  cursor?: string;
  nextCursor: string | null;
  nowMs: number;
  /** The call just placed from the console, highlighted. */
  highlightId?: string;
}

export function callsList(view: CallsListView): Html {
  const { filter } = view;
  const firstPage = view.cursor === undefined;
  const live = `${CONSOLE_PATH}/live${filterQuery(filter)}`;
  const rows = view.calls.map((c) => callRow(c, view.nowMs));
  const table = html`<div class="table-wrap"><table class="calls" data-live="${live}"${firstPage ? html` data-first-page` : ''}${view.highlightId ? html` data-highlight="${view.highlightId}"` : ''}>
<caption class="visually-hidden">Calls, newest first</caption>
<thead><tr><th scope="col">Candidate</th><th scope="col">Role</th><th scope="col">Direction</th><th scope="col">Status</th><th scope="col">Stage</th><th scope="col">Outcome</th><th scope="col">Duration</th><th scope="col">Started</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
  const empty =
    view.calls.length === 0
      ? html`<p class="empty">${filter.outcome || filter.q ? 'No call matches this filter.' : html`No calls yet. <a href="${CONSOLE_PATH}/calls/new">Place a call</a>, or run <code>npm run demo</code> and restart.`}</p>`
      : '';
  const pager = html`<nav class="pager" aria-label="Pages">
${firstPage ? '' : html`<a href="${CONSOLE_PATH}${filterQuery(filter)}">← Newest</a>`}
${view.nextCursor ? html`<a href="${CONSOLE_PATH}${filterQuery(filter, { cursor: view.nextCursor })}" rel="next">Older calls →</a>` : ''}
</nav>`;
  return html`<h1>Calls</h1>
${filterForm(filter)}
<p class="live-note" data-live-status aria-live="polite">${firstPage ? 'Calls in progress update here as they happen.' : ''}</p>
${table}
${empty}
${pager}`;
}
