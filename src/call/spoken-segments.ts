/**
 * The segments of one reply as they went into the outgoing audio, and the text the caller heard
 * of them: whole segments whose marks came back, then the played part of the next, cut at a word.
 */
import type { MarkId, PlayoutPosition } from '../media/audio-sink.js';

/** One spoken chunk of a reply and where its audio sits in the outgoing stream. */
export interface SpokenSegment {
  text: string;
  /** Where its first audio went (undefined until some did). */
  startsAt: PlayoutPosition | undefined;
  /** The mark after its last audio (undefined while its audio is still coming). */
  end: MarkId | undefined;
  /** Its mark came back for real (not flushed by a clear). */
  heard: boolean;
  /**
   * Its synthesis failed, or the attempt it belonged to broke before it played: the caller never
   * heard it whole, so its text counts for nothing (no mark is placed after a segment without audio).
   */
  failed: boolean;
  /** A holding line ("One moment…") said while the reply could not start; heard, but not the reply's words. */
  holding: boolean;
}

/**
 * The text the caller heard up to `heardUpTo` (the position `clear` returned): whole heard
 * segments, then the part of the next one in proportion to how much of its audio had played.
 * Failed segments were never heard whole and count for nothing.
 */
export function heardTextOf(segments: readonly SpokenSegment[], heardUpTo: PlayoutPosition): string {
  const parts: string[] = [];
  for (const segment of segments) {
    if (segment.failed) continue;
    if (segment.heard) {
      parts.push(segment.text);
      continue;
    }
    // A segment without audio yet begins where its mark is, or was never placed at all.
    const start = segment.startsAt ?? segment.end?.at;
    if (start === undefined) break;
    const end = segment.end?.at ?? heardUpTo;
    const fraction = end > start ? (heardUpTo - start) / (end - start) : 0;
    if (fraction > 0) parts.push(cutAtWord(segment.text, Math.min(1, fraction)));
    break;
  }
  return parts.filter(Boolean).join(' ').trim();
}
/** The first `fraction` of a text by characters, cut back to a whole word. */
export function cutAtWord(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  const limit = Math.floor(text.length * fraction);
  const cut = text.slice(0, limit);
  if (limit < text.length && text[limit] !== ' ') {
    const lastSpace = cut.lastIndexOf(' ');
    return lastSpace < 0 ? '' : cut.slice(0, lastSpace).trim();
  }
  return cut.trim();
}
