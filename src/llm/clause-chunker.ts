/**
 * Cuts streamed LLM text into speakable chunks as it arrives, so TTS can start on the first
 * clause instead of waiting for the whole reply. Pure: text in, chunks out.
 *
 * A chunk ends at
 * - a sentence end: `.` `!` `?` (runs like `?!` or `...`, closing quotes/brackets included)
 *   followed by whitespace — not after an abbreviation (`Mr.`, `e.g.`, initials) and never
 *   inside a number (`3.5`, since no space follows);
 * - a line break (list items and paragraphs are separate thoughts);
 * - a clause mark (`,` `;` `:` followed by whitespace, `—`/`–`, or a spaced ` - `) once the
 *   chunk holds at least `minClauseWords` words, so short openers still go out quickly while
 *   `Well,` alone does not become a choppy chunk; a reply's opening clause needs fewer
 *   (`firstClauseMinWords`), since the caller waits in silence for it: "Thank you," goes to TTS
 *   four tokens in instead of waiting for "that is helpful." (~100 ms at 25 ms a token), and
 *   the rest of the reply is synthesised while it plays;
 * - `maxChunkChars` without any of those (cut at the last space before it).
 * A mark at the very end of the text so far waits for the next token, which decides it.
 *
 * Markdown a model may emit despite instructions is removed, since it would be spoken:
 * `#` headings, list bullets and numbers at line start, `**`, `*`, `__`, `~~`, backticks.
 */

export interface ClauseChunkerOptions {
  /** Words a chunk needs before a clause mark may end it (sentence ends always do). Default 6. */
  minClauseWords?: number;
  /** The same for the first chunk of a reply. Default 2. */
  firstClauseMinWords?: number;
  /** Longest chunk, characters; longer text is cut at a space. Default 200. */
  maxChunkChars?: number;
}

export const CLAUSE_CHUNKER_DEFAULTS = { minClauseWords: 6, firstClauseMinWords: 2, maxChunkChars: 200 } as const;

const SENTENCE_END = '.!?';
const CLOSERS = '"\')]}”’»';
const CLAUSE_MARKS = ',;:';
const DASHES = '—–';
/** Lower-case words that end with a dot but rarely end a sentence. */
const ABBREVIATIONS = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'prof.', 'sr.', 'jr.', 'st.', 'vs.', 'approx.']);
/** Dotted letters: e.g., i.e., U.S., a.m. */
const DOTTED_LETTERS = /^(\p{L}\.){2,}$/u;
/** A capital initial (`John F. Kennedy`); not `A.` or `I.`, which end sentences as words. */
const INITIAL = /^[B-HJ-Z]\.$/u;

/** A line-start marker the chunker drops, or `undefined` when more text is needed to decide. */
const LINE_MARKER = /^[ \t]*(#{1,6}[ \t]+|[-*+•][ \t]+|\d{1,3}[.)][ \t]+)/u;
const MAYBE_LINE_MARKER = /^[ \t]*(#{0,6}|[-*+•]|\d{1,3}[.)]?)$/u;

export class ClauseChunker {
  private readonly minClauseWords: number;
  private readonly firstClauseMinWords: number;
  private readonly maxChunkChars: number;
  /** Input not yet past the line-start check. */
  private raw = '';
  private atLineStart = true;
  /** Text accepted but not yet emitted. */
  private pending = '';
  /** A chunk of this reply has gone out, so clauses need `minClauseWords` from now on. */
  private openingSent = false;

  constructor(options: ClauseChunkerOptions = {}) {
    this.minClauseWords = options.minClauseWords ?? CLAUSE_CHUNKER_DEFAULTS.minClauseWords;
    this.firstClauseMinWords = options.firstClauseMinWords ?? CLAUSE_CHUNKER_DEFAULTS.firstClauseMinWords;
    this.maxChunkChars = options.maxChunkChars ?? CLAUSE_CHUNKER_DEFAULTS.maxChunkChars;
  }

  /** Adds streamed text; returns the chunks it completed (often none). */
  push(text: string): string[] {
    this.raw += text;
    this.absorb(false);
    return this.cut(false);
  }

  /** Ends the stream: returns the remaining chunks and resets for the next reply. */
  flush(): string[] {
    this.absorb(true);
    const chunks = this.cut(true);
    const rest = speakable(this.pending);
    if (rest) chunks.push(rest);
    this.pending = '';
    this.raw = '';
    this.atLineStart = true;
    this.openingSent = false;
    return chunks;
  }

  /** Moves text from `raw` to `pending`, dropping list/heading markers at line starts. */
  private absorb(final: boolean): void {
    while (this.raw.length > 0) {
      if (this.atLineStart) {
        const marker = LINE_MARKER.exec(this.raw);
        if (marker) {
          this.raw = this.raw.slice(marker[0].length);
          continue;
        }
        if (!final && MAYBE_LINE_MARKER.test(this.raw)) return;
        this.atLineStart = false;
      }
      const newline = this.raw.indexOf('\n');
      const end = newline === -1 ? this.raw.length : newline + 1;
      this.pending += this.raw.slice(0, end);
      this.raw = this.raw.slice(end);
      if (newline !== -1) this.atLineStart = true;
    }
  }

  private cut(final: boolean): string[] {
    const chunks: string[] = [];
    for (;;) {
      // A boundary past the cap loses to the cap, so no chunk outgrows it.
      const boundary = this.findBoundary(final);
      const end = boundary !== undefined && boundary <= this.maxChunkChars ? boundary : (this.findCapCut() ?? boundary);
      if (end === undefined) return chunks;
      const chunk = speakable(this.pending.slice(0, end));
      this.pending = this.pending.slice(end);
      if (chunk) {
        chunks.push(chunk);
        this.openingSent = true;
      }
    }
  }

  /** Index just past the first boundary in `pending`, or undefined. */
  private findBoundary(final: boolean): number | undefined {
    const text = this.pending;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\n') return i + 1;
      if (SENTENCE_END.includes(ch)) {
        let j = i + 1;
        while (j < text.length && (SENTENCE_END.includes(text[j]!) || CLOSERS.includes(text[j]!))) j++;
        if (j === text.length) return final ? j : undefined;
        if (isSpace(text[j]!) && !(ch === '.' && j === i + 1 && endsWithAbbreviation(text, i))) return j;
        i = j - 1;
        continue;
      }
      const clauseEnd = this.clauseEndAt(text, i);
      if (clauseEnd === 'wait') return final ? i + 1 : undefined;
      const minWords = this.openingSent ? this.minClauseWords : this.firstClauseMinWords;
      if (clauseEnd !== undefined && wordCount(text.slice(0, clauseEnd)) >= minWords) return clauseEnd;
    }
    return undefined;
  }

  /** Index past a clause mark at `i`, `'wait'` if the next character decides, else undefined. */
  private clauseEndAt(text: string, i: number): number | 'wait' | undefined {
    const ch = text[i]!;
    const next = text[i + 1];
    if (DASHES.includes(ch)) return i + 1;
    const spacedHyphen = ch === '-' && i > 0 && isSpace(text[i - 1]!);
    if (!CLAUSE_MARKS.includes(ch) && !spacedHyphen) return undefined;
    if (next === undefined) return 'wait';
    return isSpace(next) ? i + 1 : undefined;
  }

  /** Past the cap with no boundary: cut at the last space within it, or hard at the cap. */
  private findCapCut(): number | undefined {
    if (this.pending.length <= this.maxChunkChars) return undefined;
    const space = this.pending.lastIndexOf(' ', this.maxChunkChars);
    return space > 0 ? space + 1 : this.maxChunkChars;
  }
}

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/** Whether the word ending with the dot at `dotIndex` is an abbreviation. */
function endsWithAbbreviation(text: string, dotIndex: number): boolean {
  let start = dotIndex;
  while (start > 0 && !isSpace(text[start - 1]!)) start--;
  const word = text.slice(start, dotIndex + 1).replace(/^[("'“‘*_]+/u, '');
  return ABBREVIATIONS.has(word.toLowerCase()) || DOTTED_LETTERS.test(word) || INITIAL.test(word);
}

function wordCount(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** The chunk as it should be spoken: inline markdown removed, whitespace collapsed. */
function speakable(text: string): string {
  return text
    .replace(/\*+|`+|__|~~/g, '')
    .replace(/\s+/gu, ' ')
    .trim();
}
