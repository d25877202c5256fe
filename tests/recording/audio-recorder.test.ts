import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { mulawToPcm16, pcm16ToMulaw } from '../../src/media/audio-codec.js';
import {
  buildClearMessage,
  buildMarkMessage,
  buildMediaMessage,
  parseTwilioMessage,
} from '../../src/media/twilio-messages.js';
import { AudioRecorder } from '../../src/recording/audio-recorder.js';

/**
 * The recorder as the media session drives it: Twilio's inbound messages (with network jitter)
 * and the service's outbound media, marks and clears, on a manual clock. Each seed plays a call
 * of caller speech and agent replies, some cut by a clear; the WAV must hold exactly what the
 * caller heard, whatever the seed.
 */
const STREAM = 'MZ00000000000000000000000000000000';
const CALLER = 1000;
const AGENT = -2000;
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frame(value: number | null): Buffer {
  return value === null ? Buffer.alloc(160, 0xff) : pcm16ToMulaw(new Int16Array(160).fill(value));
}

function inboundMedia(chunk: number, audio: Buffer): string {
  return JSON.stringify({
    event: 'media',
    sequenceNumber: String(chunk + 1),
    streamSid: STREAM,
    media: { track: 'inbound', chunk: String(chunk), timestamp: String(chunk * 20), payload: audio.toString('base64') },
  });
}

const startMessage = JSON.stringify({
  event: 'start',
  sequenceNumber: '1',
  streamSid: STREAM,
  start: { streamSid: STREAM, callSid: 'CA1', customParameters: { callId: 'call-1' } },
});

function parsedOrUndefined(text: string) {
  const parsed = parseTwilioMessage(text);
  return parsed.ok ? parsed.message : undefined;
}

/** Parses the WAV: header fields and samples. */
function readWav(bytes: Buffer) {
  return {
    riff: bytes.toString('ascii', 0, 4),
    wave: bytes.toString('ascii', 8, 12),
    riffSize: bytes.readUInt32LE(4),
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    bitsPerSample: bytes.readUInt16LE(34),
    dataSize: bytes.readUInt32LE(40),
    samples: new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length)),
  };
}

function side(value: number): number {
  return Math.round((mulawToPcm16(frame(value).subarray(0, 1))[0] ?? 0) * 0.8);
}

async function recorderInTemp(clock: ManualClock) {
  const dir = await mkdtemp(path.join(tmpdir(), 'audio-rec-'));
  dirs.push(dir);
  const file = path.join(dir, 'call-1', 'audio.wav');
  const started: Date[] = [];
  const recorder = new AudioRecorder({ clock, fileFor: () => file, onStarted: (_s, at) => started.push(at) });
  return { recorder, file, started };
}

interface Scenario {
  /** Each message at the clock time it crosses the socket. */
  events: { atMs: number; direction: 'inbound' | 'outbound'; text: string }[];
  callerSpeaks: (chunk: number) => boolean;
  /** Agent samples (8 kHz positions) the caller heard. */
  agentHeard: Set<number>;
  endMs: number;
  jitterMs: number;
}

/** A call of `seconds`: caller speech in random spans; agent replies paced 200 ms ahead, some cleared. */
function scenario(seed: number, seconds: number): Scenario {
  const random = rng(seed);
  const jitterMs = Math.floor(random() * 60);
  const chunks = seconds * 50;
  const speaking = new Set<number>();
  for (let k = 1; k <= chunks; ) {
    const span = 10 + Math.floor(random() * 80);
    if (random() < 0.4) for (let i = 0; i < span; i++) speaking.add(k + i);
    k += span;
  }
  const events: Scenario['events'] = [];
  for (let k = 1; k <= chunks; k++) {
    const audio = frame(speaking.has(k) ? CALLER : null);
    events.push({ atMs: k * 20 + Math.floor(random() * jitterMs), direction: 'inbound', text: inboundMedia(k, audio) });
  }
  const agentHeard = new Set<number>();
  for (let replyAt = 500 + Math.floor(random() * 1000); replyAt < seconds * 1000 - 3000; ) {
    const frames = 25 + Math.floor(random() * 100);
    const clearAfter = random() < 0.5 ? Math.floor(random() * frames * 20) : undefined;
    for (let i = 0; i < frames; i++) {
      const playsAt = replyAt + i * 20;
      if (clearAfter !== undefined && i * 20 >= clearAfter) break;
      // Sent 200 ms ahead of its turn to play, as the outbound player's lead.
      const text = buildMediaMessage(STREAM, frame(AGENT));
      events.push({ atMs: Math.max(replyAt, playsAt - 200), direction: 'outbound', text });
      const heardUntil = clearAfter === undefined ? 20 : Math.min(20, clearAfter - i * 20);
      for (let s = 0; s < heardUntil * 8; s++) agentHeard.add(playsAt * 8 + s);
    }
    if (clearAfter !== undefined) {
      events.push({ atMs: replyAt + clearAfter, direction: 'outbound', text: buildClearMessage(STREAM) });
    }
    events.push({ atMs: replyAt + frames * 20, direction: 'outbound', text: buildMarkMessage(STREAM, 'm') });
    replyAt += frames * 20 + 500 + Math.floor(random() * 2000);
  }
  events.sort((a, b) => a.atMs - b.atMs);
  // Sorted by time; stable, so messages at the same instant keep the order they were made in.
  return { events, callerSpeaks: (k) => k <= chunks && speaking.has(k), agentHeard, endMs: chunks * 20 + 20, jitterMs };
}

/** Runs the events on the clock, each message stamped with its own clock time. */
/** `withReadings`: as the media session calls it, with its parsed message and what it sent. */
function play(clock: ManualClock, recorder: AudioRecorder, events: Scenario['events'], withReadings = false): void {
  for (const event of events) {
    clock.advance(Math.max(0, event.atMs - clock.now()));
    if (!withReadings) {
      if (event.direction === 'inbound') recorder.inbound(event.text, clock.now());
      else recorder.outbound(event.text, clock.now());
      continue;
    }
    const message = JSON.parse(event.text) as { event: string; media?: { payload: string } };
    if (event.direction === 'inbound') {
      const parsed = parseTwilioMessage(event.text);
      recorder.inbound(event.text, clock.now(), parsed.ok ? parsed.message : undefined);
    } else if (message.event === 'media') {
      const mulaw = Buffer.from(message.media!.payload, 'base64');
      recorder.outbound(event.text, clock.now(), { event: 'media', mulaw });
    } else if (message.event === 'clear') recorder.outbound(event.text, clock.now(), { event: 'clear' });
    else recorder.outbound(event.text, clock.now());
  }
}

describe('audio recorder', () => {
  it.each(Array.from({ length: 12 }, (_, i) => i + 1))(
    'seed %i: the WAV holds the caller at its timestamps and the agent as heard, cut at each clear',
    async (seed) => {
      const clock = new ManualClock(0, Date.UTC(2026, 4, 1, 9));
      const { recorder, file, started } = await recorderInTemp(clock);
      recorder.inbound(startMessage, clock.now());
      const call = scenario(seed, 20);
      play(clock, recorder, call.events);
      const closeAt = call.endMs + call.jitterMs;
      clock.advance(closeAt - clock.now());
      recorder.closed(clock.now());
      const result = await recorder.finish();
      const wav = readWav(await readFile(file));

      expect(started).toEqual([new Date(Date.UTC(2026, 4, 1, 9))]);
      expect(wav).toMatchObject({
        riff: 'RIFF',
        wave: 'WAVE',
        format: 1,
        channels: 1,
        sampleRate: 8000,
        bitsPerSample: 16,
      });
      expect(wav.dataSize).toBe(wav.samples.length * 2);
      expect(wav.riffSize).toBe(36 + wav.dataSize);
      // As long as the call: all of the caller's frames, and no further than the stream's close.
      expect(result?.durationMs).toBeGreaterThanOrEqual(call.endMs);
      expect(result?.durationMs).toBeLessThanOrEqual(closeAt);
      expect(result?.durationMs).toBe(wav.samples.length / 8);

      // Agent placement follows the media clock, which jitter moves by up to jitterMs: compare
      // away from every edge of the agent's heard audio.
      const margin = (call.jitterMs + 1) * 8;
      const near = (pos: number) => {
        for (let d = -margin; d <= margin; d += 8)
          if (call.agentHeard.has(pos + d) !== call.agentHeard.has(pos)) return true;
        return false;
      };
      let checked = 0;
      for (let pos = 0; pos < wav.samples.length; pos += 37) {
        if (near(pos)) continue;
        const chunk = Math.floor(pos / 160);
        const caller = call.callerSpeaks(chunk) ? side(CALLER) : 0;
        const agent = call.agentHeard.has(pos) ? side(AGENT) : 0;
        expect(wav.samples[pos], `sample ${pos}`).toBe(caller + agent);
        checked++;
      }
      expect(checked).toBeGreaterThan(wav.samples.length / 37 / 2);
      expect(result?.droppedLateMs).toBe(0);
    },
  );

  it.each([3, 8])('seed %i: the media session’s own readings give the same WAV as the raw messages', async (seed) => {
    const wavs: Buffer[] = [];
    for (const withReadings of [false, true]) {
      const clock = new ManualClock(0, Date.UTC(2026, 4, 1, 9));
      const { recorder, file } = await recorderInTemp(clock);
      recorder.inbound(startMessage, clock.now(), withReadings ? parsedOrUndefined(startMessage) : undefined);
      const call = scenario(seed, 10);
      play(clock, recorder, call.events, withReadings);
      clock.advance(call.endMs + call.jitterMs - clock.now());
      recorder.closed(clock.now());
      await recorder.finish();
      wavs.push(await readFile(file));
    }
    expect(wavs[1]!.length).toBeGreaterThan(44);
    expect(wavs[1]!.equals(wavs[0]!)).toBe(true);
  });

  it('keeps what it recorded when the process dies mid-call: data on disk, header at most 5 s behind', async () => {
    const clock = new ManualClock();
    const { recorder, file } = await recorderInTemp(clock);
    recorder.inbound(startMessage, clock.now());
    play(clock, recorder, scenario(99, 13).events);
    await recorder.written();
    const wav = readWav(await readFile(file));
    // 13 s played; up to 1 s is held back for late frames and up to 1 s more waits for the next write.
    expect(wav.samples.length / 8).toBeGreaterThanOrEqual(13_000 - 2_000);
    expect(wav.samples.length / 8 - wav.dataSize / 16).toBeLessThanOrEqual(5_000);
    expect(wav.dataSize).toBeGreaterThan(0);
  });

  it('ignores media of another stream and messages that are not JSON, as the media session does', async () => {
    const clock = new ManualClock();
    const { recorder, file } = await recorderInTemp(clock);
    recorder.inbound('not json', 0);
    recorder.inbound(startMessage, 0);
    recorder.inbound(inboundMedia(1, frame(CALLER)).replace(STREAM, 'MZother'), 20);
    clock.advance(40);
    await recorder.finish(40);
    const wav = readWav(await readFile(file));
    expect(wav.samples.every((s) => s === 0)).toBe(true);
  });
});
