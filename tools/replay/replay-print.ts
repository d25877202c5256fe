/**
 * How a replay reads on a terminal: the conversation line by line with media times, each turn's
 * latency under the reply it measured, divergences as they happen, a progress line that redraws
 * in place on a TTY, and the verdict at the end. Used by `npm run replay` and `npm run demo`.
 */
import type { TurnLatency } from '../../src/observability/turn-latency.js';
import { type Divergence, formatDivergence, formatDivergenceReport } from './divergence.js';
import type { ReplayEvent, ReplayResult } from './replay-call.js';

export type PrintedEvent = ReplayEvent | { type: 'divergence'; divergence: Divergence };

/** `m:ss.s` of media time. */
export function clockTime(ms: number): string {
  const s = ms / 1000;
  const minutes = Math.floor(s / 60);
  return `${minutes}:${(s - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

export function formatEvent(event: PrintedEvent): string {
  switch (event.type) {
    case 'stage':
      return `${clockTime(event.atMs).padStart(7)}  ── ${event.stage} ──`;
    case 'line': {
      const who = event.role === 'agent' ? 'agent    ' : 'candidate';
      const cut = event.interrupted ? ' [interrupted]' : '';
      return `${clockTime(event.atMs).padStart(7)}  ${who}  ${event.text}${cut}`;
    }
    case 'turn':
      return `${' '.repeat(20)}${formatTurn(event.latency)}`;
    case 'divergence':
      return formatDivergence(event.divergence);
  }
}

/** One turn's latency: commit delay and voice-to-voice, both from the end of the caller's last word. */
export function formatTurn(t: TurnLatency): string {
  const parts = [`turn ${t.turn}`];
  if (t.commitDelayMs !== undefined) parts.push(`commit ${t.commitDelayMs} ms`);
  if (t.voiceToVoiceHeardMs !== undefined) parts.push(`voice-to-voice ${t.voiceToVoiceHeardMs} ms`);
  if (t.speechEndAt !== undefined && t.llmFirstTokenAt !== undefined) {
    parts.push(`LLM first token +${Math.round(t.llmFirstTokenAt - t.speechEndAt)} ms`);
  }
  if (t.speculative) parts.push('speculative');
  return `⏱ ${parts.join(' · ')}`;
}

/** The verdict: outcome, stage path, divergences and differences from the recording. */
export function formatVerdict(result: ReplayResult, realMs: number): string {
  const record = result.record;
  const lines = [
    `Outcome: ${record?.outcome ?? 'none'} · stages ${record?.stages.map((s) => s.name).join(' → ') || '(none)'}`,
  ];
  if (!result.ended) lines.push('The call did not end by itself: the phone hung up after the recording ran out.');
  lines.push(formatDivergenceReport(result.divergences));
  if (result.differences.length === 0) lines.push('Transcript, stages and outcome match the recording.');
  else lines.push('The replay differs from the recording:', ...result.differences.map((d) => `  ${d}`));
  lines.push(`Replayed ${clockTime(result.durationMs)} of call in ${(realMs / 1000).toFixed(1)} s.`);
  return lines.join('\n');
}

/** True when the replay reproduced the recording: no divergence, no difference, ended by itself. */
export function replayMatched(result: ReplayResult): boolean {
  return result.divergences.length === 0 && result.differences.length === 0 && result.ended;
}

/** Writes lines to a stream, keeping one progress line at the bottom on a TTY. */
export class ConsolePrinter {
  private progressShown = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  line(text: string): void {
    this.clearProgress();
    this.out.write(`${text}\n`);
  }

  progress(text: string): void {
    if (!this.out.isTTY) return;
    this.out.write(`\r\x1b[2K${text}`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.out.write('\r\x1b[2K');
    this.progressShown = false;
  }
}
