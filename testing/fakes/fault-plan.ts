/**
 * Provider faults the fakes can inject, as plain data: what a real Deepgram, OpenAI-compatible
 * endpoint or Aura request may do to a call in production. Tests either name a fault exactly
 * (fail this text, close the listen socket at 3.2 s of audio) or draw one from a seed, so a
 * property test runs the same fault for the same seed and a failing seed can be rerun alone.
 */
import { SeededRandom } from '../seeded-random.js';
import type { FakeReply, FakeRequest } from './openai-fake.js';

/** What one Aura `POST /v1/speak` request does instead of answering normally. */
export type SpeakFault =
  /** An HTTP error with Deepgram's JSON error body (500, 503, 429 …). */
  | { kind: 'status'; status: number }
  /** Headers and this many audio bytes (0: none), then the TCP socket is destroyed. */
  | { kind: 'reset'; afterBytes: number };

/** What happens to a live `/v1/listen` socket once this much audio has arrived. */
export interface ListenFault {
  /** Audio seconds received on this session when the fault strikes. */
  atAudioS: number;
  /** `close-1011`: a close frame with 1011 (an internal error, as Deepgram sends); `drop`: TCP killed, no frame (1006). */
  kind: 'close-1011' | 'drop';
}

/** The LLM faults a `respond` can answer with (see openai-fake.ts for each reply's wire form). */
export type LlmFaultKind = 'http-500' | 'http-503' | 'headers-then-stall' | 'stall-mid-stream' | 'drop-mid-stream';

/** The fake reply for an LLM fault; `text` is what a mid-stream fault had started to write. */
export function llmFaultReply(
  kind: LlmFaultKind,
  text = 'Thank you. Let me think about that for a moment.',
): FakeReply {
  switch (kind) {
    case 'http-500':
      return { status: 500 };
    case 'http-503':
      return { status: 503 };
    case 'headers-then-stall':
      return { text, stallAfterChunks: 0 };
    case 'stall-mid-stream':
      return { text, stallAfterChunks: 3 };
    case 'drop-mid-stream':
      return { text, dropAfterChunks: 3 };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export const LLM_FAULT_KINDS: readonly LlmFaultKind[] = [
  'http-500',
  'http-503',
  'headers-then-stall',
  'stall-mid-stream',
  'drop-mid-stream',
];

/**
 * A `respond` that answers with `fault(request, index)` when it returns a reply, else as `respond`
 * does. `index` counts every request that reached it, faulted or not.
 */
export function withLlmFaults(
  respond: (request: FakeRequest, index: number) => FakeReply,
  fault: (request: FakeRequest, index: number) => FakeReply | undefined,
): (request: FakeRequest, index: number) => FakeReply {
  return (request, index) => fault(request, index) ?? respond(request, index);
}

/** A seeded draw of one LLM fault kind. */
export function seededLlmFault(seed: number): LlmFaultKind {
  return new SeededRandom(seed).pick(LLM_FAULT_KINDS);
}

/** A seeded speak fault: an HTTP 5xx/429, or a socket reset before or during the audio. */
export function seededSpeakFault(seed: number): SpeakFault {
  const random = new SeededRandom(seed);
  if (random.chance(0.5)) return { kind: 'status', status: random.pick([500, 502, 503, 429]) };
  return { kind: 'reset', afterBytes: random.pick([0, 0, 800, 1600]) };
}

/** A seeded listen fault somewhere in [fromS, toS] of audio. */
export function seededListenFault(seed: number, fromS: number, toS: number): ListenFault {
  const random = new SeededRandom(seed);
  return { atAudioS: random.between(fromS, toS), kind: random.chance(0.5) ? 'close-1011' : 'drop' };
}
