/**
 * The last stretch of caller audio, kept so a reconnected STT socket can be sent what the
 * dropped one may have lost, plus everything that arrived while no socket was open. Tracks where the kept audio starts on the call's byte axis.
 * Chunks are kept as given (not copied): callers must not mutate a buffer after sending it.
 */
export class RecentAudio {
  private chunks: Buffer[] = [];
  private keptBytes = 0;
  private firstByte = 0;
  private total = 0;

  /** @param limitBytes keep at least this many of the newest bytes (whole chunks). */
  constructor(private readonly limitBytes: number) {}

  /** Keeps `chunk`; nothing is let go until `trim()`, so audio waiting for a socket is never lost. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.keptBytes += chunk.length;
    this.total += chunk.length;
  }

  /** Lets go of the oldest chunks beyond the limit (whole chunks; at least `limitBytes` stay). */
  trim(): void {
    for (;;) {
      const oldest = this.chunks[0];
      if (!oldest || this.chunks.length === 1 || this.keptBytes - oldest.length < this.limitBytes) return;
      this.chunks.shift();
      this.keptBytes -= oldest.length;
      this.firstByte += oldest.length;
    }
  }

  /** Bytes received since the call began. */
  get totalBytes(): number {
    return this.total;
  }

  /** The kept audio and the call byte offset where it starts. */
  snapshot(): { startByte: number; chunks: readonly Buffer[] } {
    return { startByte: this.firstByte, chunks: [...this.chunks] };
  }
}
