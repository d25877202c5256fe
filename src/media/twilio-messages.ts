/**
 * Twilio Media Streams codec: pure parsing of inbound messages into a typed union, and
 * builders for what we send (media, mark, clear). No side effects here.
 * Wire format: https://www.twilio.com/docs/voice/media-streams/websocket-messages
 * (numbers such as sequenceNumber/chunk/timestamp arrive as strings).
 */
export interface StartInfo {
  streamSid: string;
  callSid: string;
  accountSid: string;
  tracks: string[];
  customParameters: Record<string, string>;
  mediaFormat: { encoding: string; sampleRate: number; channels: number };
}

export type TwilioInbound =
  | { event: 'connected'; protocol: string; version: string }
  | { event: 'start'; sequenceNumber: number; streamSid: string; start: StartInfo }
  | {
      event: 'media';
      sequenceNumber: number;
      streamSid: string;
      track: string;
      chunk: number;
      /** Milliseconds since the stream started: the media clock. */
      timestampMs: number;
      payload: Buffer;
    }
  | { event: 'dtmf'; sequenceNumber: number; streamSid: string; digit: string }
  | { event: 'mark'; sequenceNumber: number; streamSid: string; name: string }
  | { event: 'stop'; sequenceNumber: number; streamSid: string; callSid: string };

export type ParseResult = { ok: true; message: TwilioInbound } | { ok: false; reason: string };

type Json = Record<string, unknown>;

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Twilio sends numbers as strings; accept either, reject anything else. */
function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseTwilioMessage(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('malformed JSON');
  }
  const msg = obj(raw);
  if (!msg) return fail('not a JSON object');
  const event = str(msg.event);
  if (event === 'connected') {
    return { ok: true, message: { event, protocol: str(msg.protocol) ?? '', version: str(msg.version) ?? '' } };
  }
  const streamSid = str(msg.streamSid);
  const sequenceNumber = num(msg.sequenceNumber) ?? 0;
  if (!event) return fail('no event field');
  if (!streamSid) return fail(`${event} without streamSid`);
  switch (event) {
    case 'start': {
      const start = obj(msg.start);
      const callSid = str(start?.callSid);
      if (!start || !callSid) return fail('start without start.callSid');
      const format = obj(start.mediaFormat);
      const params = obj(start.customParameters) ?? {};
      return {
        ok: true,
        message: {
          event,
          sequenceNumber,
          streamSid,
          start: {
            streamSid,
            callSid,
            accountSid: str(start.accountSid) ?? '',
            tracks: Array.isArray(start.tracks) ? start.tracks.filter((t): t is string => typeof t === 'string') : [],
            customParameters: Object.fromEntries(
              Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'),
            ),
            mediaFormat: {
              encoding: str(format?.encoding) ?? 'audio/x-mulaw',
              sampleRate: num(format?.sampleRate) ?? 8000,
              channels: num(format?.channels) ?? 1,
            },
          },
        },
      };
    }
    case 'media': {
      const media = obj(msg.media);
      const payload = str(media?.payload);
      if (!media || payload === undefined || !BASE64.test(payload)) return fail('media without a base64 payload');
      return {
        ok: true,
        message: {
          event,
          sequenceNumber,
          streamSid,
          track: str(media.track) ?? 'inbound',
          chunk: num(media.chunk) ?? 0,
          timestampMs: num(media.timestamp) ?? 0,
          payload: Buffer.from(payload, 'base64'),
        },
      };
    }
    case 'dtmf': {
      const digit = str(obj(msg.dtmf)?.digit);
      if (!digit) return fail('dtmf without digit');
      return { ok: true, message: { event, sequenceNumber, streamSid, digit } };
    }
    case 'mark': {
      const name = str(obj(msg.mark)?.name);
      if (!name) return fail('mark without name');
      return { ok: true, message: { event, sequenceNumber, streamSid, name } };
    }
    case 'stop':
      return { ok: true, message: { event, sequenceNumber, streamSid, callSid: str(obj(msg.stop)?.callSid) ?? '' } };
    default:
      return fail(`unknown event "${event.slice(0, 32)}"`);
  }
}

export function buildMediaMessage(streamSid: string, mulaw: Buffer): string {
  return JSON.stringify({ event: 'media', streamSid, media: { payload: mulaw.toString('base64') } });
}

/**
 * The `media` builder for one stream: the same text as buildMediaMessage, with everything but
 * the payload serialised once. Fifty messages a second a call; base64 needs no JSON escaping.
 */
export function mediaMessageBuilder(streamSid: string): (mulaw: Buffer) => string {
  const head = `{"event":"media","streamSid":${JSON.stringify(streamSid)},"media":{"payload":"`;
  return (mulaw) => `${head}${mulaw.toString('base64')}"}}`;
}

export function buildMarkMessage(streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', streamSid, mark: { name } });
}

export function buildClearMessage(streamSid: string): string {
  return JSON.stringify({ event: 'clear', streamSid });
}
