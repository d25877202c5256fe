import { describe, expect, it } from 'vitest';
import {
  buildClearMessage,
  buildMarkMessage,
  buildMediaMessage,
  mediaMessageBuilder,
  parseTwilioMessage,
} from '../../src/media/twilio-messages.js';
import { SeededRandom } from '../../testing/seeded-random.js';

const sid = 'MZ18ad3ab5a668481ce02b83e7395059f0';

describe('Twilio Media Streams codec', () => {
  it('parses start with custom parameters and string-typed numbers', () => {
    const result = parseTwilioMessage(
      JSON.stringify({
        event: 'start',
        sequenceNumber: '1',
        streamSid: sid,
        start: {
          accountSid: 'AC1',
          streamSid: sid,
          callSid: 'CA1',
          tracks: ['inbound'],
          customParameters: { callId: 'c-1', ignored: 3 },
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      }),
    );
    expect(result).toEqual({
      ok: true,
      message: {
        event: 'start',
        sequenceNumber: 1,
        streamSid: sid,
        start: {
          accountSid: 'AC1',
          streamSid: sid,
          callSid: 'CA1',
          tracks: ['inbound'],
          customParameters: { callId: 'c-1' },
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      },
    });
  });

  it('decodes media payloads and the media timestamp', () => {
    const payload = Buffer.alloc(160, 0x7f);
    const result = parseTwilioMessage(
      JSON.stringify({
        event: 'media',
        sequenceNumber: '3',
        streamSid: sid,
        media: { track: 'inbound', chunk: '2', timestamp: '40', payload: payload.toString('base64') },
      }),
    );
    expect(result.ok && result.message.event === 'media' && result.message).toMatchObject({
      chunk: 2,
      timestampMs: 40,
      payload,
    });
  });

  it.each([
    ['{"event":"dtmf","streamSid":"MZ","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"1"}}', 'dtmf'],
    ['{"event":"mark","streamSid":"MZ","sequenceNumber":"4","mark":{"name":"r-1"}}', 'mark'],
    ['{"event":"stop","streamSid":"MZ","sequenceNumber":"9","stop":{"accountSid":"AC","callSid":"CA"}}', 'stop'],
    ['{"event":"connected","protocol":"Call","version":"1.0.0"}', 'connected'],
  ])('parses %s', (text, event) => {
    const result = parseTwilioMessage(text);
    expect(result.ok && result.message.event).toBe(event);
  });

  it.each([
    ['{', 'malformed JSON'],
    ['42', 'not a JSON object'],
    ['{"event":"media","streamSid":"MZ","media":{}}', 'media without a base64 payload'],
    ['{"event":"mark","streamSid":"MZ","mark":{}}', 'mark without name'],
    ['{"event":"start","streamSid":"MZ","start":{}}', 'start without start.callSid'],
    ['{"event":"warp","streamSid":"MZ"}', 'unknown event "warp"'],
    ['{"event":"media","media":{"payload":""}}', 'media without streamSid'],
  ])('rejects %s', (text, reason) => {
    expect(parseTwilioMessage(text)).toEqual({ ok: false, reason });
  });

  it('builds the outbound messages Twilio expects', () => {
    expect(JSON.parse(buildMediaMessage(sid, Buffer.from([0xff, 0x7f])))).toEqual({
      event: 'media',
      streamSid: sid,
      media: { payload: '/38=' },
    });
    expect(JSON.parse(buildMarkMessage(sid, 'r-2'))).toEqual({ event: 'mark', streamSid: sid, mark: { name: 'r-2' } });
    expect(JSON.parse(buildClearMessage(sid))).toEqual({ event: 'clear', streamSid: sid });
  });
});

describe('the per-stream media builder', () => {
  it('writes exactly what buildMediaMessage writes, for any stream id and payload', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = new SeededRandom(seed);
      const streamSid = Array.from({ length: random.int(0, 40) }, () =>
        String.fromCharCode(random.pick([random.int(32, 126), 34, 92, 0x2028, 0x1f, 0xe9])),
      ).join('');
      const payload = Buffer.from(Array.from({ length: random.int(0, 400) }, () => random.int(0, 255)));
      const text = mediaMessageBuilder(streamSid)(payload);
      expect(text, `seed ${seed}`).toBe(buildMediaMessage(streamSid, payload));
      expect(JSON.parse(text), `seed ${seed}`).toEqual({
        event: 'media',
        streamSid,
        media: { payload: payload.toString('base64') },
      });
    }
  });
});
