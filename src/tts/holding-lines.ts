/**
 * The short lines the agent says while a reply cannot start yet ("One moment, please."), so the
 * caller is never left in silence. Rendered ahead in the call's voice like the greeting's opening
 * (GreetingCache), so they play even when TTS fails mid-call; a line not rendered yet is
 * synthesised by a second path (the fallback voice when one is configured).
 */
import { isAbortError } from '../lib/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Synthesizer } from './synthesizer.js';

/** In the order a call uses them; calm and never about the caller. */
export const HOLDING_LINES: readonly string[] = [
  'One moment, please.',
  'Sorry, just a moment.',
  'Thank you for bearing with me, one more moment.',
];

export interface HoldingLine {
  text: string;
  audio: Buffer;
}

/** One call's holding lines, taken in turn. */
export class HoldingLines {
  private taken = 0;

  constructor(
    /** A line rendered ahead in the call's voice, or undefined when it is not (yet). */
    private readonly rendered: (text: string) => Buffer | undefined,
    /** Synthesises a line that was not rendered ahead; undefined: none. */
    private readonly spare: Synthesizer | undefined,
    private readonly logger: Logger,
  ) {}

  /** Whoever played the line `next` gave says so, so the next one is a different line. */
  said(): void {
    this.taken++;
  }

  /** The next line with its audio, or undefined when no path could produce it. */
  async next(signal: AbortSignal): Promise<HoldingLine | undefined> {
    const text = HOLDING_LINES[this.taken % HOLDING_LINES.length] ?? 'One moment, please.';
    const ready = this.rendered(text);
    if (ready && ready.length > 0) return { text, audio: ready };
    if (!this.spare) return undefined;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of this.spare.synthesize(text, { signal })) chunks.push(chunk);
      const audio = Buffer.concat(chunks);
      return audio.length > 0 ? { text, audio } : undefined;
    } catch (err) {
      if (!isAbortError(err)) this.logger.warn({ err }, 'holding line could not be synthesised');
      return undefined;
    }
  }
}
