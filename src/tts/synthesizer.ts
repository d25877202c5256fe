/** The text-to-speech port: text in, μ-law 8 kHz mono audio out, streamed as it is made. */
export interface SynthesizeOptions {
  /** Aborting stops the request; the iterator then ends quietly. */
  signal?: AbortSignal;
}

export interface Synthesizer {
  synthesize(text: string, options?: SynthesizeOptions): AsyncIterable<Buffer>;
}
