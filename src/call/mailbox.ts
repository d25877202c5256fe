/**
 * A synchronous mailbox: inputs are handled one at a time, in the order they were posted. An
 * input posted while another is being handled (by that handler, or by anything it calls) waits
 * until the handler has returned, so no handler ever runs inside another. Nothing is deferred to
 * a later tick: the first post drains the box before it returns.
 */
export class Mailbox<Input> {
  private readonly queue: Input[] = [];
  private draining = false;

  /**
   * `onError`: a handler threw; the input is dropped and the next one runs (one bad input must
   * not stop the call's others).
   */
  constructor(
    private readonly handle: (input: Input) => void,
    private readonly onError: (err: unknown, input: Input) => void,
  ) {}

  post(input: Input): void {
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift() as Input;
        try {
          this.handle(next);
        } catch (err) {
          this.onError(err, next);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Inputs posted and not yet handled. */
  get pending(): number {
    return this.queue.length;
  }
}
