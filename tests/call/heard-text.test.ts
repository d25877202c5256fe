import { describe, expect, it } from 'vitest';
import { cutAtWord, type MarkMeaning, ReplyAudio } from '../../src/call/reply-audio.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { MarkId } from '../../src/media/audio-sink.js';
import { OutboundPlayer } from '../../src/media/outbound-player.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Synthesizer } from '../../src/tts/synthesizer.js';

/** A TTS port that renders 10 ms (80 bytes of μ-law) a character, in two chunks of odd sizes. */
const tts: Synthesizer = {
  async *synthesize(text) {
    const audio = Buffer.alloc(text.length * 80, 0x42);
    yield audio.subarray(0, 999);
    yield audio.subarray(999);
  },
};

const FIRST = 'Thank you for calling us today.'; // 31 chars: 2480 bytes, padded to 2560 at its mark
const SECOND = 'Could you tell me about your role?'; // 34 chars: 2720 bytes, 2560–5280

/**
 * Twilio's side of the stream, on the same clock: plays from t = 0 at real time, echoes each mark
 * once the audio before it has played, and on a clear echoes every pending mark at once.
 */
function twilioLine(clock: ManualClock) {
  let sentBytes = 0;
  const pending: { name: string; atBytes: number }[] = [];
  const meanings: (MarkMeaning | undefined)[] = [];
  let reply: ReplyAudio | undefined;
  const player = new OutboundPlayer({
    clock,
    sendMedia: (frame) => {
      sentBytes += frame.length;
    },
    sendMark: (name) => pending.push({ name, atBytes: sentBytes }),
    sendClear: () => {
      for (const mark of pending.splice(0)) player.handleMarkEcho(mark.name);
    },
    onMarkPlayed: (mark) => meanings.push(reply?.markPlayed(mark)),
  });
  return {
    player,
    meanings,
    attach: (audio: ReplyAudio) => {
      reply = audio;
    },
    /** Advances the clock `ms` (a multiple of 20) a frame at a time, echoing the marks played meanwhile. */
    play(ms: number) {
      for (let t = 0; t < ms; t += 20) {
        clock.advance(20);
        const played = clock.now() * 8;
        while (pending[0] && pending[0].atBytes <= played) player.handleMarkEcho(pending.shift()!.name);
      }
    },
  };
}

async function spokenReply(clock: ManualClock) {
  const line = twilioLine(clock);
  const signal = new AbortController().signal;
  const audio = new ReplyAudio({
    tts,
    sink: line.player,
    signal,
    now: () => clock.now(),
    logger: createLogger('silent'),
  });
  line.attach(audio);
  audio.say(FIRST);
  audio.say(SECOND);
  await audio.finish();
  return { line, audio };
}

describe('heard text from the audio sink’s positions', () => {
  it('gives each reply typed marks: the first after 20 ms means first heard, then one per chunk', async () => {
    const clock = new ManualClock();
    const { line, audio } = await spokenReply(clock);
    line.play(1000);
    expect(line.meanings).toEqual(['first-heard', 'segment-heard', 'segment-heard']);
    expect(audio.fullyHeard).toBe(true);
    expect(audio.segments.map((s) => s.end?.at)).toEqual([2560, 5280]);
    // A mark that is not its own means nothing to it.
    const foreign = new OutboundPlayer({ clock, sendMedia: () => {}, sendMark: () => {}, sendClear: () => {} }).mark();
    expect(audio.markPlayed(foreign as MarkId)).toBeUndefined();
  });

  it('cuts the chunk playing at the clear at a word, from the position clear() returned', async () => {
    const clock = new ManualClock();
    const { line, audio } = await spokenReply(clock);
    // 440 ms played: the first chunk (to 320 ms) was heard, the second is 120 ms (35 %) in.
    line.play(440);
    const heardUpTo = line.player.clear();
    expect(heardUpTo).toBe(3520);
    const fraction = (3520 - 2560) / 2720;
    expect(audio.heardText(heardUpTo)).toBe(`${FIRST} ${cutAtWord(SECOND, fraction)}`);
    expect(audio.heardText(heardUpTo)).toBe(`${FIRST} Could you`);
    // The clear made Twilio echo the second chunk's mark at once: that is no proof of hearing.
    expect(line.meanings).toEqual(['first-heard', 'segment-heard']);
    expect(audio.fullyHeard).toBe(false);
  });

  it('counts nothing as heard of a chunk whose audio had not started playing', async () => {
    const clock = new ManualClock();
    const { line, audio } = await spokenReply(clock);
    line.play(200);
    const heardUpTo = line.player.clear();
    expect(heardUpTo).toBe(1600);
    // 200 of the first chunk's 320 ms (62 %): 19 of its 31 characters, cut back to a word.
    expect(audio.heardText(heardUpTo)).toBe(cutAtWord(FIRST, 1600 / 2560));
    expect(audio.heardText(heardUpTo)).toBe('Thank you for');
  });
});
