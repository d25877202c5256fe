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

/** The SttEvents a Deepgram session under `options` would deliver for `words`, in arrival order. */
export function sttTimeline(words: readonly SpokenWord[], options: SttTimelineOptions): TimedSttEvent[] {
  const engine = new ListenEngine([...words], options.settings ?? SERVICE_LISTEN_SETTINGS, {
    behaviour: profileBehaviour(options),
  });
  const arrivals = new ListenArrivals(resolveProfile(options.profile), options.seed);
  const lastEndMs = Math.max(0, ...words.map((w) => w.endS * 1000));
  const untilMs = options.untilMs ?? lastEndMs + 4000;
  const out: TimedSttEvent[] = [];
  for (let atMs = CHUNK_MS; atMs <= untilMs; atMs += CHUNK_MS) {
    for (const decided of engine.advance(atMs / 1000)) {
      const event = translateListenMessage(toListenWire(decided, 'timeline'), { offsetS: 0, settledUntilS: 0 });
      if (event) out.push({ atMs: arrivals.arrivalMs(atMs), event });
    }
  }
  return out;
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
