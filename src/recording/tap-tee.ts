import type { MediaTap } from '../media/media-session.js';

/**
 * Several MediaTaps on one stream (the audio recording and a fixture recording, say). The
 * stream hands its tap to the call factory, whose `wrapProviders` hook wants the fixture
 * recorder it made: `primaryOf` gives back the first tap a combined one was made from.
 */
export class TapTee {
  private readonly primaries = new WeakMap<MediaTap, MediaTap>();

  /** One tap calling each given tap in order; undefined when none, the tap itself when one. */
  combine(primary: MediaTap | undefined, ...others: (MediaTap | undefined)[]): MediaTap | undefined {
    const taps = [primary, ...others].filter((tap): tap is MediaTap => tap !== undefined);
    if (taps.length <= 1) return taps[0];
    const combined: MediaTap = {
      inbound: (text, atMs, parsed) => {
        for (const tap of taps) tap.inbound(text, atMs, parsed);
      },
      outbound: (text, atMs, sent) => {
        for (const tap of taps) tap.outbound(text, atMs, sent);
      },
      closed: (atMs) => {
        for (const tap of taps) tap.closed(atMs);
      },
    };
    if (primary) this.primaries.set(combined, primary);
    return combined;
  }

  /** The primary tap `tap` was combined from (`tap` itself when it was not combined). */
  primaryOf(tap: MediaTap | undefined): MediaTap | undefined {
    return tap === undefined ? undefined : (this.primaries.get(tap) ?? tap);
  }
}
