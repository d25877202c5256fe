import { meaningKey } from './same-meaning.js';

/** How a running speculation stands against the words as they are now. */
export type SpeculationVerdict = 'none' | 'same' | 'adopted' | 'invalidated';

/**
 * The speculative reply of the open utterance: the words it was started on (and their meaning,
 * `meaningKey`) and how many were started this utterance, for the router's cap. Pure.
 */
export class Speculations {
  private current: { key: string; text: string } | undefined;
  private started = 0;

  get running(): boolean {
    return this.current !== undefined;
  }

  get startedThisUtterance(): number {
    return this.started;
  }

  /** A new utterance: none running, none started. */
  newUtterance(): void {
    this.current = undefined;
    this.started = 0;
  }

  /** The running one, if any, is no longer wanted (a commit took it, a resume or close ended it). */
  drop(): void {
    this.current = undefined;
  }

  start(text: string): void {
    this.current = { key: meaningKey(text), text };
    this.started += 1;
  }

  /**
   * Same words; other words with the same meaning, so the reply is adopted; or another meaning,
   * so the reply is thrown away (and no longer running).
   */
  review(text: string): SpeculationVerdict {
    if (this.current === undefined) return 'none';
    if (meaningKey(text) === this.current.key) return text === this.current.text ? 'same' : 'adopted';
    this.current = undefined;
    return 'invalidated';
  }

  /** The running speculation when it has the meaning of `text`. */
  matching(text: string): { text: string } | undefined {
    return this.current !== undefined && this.current.key === meaningKey(text) ? this.current : undefined;
  }
}
