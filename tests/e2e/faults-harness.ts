/**
 * What the caller hears after a fault, measured at call level: from the caller's last word to the
 * first agent audio after it, and which lines that audio is (the fake TTS's audio is exact per
 * text, so a heard stretch is matched against the lines it may be).
 */

import { ClauseChunker } from '../../src/llm/clause-chunker.js';
import type { SimCall } from '../../testing/call-simulator.js';
import { expectedTtsAudio } from '../../testing/fakes/deepgram-fake.js';
import type { FakeReply, FakeRequest } from '../../testing/fakes/openai-fake.js';

export const ANSWER = 'Yes, this is Sam, and now is a good time.';
/** The scripted interviewer's answer to ANSWER: an acknowledgement (with complete_stage), then the next stage's question. */
export const ACK = 'Thank you, that is helpful.';
export const QUESTION = 'Could you briefly introduce yourself and tell me about your current or most recent role?';
/** The chunks the question's reply is spoken in. */
export const QUESTION_REPLY = ['Thank you.', QUESTION];
export const GOODBYE_ERROR =
  "I'm sorry, we've run into a technical problem, so I'll end the call here. The hiring team will be in touch. Goodbye!";
export const HOLD_1 = 'One moment, please.';
export const HOLD_2 = 'Sorry, just a moment.';
/** Every line a faulted turn may make the caller hear, in the order a call may use them. */
export const FAULT_LINES = [
  HOLD_1,
  HOLD_2,
  'Thank you for bearing with me, one more moment.',
  ACK,
  ...QUESTION_REPLY,
  GOODBYE_ERROR,
];

/** A line's exact fake-TTS audio from its first voiced sample on. */
export function voiced(text: string): Buffer {
  const audio = expectedTtsAudio(text);
  return audio.subarray(audio.findIndex((b) => b !== 0xff));
}

/** The caller says `text`; returns where the last word ends on the clock (the shared ManualClock). */
export function answer(call: SimCall, text: string): number {
  const { endMs } = call.say(text);
  return call.clock.now() + (endMs - call.phone.mediaNowMs());
}

/** Clock ms of the first agent audio heard at or after `fromMs`. */
export function firstHeardAfter(call: SimCall, fromMs: number): number | undefined {
  return call.phone.heard.find((f) => f.atMs >= fromMs && f.bytes.some((b) => b !== 0xff))?.atMs;
}

/** The audio heard from `fromMs` on, as one buffer. */
export function heardSince(call: SimCall, fromMs: number): Buffer {
  return Buffer.concat(call.phone.heard.filter((f) => f.atMs >= fromMs).map((f) => f.bytes));
}

/**
 * The lines, in order, whose exact audio the caller heard from `fromMs` on, among `candidates`
 * (silence between them skipped). A line counts heard whether it was synthesised whole (a
 * pre-rendered or fixed line) or chunk by chunk as a reply (`ClauseChunker`).
 */
export function linesHeardSince(call: SimCall, fromMs: number, candidates: readonly string[]): string[] {
  const audio = heardSince(call, fromMs);
  const found: string[] = [];
  let at = 0;
  while (at < audio.length) {
    if (audio[at] === 0xff) {
      at++;
      continue;
    }
    let end: number | undefined;
    const line = candidates.find((c) => {
      end = matchAt(audio, at, [c]) ?? matchAt(audio, at, spokenChunks(c));
      return end !== undefined;
    });
    if (!line || end === undefined) {
      found.push('?');
      break;
    }
    found.push(line);
    at = end;
  }
  return found;
}

/** The chunks a reply of `line` is spoken in. */
function spokenChunks(line: string): string[] {
  const chunker = new ClauseChunker();
  return [...chunker.push(line), ...chunker.flush()];
}

/**
 * Where the audio of `texts`, one after another with silence allowed between them, ends when it
 * starts at the voiced sample `at`; undefined when it is not there.
 */
function matchAt(audio: Buffer, at: number, texts: readonly string[]): number | undefined {
  let cursor = at;
  for (const [i, text] of texts.entries()) {
    if (i > 0) while (cursor < audio.length && audio[cursor] === 0xff) cursor++;
    const expected = expectedTtsAudio(text);
    // The tone starts at the line's first voiced sample; compare from there.
    const lead = expected.findIndex((b) => b !== 0xff);
    if (!audio.subarray(cursor - lead, cursor - lead + expected.length).equals(expected)) return undefined;
    cursor += expected.length - lead;
  }
  return cursor;
}

/** Answers the requests replying to `lastUser` with `fault` the first `times` times, else as `respond`. */
export function faultReplies(
  respond: (request: FakeRequest, index: number) => FakeReply,
  lastUser: string,
  fault: FakeReply,
  times: number,
): (request: FakeRequest, index: number) => FakeReply {
  let faulted = 0;
  return (request, index) => {
    const messages = request.body.messages as { role: string; content?: unknown }[];
    const last = [...messages].reverse().find((m) => m.role === 'user');
    if (last?.content === lastUser && faulted < times) {
      faulted++;
      return fault;
    }
    return respond(request, index);
  };
}

/** Runs the call until `line` has been heard after `fromMs` (or `maxMs` passes, or the call ends). */
export async function untilHeard(
  call: SimCall,
  fromMs: number,
  line: string,
  candidates: readonly string[],
  maxMs = 30_000,
) {
  const deadline = call.clock.now() + maxMs;
  while (call.clock.now() < deadline && call.phone.closeCode === undefined) {
    if (linesHeardSince(call, fromMs, candidates).includes(line)) return;
    await call.run(200);
  }
}
