import { type Html, html } from './html.js';

/**
 * Per-turn latency as a waterfall: from the end of the caller's words, the commit, the LLM's
 * first token, the TTS's first byte and the first agent audio the caller heard, each bar
 * running from the step before it. All turns share one scale so they compare at a glance.
 * Marks are media-time ms (observability/turn-latency.ts); the record keeps them as JSON.
 */
const STEPS = [
  { key: 'commitAt', label: 'Commit' },
  { key: 'llmFirstTokenAt', label: 'LLM first token' },
  { key: 'ttsFirstByteAt', label: 'TTS first byte' },
  { key: 'firstAudioHeardAt', label: 'First audio heard' },
] as const;

export interface TurnWaterfall {
  turn: number;
  speculative: boolean;
  /** Each step's time after the caller's last word, ms; null when the turn never got there. */
  steps: { label: string; atMs: number | null }[];
  totalMs: number | null;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Reads the record's latency entries; entries without a turn number or any mark are skipped. */
export function readTurns(latency: readonly unknown[]): TurnWaterfall[] {
  const turns: TurnWaterfall[] = [];
  for (const entry of latency) {
    if (typeof entry !== 'object' || entry === null) continue;
    const marks = entry as Record<string, unknown>;
    const turn = num(marks.turn);
    const origin = num(marks.speechEndAt) ?? num(marks.commitAt);
    if (turn === undefined || origin === undefined) continue;
    const steps = STEPS.map(({ key, label }) => {
      const at = num(marks[key]);
      return { label, atMs: at === undefined ? null : Math.round(at - origin) };
    });
    const heard = steps.at(-1)?.atMs ?? null;
    turns.push({
      turn,
      speculative: marks.speculative === true,
      steps,
      totalMs: num(marks.voiceToVoiceHeardMs) ?? heard,
    });
  }
  return turns;
}

function pct(ms: number, scaleMs: number): string {
  return `${Math.min(100, Math.max(0, (ms / scaleMs) * 100)).toFixed(1)}%`;
}

function turnBlock(turn: TurnWaterfall, scaleMs: number): Html {
  let previous = 0;
  const rows = turn.steps.map((step, i) => {
    if (step.atMs === null) {
      return html`<li><span class="step">${step.label}</span><span class="track"></span><span class="ms">—</span></li>`;
    }
    const from = Math.min(previous, step.atMs);
    const width = Math.abs(step.atMs - previous);
    previous = step.atMs;
    const bar = html`<span class="bar bar-${i}" style="margin-left:${pct(from, scaleMs)};width:${pct(width, scaleMs)}"></span>`;
    return html`<li><span class="step">${step.label}</span><span class="track" aria-hidden="true">${bar}</span><span class="ms">+${step.atMs} ms</span></li>`;
  });
  return html`<section class="turn" aria-label="Turn ${turn.turn}">
<h3>Turn ${turn.turn}${turn.speculative ? html` <span class="tag" title="The reply was started on a stable partial, before the commit">speculative</span>` : ''}<span class="total">${turn.totalMs === null ? 'not heard' : `${turn.totalMs} ms`}</span></h3>
<ol class="waterfall">${rows}</ol>
</section>`;
}

export function latencyWaterfall(latency: readonly unknown[]): Html {
  const turns = readTurns(latency);
  if (turns.length === 0) return html`<p class="muted">No turn was timed on this call.</p>`;
  const longest = Math.max(...turns.flatMap((t) => [t.totalMs ?? 0, ...t.steps.map((s) => s.atMs ?? 0)]));
  const scaleMs = Math.max(1000, longest);
  return html`<p class="muted">Milliseconds after the candidate's last word; the total is voice to voice, as the candidate heard it.</p>
<div class="turns">${turns.map((t) => turnBlock(t, scaleMs))}</div>`;
}
