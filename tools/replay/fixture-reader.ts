/**
 * Reads and validates a fixture folder (fixture-format.ts). Every problem is an AppError
 * FIXTURE_INVALID naming the file and line, so a broken fixture says what to fix.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChatMessage } from '../../src/llm/reply-stream.js';
import {
  CALL_FILE,
  CALLER_AUDIO_FILE,
  FIXTURE_VERSION,
  type FixtureLine,
  fixtureError,
  type LlmReplyLine,
  type LlmRequestLine,
  llmRequestHash,
  type MetaLine,
  type OutcomeLine,
  parseFixtureLine,
  type SttLine,
  type TtsLine,
  type TwilioInLine,
} from '../../src/recording/fixture-format.js';

export interface LlmExchange {
  request: LlmRequestLine;
  /** Absent when the call ended before the reply did. */
  reply: LlmReplyLine | undefined;
}

export interface TtsRecording {
  line: TtsLine;
  audio: Buffer;
}

/** A media frame of one side of the call, in media time. */
export interface TimedAudio {
  atMs: number;
  bytes: Buffer;
}

export interface Fixture {
  dir: string;
  meta: MetaLine;
  /** Every line in file order (meta first). */
  lines: FixtureLine[];
  twilio: TwilioInLine[];
  stt: SttLine[];
  llm: LlmExchange[];
  tts: TtsRecording[];
  outcome: OutcomeLine | undefined;
  /** caller.ulaw as stored. */
  callerAudio: Buffer;
}

export async function readFixture(dir: string): Promise<Fixture> {
  const name = path.basename(dir);
  const text = await readRequired(path.join(dir, CALL_FILE), `${name}/${CALL_FILE}`);
  const callerAudio = await readRequired(path.join(dir, CALLER_AUDIO_FILE), `${name}/${CALLER_AUDIO_FILE}`);
  const lines = text
    .toString('utf8')
    .split('\n')
    .map((raw, i) => ({ raw, where: `${name}/${CALL_FILE} line ${i + 1}` }))
    .filter((l) => l.raw.trim() !== '')
    .map((l) => ({ line: parseFixtureLine(l.raw, l.where), where: l.where }));

  const first = lines[0];
  if (first?.line.type !== 'meta') throw fixtureError(`${name}/${CALL_FILE}`, 'the first line must be meta');
  const meta = first.line;
  if (meta.version !== FIXTURE_VERSION) {
    throw fixtureError(first.where, `version ${meta.version} is not supported (this reader reads ${FIXTURE_VERSION})`);
  }

  const fixture: Fixture = {
    dir,
    meta,
    lines: lines.map((l) => l.line),
    twilio: [],
    stt: [],
    llm: [],
    tts: [],
    outcome: undefined,
    callerAudio,
  };
  const requests = new Map<number, LlmExchange>();
  for (const { line, where } of lines.slice(1)) {
    switch (line.type) {
      case 'meta':
        throw fixtureError(where, 'a second meta line');
      case 'twilio-in':
        checkTwilioLine(line, callerAudio.length, where);
        fixture.twilio.push(line);
        break;
      case 'stt':
        fixture.stt.push(line);
        break;
      case 'llm-request': {
        if (requests.has(line.id)) throw fixtureError(where, `llm-request id ${line.id} appears twice`);
        const hash = llmRequestHash(line.messages as ChatMessage[], line.tools);
        if (hash !== line.hash)
          throw fixtureError(where, `llm-request ${line.id}: hash ${line.hash} does not match its messages (${hash})`);
        const exchange: LlmExchange = { request: line, reply: undefined };
        requests.set(line.id, exchange);
        fixture.llm.push(exchange);
        break;
      }
      case 'llm-reply': {
        const exchange = requests.get(line.id);
        if (!exchange) throw fixtureError(where, `llm-reply ${line.id} has no llm-request before it`);
        if (exchange.reply) throw fixtureError(where, `llm-reply ${line.id} appears twice`);
        exchange.reply = line;
        break;
      }
      case 'tts': {
        const audio = await readRequired(path.join(dir, line.audioFile), `${name}/${line.audioFile}`);
        if (audio.length !== line.bytes) {
          throw fixtureError(
            where,
            `tts ${line.id}: ${line.audioFile} has ${audio.length} bytes, the line says ${line.bytes}`,
          );
        }
        fixture.tts.push({ line, audio });
        break;
      }
      case 'outcome':
        if (fixture.outcome) throw fixtureError(where, 'a second outcome line');
        fixture.outcome = line;
        break;
    }
  }
  return fixture;
}

function checkTwilioLine(line: TwilioInLine, audioBytes: number, where: string): void {
  if (line.event !== line.message.event) throw fixtureError(where, `event "${line.event}" differs from message.event`);
  if (line.event !== 'media') return;
  if (!line.audio) throw fixtureError(where, 'media line without audio {offset, bytes}');
  if (line.audio.offset + line.audio.bytes > audioBytes) {
    throw fixtureError(
      where,
      `audio ${line.audio.offset}+${line.audio.bytes} runs past caller.ulaw (${audioBytes} bytes)`,
    );
  }
}

async function readRequired(file: string, shown: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw fixtureError(shown, 'cannot be read', err);
  }
}

/** The payload of one recorded media line. */
export function mediaPayload(fixture: Fixture, line: TwilioInLine): Buffer {
  if (!line.audio) return Buffer.alloc(0);
  return fixture.callerAudio.subarray(line.audio.offset, line.audio.offset + line.audio.bytes);
}

/** The caller's frames in media time (each media line at its Twilio timestamp). */
export function callerFrames(fixture: Fixture): TimedAudio[] {
  return fixture.twilio
    .filter((l) => l.event === 'media')
    .map((l) => ({ atMs: l.atMs, bytes: mediaPayload(fixture, l) }));
}
