/**
 * Answers TTS requests from a recording by their text (whitespace-insensitive). A text never
 * recorded is a divergence: logged with the closest recorded text, and `audioFor` returns
 * undefined so the speaking fake falls back to its own stand-in audio and the call goes on.
 */

import { collapse } from '../../src/recording/fixture-format.js';
import type { DivergenceLog } from './divergence.js';
import type { TtsRecording } from './fixture-reader.js';
import { normalizeWords, wordOverlap } from './llm-replay.js';

export interface TtsReplayOptions {
  divergences: DivergenceLog;
  /** Media time now, ms, to stamp divergences. */
  mediaNowMs: () => number;
}

export class TtsReplay {
  private readonly byText = new Map<string, TtsRecording>();
  private callStarted = false;

  constructor(
    private readonly recordings: readonly TtsRecording[],
    private readonly options: TtsReplayOptions,
  ) {
    for (const recording of recordings) {
      const key = collapse(recording.line.text);
      const known = this.byText.get(key);
      if (!known || better(recording, known)) this.byText.set(key, recording);
    }
  }

  /**
   * From now on the call is replaying. Before it, the service renders lines ahead (holding lines,
   * goodbyes) that a recording only holds if its call played them: not a divergence.
   */
  startCall(): void {
    this.callStarted = true;
  }

  /** The recorded audio for `text`, or undefined (and a divergence) when it was never recorded. */
  audioFor(text: string): Buffer | undefined {
    const found = this.byText.get(collapse(text));
    if (found) return found.audio;
    if (!this.callStarted) return undefined;
    this.options.divergences.add({
      kind: 'tts',
      atMs: this.options.mediaNowMs(),
      asked: text,
      recorded: this.closest(text),
    });
    return undefined;
  }

  /** The recorded first-byte delay for `text`, ms; undefined when not recorded (no divergence logged). */
  firstByteMsFor(text: string): number | undefined {
    return this.byText.get(collapse(text))?.line.firstByteMs ?? undefined;
  }

  private closest(text: string): string | undefined {
    const asked = normalizeWords(text);
    let best: { text: string; score: number } | undefined;
    for (const r of this.recordings) {
      const score = wordOverlap(normalizeWords(r.line.text), asked);
      if (!best || score > best.score) best = { text: r.line.text, score };
    }
    return best?.text;
  }
}

/** A complete recording beats a cut one; between equals, the longer audio wins. */
function better(a: TtsRecording, b: TtsRecording): boolean {
  const complete = (r: TtsRecording) => !r.line.aborted && r.line.error === undefined;
  if (complete(a) !== complete(b)) return complete(a);
  return a.audio.length > b.audio.length;
}
