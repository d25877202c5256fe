/**
 * Counts what happens around a call so a driver can tell when the system has gone quiet: every
 * Twilio message the service receives or sends (a MediaTap) and every STT event, LLM delta and
 * TTS chunk at the service's ports (wrapped providers), plus any outside counters (the fakes'
 * bytes and messages). The count only ever grows; a count unchanged over a few event-loop turns
 * means nothing is in flight (clock-driver.ts). It composes with a recording: the inner recording
 * still gets its own tap and wraps the providers first.
 */
import type { Providers } from '../../src/call/call-factory.js';
import type { MediaTap } from '../../src/media/media-session.js';
import type { ServiceOptions } from '../../src/service.js';

/** The `recording` option of startService. */
export type ServiceRecording = NonNullable<ServiceOptions['recording']>;

export class ActivityProbe {
  private events = 0;
  private readonly sources: (() => number)[] = [];
  private readonly innerTaps = new WeakMap<MediaTap, MediaTap>();

  /** Everything counted so far: the probe's own events plus every source. */
  get count(): number {
    let total = this.events;
    for (const source of this.sources) total += source();
    return total;
  }

  /** Adds an outside counter (it must only grow, e.g. bytes received by a fake). */
  addSource(source: () => number): void {
    this.sources.push(source);
  }

  /** Something happened (for callers outside the probe, e.g. a phone event). */
  bump(): void {
    this.events++;
  }

  /** The service's `recording` option, counting; `inner` (e.g. a CallRecording) still records. */
  recording(inner?: ServiceRecording): ServiceRecording {
    const bump = () => this.bump();
    return {
      createTap: () => {
        const innerTap = inner?.createTap();
        const tap: MediaTap = {
          inbound(text, atMs) {
            bump();
            innerTap?.inbound(text, atMs);
          },
          outbound(text, atMs) {
            bump();
            innerTap?.outbound(text, atMs);
          },
          closed(atMs) {
            bump();
            innerTap?.closed(atMs);
          },
        };
        if (innerTap) this.innerTaps.set(tap, innerTap);
        return tap;
      },
      wrapProviders: (providers, { callId, tap }) => {
        const innerTap = tap ? this.innerTaps.get(tap) : undefined;
        const wrapped = inner
          ? inner.wrapProviders(providers, { callId, ...(innerTap ? { tap: innerTap } : {}) })
          : providers;
        return countingProviders(wrapped, bump);
      },
      ...(inner?.prerenderedSpeech ? { prerenderedSpeech: inner.prerenderedSpeech } : {}),
    };
  }
}

function countingProviders(providers: Providers, bump: () => void): Providers {
  return {
    stt: {
      open: (options) =>
        providers.stt.open({
          ...options,
          onEvent: (event) => {
            bump();
            options.onEvent(event);
          },
        }),
    },
    llm: {
      async *streamReply(request) {
        for await (const delta of providers.llm.streamReply(request)) {
          bump();
          yield delta;
        }
      },
    },
    tts: {
      async *synthesize(text, options) {
        for await (const chunk of providers.tts.synthesize(text, options)) {
          bump();
          yield chunk;
        }
      },
    },
  };
}
