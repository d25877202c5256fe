/**
 * Socket-free STT for property tests: a caller's word timeline goes through the fake Deepgram's
 * pure engine under a seeded profile, each decision becomes the wire message the fake would
 * send, and the product's own adapter translation (`translateListenMessage`) turns it into the
 * `SttEvent` the router sees, stamped with its arrival time (the profile's lag and jitter).
 * Audio time 0 is clock time 0, as in scripted-partials.ts.
 */
import { translateListenMessage } from '../src/stt/deepgram-results.js';
import { DEEPGRAM_STT_DEFAULTS } from '../src/stt/deepgram-stt.js';
import type { SttEvent } from '../src/stt/stt-stream.js';
import { ListenEngine, type ListenQuerySettings, type SpokenWord } from './fakes/deepgram-listen-engine.js';
import {
  ListenArrivals,
  type ListenProfileChoice,
  profileBehaviour,
  resolveProfile,
} from './fakes/deepgram-listen-profile.js';
import { toListenWire } from './fakes/deepgram-listen-wire.js';
import type { TimedSttEvent } from './scripted-partials.js';

/** What the service asks Deepgram for (src/stt/deepgram-stt.ts): endpointing 300 ms, UtteranceEnd 1000 ms. */
export const SERVICE_LISTEN_SETTINGS: Readonly<ListenQuerySettings> = Object.freeze({
  interimResults: true,
  endpointingMs: DEEPGRAM_STT_DEFAULTS.endpointingMs,
  utteranceEndMs: DEEPGRAM_STT_DEFAULTS.utteranceEndMs,
  vadEvents: true,
  punctuate: true,
});

/** The service sends Deepgram its caller audio in chunks of this much; the fake sees audio arrive at that grain. */
const CHUNK_MS = DEEPGRAM_STT_DEFAULTS.audioChunkMs;

export interface SttTimelineOptions extends ListenProfileChoice {
  /** Audio ms to run the stream for. Default: 4 s past the last word. */
  untilMs?: number;
  /** Default SERVICE_LISTEN_SETTINGS. */
  settings?: ListenQuerySettings;
}

/**
 * A Deepgram session under a profile, run as the service runs it: audio goes in at the service's
 * chunk grain as the clock passes it, and the client may ask for `Finalize` at any moment (the
 * pending audio is flushed first, as DeepgramSttStream.finalize does). Each call returns the
 * SttEvents that became due, stamped with their arrival (the profile's lag and jitter, order kept).
 */
export class SttSimulation {
  private readonly engine: ListenEngine;
  private readonly arrivals: ListenArrivals;
  /** Audio ms handed to the engine so far. */
  private sentMs = 0;

  constructor(words: readonly SpokenWord[], options: SttTimelineOptions) {
    this.engine = new ListenEngine([...words], options.settings ?? SERVICE_LISTEN_SETTINGS, {
      behaviour: profileBehaviour(options),
    });
    this.arrivals = new ListenArrivals(resolveProfile(options.profile), options.seed);
  }

  /** Sends the whole chunks of audio up to `atMs`. */
  sendUntil(atMs: number): TimedSttEvent[] {
    const out: TimedSttEvent[] = [];
    const nextChunkMs = () => (Math.floor(this.sentMs / CHUNK_MS) + 1) * CHUNK_MS;
    for (let chunkEndMs = nextChunkMs(); chunkEndMs <= atMs; chunkEndMs = nextChunkMs()) {
      this.sentMs = chunkEndMs;
      this.deliver(this.engine.advance(chunkEndMs / 1000), chunkEndMs, out);
    }
    return out;
  }

  /** `Finalize` at `atMs`: the audio up to then is flushed, and the engine finals what it heard. */
  finalize(atMs: number): TimedSttEvent[] {
    const out = this.sendUntil(atMs);
    if (atMs > this.sentMs) {
      this.sentMs = atMs;
      this.deliver(this.engine.advance(atMs / 1000), atMs, out);
    }
    this.deliver(this.engine.finalize(true), atMs, out);
    return out;
  }

  private deliver(decided: ReturnType<ListenEngine['advance']>, producedAtMs: number, out: TimedSttEvent[]): void {
    for (const d of decided) {
      const event = translateListenMessage(toListenWire(d, 'timeline'), { offsetS: 0, settledUntilS: 0 });
      if (event) out.push({ atMs: this.arrivals.arrivalMs(producedAtMs), event });
    }
  }
}

/** The SttEvents a Deepgram session under `options` would deliver for `words`, in arrival order. */
export function sttTimeline(words: readonly SpokenWord[], options: SttTimelineOptions): TimedSttEvent[] {
  const lastEndMs = Math.max(0, ...words.map((w) => w.endS * 1000));
  return new SttSimulation(words, options).sendUntil(options.untilMs ?? lastEndMs + 4000);
}

/** Only the events of one type, for assertions. */
export function eventsOfType<T extends SttEvent['type']>(
  timeline: readonly TimedSttEvent[],
  type: T,
): { atMs: number; event: Extract<SttEvent, { type: T }> }[] {
  return timeline.flatMap((e) =>
    e.event.type === type ? [{ atMs: e.atMs, event: e.event as Extract<SttEvent, { type: T }> }] : [],
  );
}
