/** Opens the real Deepgram STT adapter against the local fake and records what comes out. */
import type { Clock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { DeepgramStt, type DeepgramSttOptions } from '../../src/stt/deepgram-stt.js';
import type { SttEvent, SttStream } from '../../src/stt/stt-stream.js';
import type { DeepgramFake } from '../../testing/fakes/deepgram-fake.js';

export interface SttHarness {
  stream: SttStream;
  events: SttEvent[];
  errors: Error[];
  /** Final transcripts with words, in order. */
  finalTexts(): string[];
}

export function openStt(
  fake: DeepgramFake,
  options: Partial<Omit<DeepgramSttOptions, 'clock'>> & { clock?: Clock; signal?: AbortSignal } = {},
): SttHarness {
  const { signal, ...sttOptions } = options;
  const events: SttEvent[] = [];
  const errors: Error[] = [];
  const stt = new DeepgramStt({ apiKey: 'test-key', apiUrl: fake.url, logger: createLogger('silent'), ...sttOptions });
  const stream = stt.open({
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
    ...(signal && { signal }),
  });
  return {
    stream,
    events,
    errors,
    finalTexts: () => events.flatMap((e) => (e.type === 'transcript' && e.isFinal && e.text !== '' ? [e.text] : [])),
  };
}

/** Call audio as Twilio sends it: 20 ms frames; each frame's bytes carry its index so resends can be compared. */
export function callAudio(fromS: number, toS: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = Math.round(fromS * 50); at < Math.round(toS * 50); at++) frames.push(Buffer.alloc(160, at % 256));
  return frames;
}

export function sendAudio(stream: SttStream, fromS: number, toS: number): void {
  for (const frame of callAudio(fromS, toS)) stream.sendAudio(frame);
}
