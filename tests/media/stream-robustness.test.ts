import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { PhoneStream } from '../../testing/fakes/twilio-phone.js';
import { AUTH_TOKEN, type EdgeServer, recordingCallFactory, startEdgeServer, until } from '../support/edge-harness.js';

describe('bad media messages', () => {
  let server: EdgeServer;
  afterEach(() => server?.close());

  function newPhone(clock: ManualClock, signature?: string | null, signedUrl = 'wss://voice.example.com/twilio/media') {
    return new PhoneStream({
      localWsUrl: server.wsUrl,
      signedUrl,
      authToken: AUTH_TOKEN,
      clock,
      ...(signature === undefined ? {} : { signature }),
    });
  }

  it('drops garbage, binary and out-of-order messages; the call goes on and a new call is taken', async () => {
    const clock = new ManualClock();
    const calls = recordingCallFactory();
    server = await startEdgeServer({ clock, createCall: calls.factory });
    const phone = newPhone(clock);
    await phone.connect();
    // Before start: media, mark and dtmf have nowhere to go.
    phone.sendRaw(JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { payload: '//8=' } }));
    phone.sendRaw(JSON.stringify({ event: 'mark', streamSid: 'MZ1', mark: { name: 'x' } }));
    phone.start();
    await until(() => calls.calls.length === 1, 'start');
    for (const junk of ['not json', '[]', '{"event":"explode","streamSid":"MZ1"}', '{"event":"media"}', 'null']) {
      phone.sendRaw(junk);
    }
    phone.sendRaw(Buffer.from([1, 2, 3]));
    phone.sendRaw(JSON.stringify({ event: 'media', streamSid: 'MZ-other', media: { payload: '//8=' } }));
    phone.sendRaw(JSON.stringify({ event: 'media', streamSid: 'x', media: { payload: '***' } }));
    clock.advance(100);
    await until(() => calls.calls[0]!.audioFrames >= 5, 'media still flowing');
    const dropped = await server.metrics.registry.getSingleMetricAsString('media_messages_dropped_total');
    expect(dropped).toContain('reason="media before start"');
    expect(dropped).toContain('reason="binary frame"');
    expect(dropped).toContain('reason="malformed JSON"');
    // Logged once per kind, not once per message.
    const warnings = server.logs.lines.filter((l) => l.msg === 'media message dropped');
    expect(new Set(warnings.map((w) => w.reason)).size).toBe(warnings.length);
    expect(calls.calls[0]!.ended).toBeUndefined();

    const second = newPhone(clock);
    await second.connect();
    second.start();
    await until(() => calls.calls.length === 2, 'second call starts');
    phone.hangUp();
    second.hangUp();
  });

  it('a stop, mark or dtmf naming another stream (or none) ends and changes nothing; its own stop ends the call', async () => {
    const clock = new ManualClock();
    const calls = recordingCallFactory();
    server = await startEdgeServer({ clock, createCall: calls.factory });
    const phone = newPhone(clock);
    await phone.connect();
    phone.start();
    await until(() => calls.calls.length === 1, 'start');
    for (const streamSid of ['MZ-other', '', 'x'.repeat(2000)]) {
      phone.sendRaw(JSON.stringify({ event: 'stop', streamSid, stop: { callSid: 'CA1' } }));
      phone.sendRaw(JSON.stringify({ event: 'mark', streamSid, mark: { name: 'm1' } }));
      phone.sendRaw(JSON.stringify({ event: 'dtmf', streamSid, dtmf: { digit: '1' } }));
    }
    phone.sendRaw(JSON.stringify({ event: 'stop', stop: {} }));
    clock.advance(100);
    await until(() => calls.calls[0]!.audioFrames >= 5, 'media still flowing');
    expect(calls.calls[0]!.ended, 'a stop for another stream ended the call').toBeUndefined();
    expect(phone.closeCode).toBeUndefined();
    const dropped = await server.metrics.registry.getSingleMetricAsString('media_messages_dropped_total');
    expect(dropped).toContain('reason="stop for another stream"');
    expect(dropped).toContain('reason="mark for another stream"');
    expect(dropped).toContain('reason="dtmf for another stream"');

    phone.sendRaw(JSON.stringify({ event: 'stop', streamSid: phone.streamSid, stop: { callSid: 'CA1' } }));
    await until(() => calls.calls[0]!.ended !== undefined, 'its own stop ends the call');
  });

  it('closes only the offending socket with 1009 on an oversized message', async () => {
    const clock = new ManualClock();
    const calls = recordingCallFactory();
    server = await startEdgeServer({ clock, createCall: calls.factory });
    const bystander = newPhone(clock);
    await bystander.connect();
    bystander.start();
    const offender = newPhone(clock);
    await offender.connect();
    offender.start();
    await until(() => calls.calls.length === 2, 'both calls');
    offender.sendRaw('x'.repeat(70 * 1024));
    await offender.whenClosed();
    expect(offender.closeCode).toBe(1009);
    clock.advance(100);
    await until(() => calls.calls[0]!.audioFrames >= 5, 'bystander keeps going');
    expect(calls.calls[0]!.ended).toBeUndefined();
    bystander.hangUp();
  });

  it.each([
    ['unsigned', null, undefined],
    ['badly signed', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', undefined],
    ['signed for another URL', undefined, 'wss://evil.example.com/twilio/media'],
  ])('refuses an %s upgrade with 403', async (_label, signature, signedUrl) => {
    server = await startEdgeServer({ clock: new ManualClock(), createCall: recordingCallFactory().factory });
    const phone = newPhone(new ManualClock(), signature, signedUrl);
    await expect(phone.connect()).rejects.toThrow('upgrade refused: 403');
  });

  it('accepts the https:// twin of the stream URL, and refuses upgrades on other paths', async () => {
    const clock = new ManualClock();
    server = await startEdgeServer({ clock, createCall: recordingCallFactory().factory });
    const twin = newPhone(clock, undefined, 'https://voice.example.com/twilio/media');
    await twin.connect();
    twin.hangUp();
    const elsewhere = new PhoneStream({
      localWsUrl: server.wsUrl.replace('/twilio/media', '/other'),
      signedUrl: 'wss://voice.example.com/other',
      authToken: AUTH_TOKEN,
      clock,
    });
    await expect(elsewhere.connect()).rejects.toThrow('upgrade refused: 404');
  });
});
