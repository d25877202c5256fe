import type { CallRecord } from '../store/call-record.js';
import { candidateName } from './calls-list-view.js';
import { clockDuration, msBetween, outcomeLabel, stageLabel, statusLabel, timeElement } from './format.js';
import { type Html, html } from './html.js';
import { latencyWaterfall } from './latency-waterfall-view.js';
import { CONSOLE_PATH } from './layout.js';
import { stageTimeline } from './stage-timeline-view.js';
import { transcriptView } from './transcript-view.js';

export interface CallPageInput {
  record: CallRecord;
  /** Stage time budgets of the definition the call ran, ms. */
  budgets: ReadonlyMap<string, number>;
  /** The recording, when there is one: where the player loads it and each line's offset in it. */
  recording: { url: string; offsetsMs: readonly (number | null)[] } | null;
  nowIso: string;
}

function fact(label: string, value: Html | string, wide = false): Html {
  return html`<div${wide ? html` class="wide"` : ''}><dt>${label}</dt><dd>${value}</dd></div>`;
}

function facts(record: CallRecord, nowIso: string): Html {
  const end = record.endedAt ?? nowIso;
  const number = record.direction === 'inbound' ? record.from : record.to;
  return html`<dl class="facts">
${fact('Role', record.interview.role)}
${fact('Direction', record.direction === 'inbound' ? 'Inbound' : 'Outbound')}
${fact('Status', statusLabel(record.status))}
${fact('Stage', stageLabel(record.stage))}
${fact('Outcome', record.outcomeReason ? html`${outcomeLabel(record.outcome)} <span class="muted">(${record.outcomeReason})</span>` : outcomeLabel(record.outcome))}
${fact('Started', timeElement(record.createdAt))}
${fact('Duration', clockDuration(msBetween(record.createdAt, end)))}
${number ? fact('Candidate number', number) : ''}
${fact('Interview', record.interview.templateVersion === null ? record.interview.definitionId : `${record.interview.definitionId} v${record.interview.templateVersion}`)}
${record.callSid ? fact('Call SID', html`<code>${record.callSid}</code>`, true) : ''}
</dl>`;
}

function recordingBlock(input: CallPageInput): Html {
  if (!input.recording) return html`<p class="muted">No recording for this call.</p>`;
  return html`<audio id="player" controls preload="metadata" src="${input.recording.url}">
<a href="${input.recording.url}">Download the recording</a>
</audio>
<p class="muted hint">Select a line of the transcript to play from there.</p>`;
}

export function callPage(input: CallPageInput): Html {
  const { record } = input;
  const live = record.outcome === null;
  const erased = record.erasedAt !== null;
  return html`<p class="back"><a href="${CONSOLE_PATH}">← All calls</a></p>
<div class="call-head"${live ? html` data-live-call="${CONSOLE_PATH}/live?call=${record.id}"` : ''}>
<h1>${candidateName(record)}</h1>
${live ? html`<span class="badge outcome-live">Live</span>` : ''}
</div>
${erased ? html`<p class="notice">This call was erased on ${timeElement(record.erasedAt ?? '')}: its transcript, notes, recording, numbers and name are gone.</p>` : ''}
${facts(record, input.nowIso)}
<section aria-labelledby="h-recording"><h2 id="h-recording">Recording</h2>${recordingBlock(input)}</section>
<div class="columns">
<section aria-labelledby="h-stages"><h2 id="h-stages">Stages</h2>${stageTimeline({ stages: record.stages, budgets: input.budgets, openEndIso: record.endedAt ?? input.nowIso })}</section>
<section aria-labelledby="h-transcript"><h2 id="h-transcript">Transcript</h2>${transcriptView({ lines: record.transcript, startIso: record.stages[0]?.startedAt ?? record.createdAt, ...(input.recording ? { offsetsMs: input.recording.offsetsMs } : {}) })}</section>
</div>
<section aria-labelledby="h-latency"><h2 id="h-latency">Latency per turn</h2>${latencyWaterfall(record.latency)}</section>
${erased ? '' : html`<section class="danger" aria-labelledby="h-erase"><h2 id="h-erase">Erase</h2><p>Erasing removes the transcript, notes, recording, phone numbers and name of this call for good. The bare call (status, outcome, stage times) stays.</p><p><a class="button danger" href="${CONSOLE_PATH}/calls/${record.id}/erase">Erase this call…</a></p></section>`}`;
}

/** The confirmation step before an erasure. */
export function eraseConfirmPage(record: CallRecord, csrf: Html): Html {
  return html`<h1>Erase the call with ${candidateName(record)}?</h1>
<p>This removes its transcript, notes, recording, phone numbers and name for good. It cannot be undone.</p>
<form method="post" action="${CONSOLE_PATH}/calls/${record.id}/erase" class="confirm">
${csrf}
<button type="submit" class="danger">Erase for good</button>
<a href="${CONSOLE_PATH}/calls/${record.id}">Cancel</a>
</form>`;
}
