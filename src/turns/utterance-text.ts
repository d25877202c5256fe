import type { SttWord } from '../stt/stt-stream.js';
import { normalizeWords } from './normalize-words.js';

/** One STT result window: its transcript and the words it carried. */
export interface WindowResult {
  text: string;
  words: readonly SttWord[];
}

/**
 * The running text of one utterance as the STT reports it: every final window since the
 * utterance started, then the latest interim of the window still open. An interim replaces the
 * previous interim (the provider re-sends the growing window); a final settles the window and
 * the next interim starts a new one.
 */
export class UtteranceText {
  private finals: WindowResult[] = [];
  private interim: WindowResult | undefined;

  /** A newer interim for the open window. */
  applyInterim(result: WindowResult): void {
    this.interim = result;
  }

  /** The open window settled as `result`; `undefined` settles it with no words (noise, silence). */
  applyFinal(result: WindowResult | undefined): void {
    if (result) this.finals.push(result);
    this.interim = undefined;
  }

  clear(): void {
    this.finals = [];
    this.interim = undefined;
  }

  get text(): string {
    return this.windows()
      .map((w) => w.text.trim())
      .filter((t) => t.length > 0)
      .join(' ');
  }

  get tokens(): string[] {
    return normalizeWords(this.text);
  }

  /** The end of the latest word heard, audio seconds; undefined while there are none. */
  get lastWordEndS(): number | undefined {
    return this.words().reduce<number | undefined>(
      (end, w) => (end === undefined || w.endS > end ? w.endS : end),
      undefined,
    );
  }

  /** The start of the first word heard, audio seconds. */
  get firstWordStartS(): number | undefined {
    return this.words()[0]?.startS;
  }

  words(): SttWord[] {
    return this.windows().flatMap((w) => w.words);
  }

  private windows(): WindowResult[] {
    return this.interim ? [...this.finals, this.interim] : this.finals;
  }
}
