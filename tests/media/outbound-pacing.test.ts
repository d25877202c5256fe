import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { AudioSink, MarkId } from '../../src/media/audio-sink.js';
import { PhoneStream } from '../../testing/fakes/twilio-phone.js';
import { AUTH_TOKEN, type EdgeServer, recordingCallFactory, startEdgeServer, until } from '../support/edge-harness.js';

/** 1 s of agent audio in odd-sized chunks, a mark after each 200 ms; returns the marks. */
function enqueueReply(sink: AudioSink): MarkId[] {
  const marks: MarkId[] = [];
  for (let i = 0; i < 5; i++) {
    const chunk = Buffer.alloc(1600, 0x10 + i);
    sink.write(chunk.subarray(0, 999));
    sink.write(chunk.subarray(999));
    marks.push(sink.mark());
  }
  return marks;
}

describe('agent audio through a simulated Twilio stream', () => {
  let server: EdgeServer;
  let phone: PhoneStream;
  afterEach(async () => {
    phone?.hangUp();
    await server?.close();
  });

  async function connect(clock: ManualClock) {
    const calls = recordingCallFactory();
    server = await startEdgeServer({ clock, createCall: calls.factory });
    phone = new PhoneStream({
      localWsUrl: server.wsUrl,
      signedUrl: 'wss://voice.example.com/twilio/media',
      authToken: AUTH_TOKEN,
      clock,
      customParameters: { callId: 'call-1' },
    });
    await phone.connect();
    phone.start();
    await until(() => calls.calls.length === 1, 'call start');
    return calls.calls[0]!;
  }

  /** Advances the shared clock a frame at a time, letting socket traffic through between steps. */
  async function run(clock: ManualClock, ms: number, check?: () => void) {
    for (let t = 0; t < ms; t += 20) {
      clock.advance(20);
      await new Promise((r) => setTimeout(r, 1));
      check?.();
    }
  }

  it('sends whole 160-byte frames paced to real time, never more than ~200 ms ahead of playback', async () => {
    const clock = new ManualClock();
    const call = await connect(clock);
    enqueueReply(call.sink.audio);
    await until(() => phone.received.length === 10, 'initial lead');
    // At t=0 only the 200 ms lead went out, not the whole second.
    expect(phone.received).toHaveLength(10);
    await run(clock, 1200, () => {
      // Sent audio never runs more than the lead (plus one frame in flight) ahead of the clock.
      const sentMs = (phone.receivedBytes / 8000) * 1000;
      expect(sentMs - clock.now()).toBeLessThanOrEqual(220);
    });
    await until(() => phone.received.length === 50, 'all frames');
    expect(phone.received.every((f) => f.bytes.length === 160)).toBe(true);
    // Frames arrive spread over the second (real-time pace), not in one burst.
    const arrivals = phone.received.map((f) => f.atMs);
    expect(arrivals[49]! - arrivals[0]!).toBeGreaterThanOrEqual(780);
    expect(Buffer.concat(phone.received.map((f) => f.bytes))).toEqual(
      Buffer.concat([0, 1, 2, 3, 4].map((i) => Buffer.alloc(1600, 0x10 + i))),
    );
  });

  it('learns from echoed marks what the caller has heard', async () => {
    const clock = new ManualClock();
    const call = await connect(clock);
    const r1 = enqueueReply(call.sink.audio);
    await run(clock, 500);
    await until(() => call.marks.length >= 2, 'two marks echoed');
    expect(call.marks[0]).toBe(r1[0]);
    expect(call.marks[1]).toBe(r1[1]);
    expect(call.player.heardBytes).toBeGreaterThanOrEqual(3200);
    expect(call.player.heardBytes).toBeLessThan(8000);
    await run(clock, 700);
    await until(() => call.marks.length === 5, 'all marks');
    expect(call.player.heardBytes).toBe(8000);
  });

  it('clear empties our queue and Twilio buffer; no audio of the cleared reply follows', async () => {
    const clock = new ManualClock();
    const call = await connect(clock);
    const r1 = enqueueReply(call.sink.audio);
    await run(clock, 300);
    await until(() => call.marks.length >= 1, 'first mark');
    const heardAtClear = call.sink.audio.clear();
    // About 300 ms had played; the estimate is within a frame of it.
    expect(heardAtClear).toBeGreaterThanOrEqual(2240);
    expect(heardAtClear).toBeLessThanOrEqual(2560);
    await until(() => phone.clears.length === 1, 'clear reaches Twilio');
    const framesAtClear = phone.received.length;
    await run(clock, 1000);
    expect(phone.received.length).toBe(framesAtClear);
    // Twilio echoed the pending marks at once; they did not count as heard.
    await until(() => phone.marksEchoed.some((m) => m.cleared), 'flushed marks');
    expect(call.marks).toHaveLength(1);
    expect(call.marks[0]).toBe(r1[0]);
    expect(call.player.heardBytes).toBe(1600);
    // The next reply plays normally after a clear.
    const r2 = enqueueReply(call.sink.audio);
    await run(clock, 1100);
    await until(() => call.marks.includes(r2[4]!), 'second reply heard');
    expect(phone.received.length).toBe(framesAtClear + 50);
  });

  it('delivers caller audio, DTMF and stop to the call', async () => {
    const clock = new ManualClock();
    const call = await connect(clock);
    await run(clock, 200);
    await until(() => call.audioFrames >= 10, 'media frames');
    phone.pressDigit('7');
    await until(() => call.digits.length === 1, 'dtmf');
    expect(call.digits).toEqual(['7']);
    expect(call.sink.mediaNowMs()).toBeGreaterThanOrEqual(180);
    phone.hangUp();
    await until(() => call.ended !== undefined, 'stream end');
    expect(call.ended).toBe('stop');
  });

  it('closes the socket when the agent hangs up (Twilio then ends the call)', async () => {
    const clock = new ManualClock();
    const call = await connect(clock);
    call.sink.hangUp();
    await phone.whenClosed();
    expect(phone.closeCode).toBe(1000);
    expect(call.ended).toBe('agent-hung-up');
    await until(() => server.registry.size === 0, 'registry empty');
  });
});
