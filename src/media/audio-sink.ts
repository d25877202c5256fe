/**
 * The narrow port a call plays the agent's voice through. Audio and marks go in; the sink answers
 * with positions in the outgoing stream, so what the caller heard is worked out from positions
 * the sink returned, never from counters someone else reads. OutboundPlayer implements it.
 */

declare const positionBrand: unique symbol;
/**
 * A point in the agent's outgoing audio: μ-law bytes (8000 a second, 8 a millisecond) from the
 * start of the stream, padding included. After a `clear` the stream goes on from the position
 * `clear` returned.
 */
export type PlayoutPosition = number & { readonly [positionBrand]: true };

declare const markBrand: unique symbol;
/**
 * A mark the sink placed after the audio written before it. The sink reports it back (the same
 * object) once Twilio has played up to it; a mark flushed by `clear` or `pause` is never reported.
 */
export interface MarkId {
  readonly [markBrand]: true;
  /** Where the mark sits (a frame boundary: the sink pads a partial frame first). */
  readonly at: PlayoutPosition;
}

export interface AudioSink {
  /** Queues μ-law audio of any length after everything written so far; returns where it starts. */
  write(mulaw: Buffer): PlayoutPosition;
  /** Places a mark after everything written so far (padded to a whole 20 ms frame). */
  mark(): MarkId;
  /**
   * Drops everything not yet played, here and in Twilio's buffer (a `clear`); returns the
   * position the caller had heard up to, estimated within a frame.
   */
  clear(): PlayoutPosition;
  /** Stops the audio at once without losing it (`resume` goes on from the frame being heard). */
  pause(): void;
  resume(): void;
  /**
   * Stops feeding new audio without a `clear`: what Twilio holds plays on. Returns how much that
   * is, ms, the window before the caller would hear a gap.
   */
  hold(): number;
  /** Ends a hold: audio goes out again from where it stopped. */
  release(): void;
}

export function playoutPosition(bytes: number): PlayoutPosition {
  return bytes as PlayoutPosition;
}
