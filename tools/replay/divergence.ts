/**
 * A divergence: the replayed call asked a provider something the recording cannot answer.
 * Replay goes on (the provider answers an error or a stand-in) and the divergence is listed,
 * with what was asked and the closest thing the recording has.
 */
export type DivergenceKind = 'llm' | 'tts' | 'stt';

export interface Divergence {
  kind: DivergenceKind;
  /** Media time it happened, ms. */
  atMs: number;
  /** What the replayed call asked, one readable summary. */
  asked: string;
  /** The closest recorded thing, or undefined when nothing comparable was recorded. */
  recorded: string | undefined;
}

/** Collects the divergences of one replay, in the order they happened. */
export class DivergenceLog {
  private readonly items: Divergence[] = [];
  private readonly listeners: ((d: Divergence) => void)[] = [];

  get list(): readonly Divergence[] {
    return this.items;
  }

  get count(): number {
    return this.items.length;
  }

  add(divergence: Divergence): void {
    this.items.push(divergence);
    for (const listener of this.listeners) listener(divergence);
  }

  /** Called for each divergence as it is added (e.g. to print it live). */
  onDivergence(listener: (d: Divergence) => void): void {
    this.listeners.push(listener);
  }
}

/** Longest text shown for `asked`/`recorded`, characters. */
const MAX_SHOWN = 240;

export function formatDivergence(d: Divergence): string {
  const at = `${(d.atMs / 1000).toFixed(2)}s`.padStart(8);
  return [
    `${at}  ${d.kind.toUpperCase()} divergence`,
    `          asked:    ${shorten(d.asked)}`,
    `          recorded: ${d.recorded === undefined ? '(nothing comparable)' : shorten(d.recorded)}`,
  ].join('\n');
}

/** A report for the end of a replay: a clear "none" or every divergence. */
export function formatDivergenceReport(divergences: readonly Divergence[]): string {
  if (divergences.length === 0) return 'No divergence: every request was answered from the recording.';
  const head = `${divergences.length} divergence${divergences.length === 1 ? '' : 's'}:`;
  return [head, ...divergences.map(formatDivergence)].join('\n');
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_SHOWN ? flat : `${flat.slice(0, MAX_SHOWN - 1)}…`;
}
