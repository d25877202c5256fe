/**
 * What of a model's reply may be spoken, chunk by chunk as it streams (after the ClauseChunker).
 * The interview machine owns the goodbye and the flow, so a chunk is dropped when it
 * - has no letter or digit (a reply of "..." or "!" speaks nothing, and counts as empty);
 * - ends the conversation in the model's own words ("Goodbye!", "Thank you for your time today"):
 *   that chunk and everything after it in the reply are dropped, and the reply says so
 *   (`endedConversation`), since only the machine's goodbye is ever spoken;
 * - repeats, word for word, a sentence or clause of the agent's previous line (no "Thank you. … Thank you.").
 * Pure: chunks in, decisions out.
 */

const FAREWELL_PATTERNS: readonly RegExp[] = [
  /\b(good ?bye|bye bye|farewell|take care)\b/,
  /^bye\b/,
  /\bhave a (great|good|nice|lovely|wonderful) (day|evening|afternoon|weekend|one)\b/,
  /\b(best of luck|good luck)\b/,
  /\bthank(s| you)( so much| very much)? for (your|the) time\b/,
  /\b(this|that) (concludes|ends|wraps up) (our|the|this) (interview|call|conversation|screen)\b/,
  /\bend (of )?(our|the|this) (interview|call|conversation)\b/,
];

/** Lower-case letters, digits and apostrophes, single-spaced: how chunks are compared. */
function key(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .trim();
}

export function isFarewell(text: string): boolean {
  const said = key(text);
  return FAREWELL_PATTERNS.some((p) => p.test(said));
}

export class ReplyFilter {
  private readonly previousSentences: Set<string>;
  private ended = false;
  private readonly kept: string[] = [];

  /** `previousLine`: the agent's last heard line, whose sentences are not said again verbatim. */
  constructor(previousLine?: string) {
    // Sentences and their clauses: the chunker may cut a repeated sentence at a comma.
    const sentences = previousLine?.match(/[^.!?]+[.!?]*/g) ?? [];
    const clauses = sentences.flatMap((s) => s.split(/[,;:\u2014\u2013]/));
    this.previousSentences = new Set([...sentences, ...clauses].map(key).filter((k) => k !== ''));
  }

  /** The chunk to speak, or undefined when it is dropped. */
  pass(chunk: string): string | undefined {
    if (this.ended) return undefined;
    const k = key(chunk);
    if (!/[\p{L}\p{N}]/u.test(k)) return undefined;
    if (isFarewell(chunk)) {
      this.ended = true;
      return undefined;
    }
    if (this.previousSentences.has(k)) return undefined;
    this.kept.push(chunk.trim());
    return chunk;
  }

  /** The model ended the conversation in its own words (and those words were dropped). */
  get endedConversation(): boolean {
    return this.ended;
  }

  /** Everything passed, as one line. */
  get spokenText(): string {
    return this.kept.join(' ').trim();
  }
}
