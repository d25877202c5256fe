import type { TranscriptLine } from '../store/call-record.js';
import { clockDuration, stageLabel } from './format.js';
import { type Html, html } from './html.js';

/**
 * The transcript, one line a list item. With a recording, each line carries the offset in the
 * audio where it was said, and its time is a button that seeks the player there (the page's
 * script also seeks on a click anywhere on the line).
 */
export interface TranscriptInput {
  lines: TranscriptLine[];
  /** Each line's offset in the recording, ms, in the same order; absent without a recording. */
  offsetsMs?: readonly (number | null)[];
  /** The call's start, for line times shown without a recording. */
  startIso: string;
}

function lineItem(line: TranscriptLine, offsetMs: number | null | undefined, startIso: string): Html {
  const speaker = line.role === 'agent' ? 'Interviewer' : 'Candidate';
  const classes = `line ${line.role}${line.interrupted ? ' interrupted' : ''}`;
  const shown = offsetMs ?? Math.max(0, Date.parse(line.at) - Date.parse(startIso));
  const time =
    offsetMs === null || offsetMs === undefined
      ? html`<span class="t">${clockDuration(shown)}</span>`
      : html`<button type="button" class="t seek" data-seek-ms="${Math.round(offsetMs)}" aria-label="Play from ${clockDuration(offsetMs)}">${clockDuration(offsetMs)}</button>`;
  return html`<li class="${classes}"${offsetMs === null || offsetMs === undefined ? '' : html` data-seek-ms="${Math.round(offsetMs)}"`}>
${time}<span class="who">${speaker}</span>
<p class="said">${line.text}${line.interrupted ? html` <span class="cut" title="The candidate spoke over this line: it shows what they heard">interrupted</span>` : ''}</p>
</li>`;
}

export function transcriptView(input: TranscriptInput): Html {
  if (input.lines.length === 0) return html`<p class="muted">No transcript.</p>`;
  const items: Html[] = [];
  let stage: string | null | undefined;
  input.lines.forEach((line, i) => {
    if (line.stage !== stage) {
      stage = line.stage;
      items.push(html`<li class="stage-mark" aria-hidden="true">${stageLabel(line.stage)}</li>`);
    }
    items.push(lineItem(line, input.offsetsMs?.[i], input.startIso));
  });
  return html`<ol class="transcript">${items}</ol>`;
}
