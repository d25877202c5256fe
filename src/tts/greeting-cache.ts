import type { Logger } from '../observability/logger.js';
import type { Synthesizer } from './synthesizer.js';

/**
 * The greeting's impersonal opening, rendered once per (text, voice) so a call's first words
 * go out the moment its stream starts; the personal part is synthesised behind it.
 */
export class GreetingCache {
  private readonly rendered = new Map<string, Buffer>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly tts: Synthesizer,
    private readonly voice: string,
    private readonly logger: Logger,
  ) {}

  /** The rendered opening, if ready; a miss starts rendering it for the next call. */
  get(openingText: string): Buffer | undefined {
    const audio = this.rendered.get(this.key(openingText));
    if (!audio) void this.warm(openingText);
    return audio;
  }

  /** Renders the opening (once); resolves when ready or when rendering failed (logged). */
  warm(openingText: string): Promise<void> {
    const key = this.key(openingText);
    if (this.rendered.has(key)) return Promise.resolve();
    let job = this.pending.get(key);
    if (!job) {
      job = this.render(key, openingText).finally(() => this.pending.delete(key));
      this.pending.set(key, job);
    }
    return job;
  }

  private async render(key: string, text: string): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of this.tts.synthesize(text)) chunks.push(chunk);
      this.rendered.set(key, Buffer.concat(chunks));
      this.logger.info({ voice: this.voice, bytes: this.rendered.get(key)?.length }, 'greeting opening rendered');
    } catch (err) {
      this.logger.warn({ err }, 'greeting opening could not be rendered; calls synthesise it live');
    }
  }

  private key(text: string): string {
    return `${this.voice}\u0000${text}`;
  }
}
