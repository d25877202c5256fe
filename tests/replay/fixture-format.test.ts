import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, isAppError } from '../../src/lib/errors.js';
import type { ChatMessage, ToolSpec } from '../../src/llm/reply-stream.js';
import { type FixtureLine, llmRequestHash } from '../../src/recording/fixture-format.js';
import { FixtureWriter } from '../../src/recording/fixture-writer.js';
import { callerFrames, readFixture } from '../../tools/replay/fixture-reader.js';
import { removeTempDirs, tempDir } from './replay-harness.js';

afterAll(removeTempDirs);

const messages: ChatMessage[] = [
  { role: 'system', content: 'Current stage: self_intro. Goal: learn who they are.' },
  { role: 'user', content: 'Hi, I am Sam.' },
];
const tools: ToolSpec[] = [{ name: 'complete_stage', description: 'Ends the stage.', parameters: { type: 'object' } }];

const meta: FixtureLine = {
  type: 'meta',
  atMs: 0,
  version: 1,
  synthetic: true,
  description: 'a small call for format tests',
  interviewId: 'default',
  created: '2026-01-01T00:00:00.000Z',
};

function frame(fill: number): Buffer {
  return Buffer.alloc(160, fill);
}

async function writeSample(dir: string): Promise<{ tts: Buffer }> {
  const writer = new FixtureWriter(dir);
  writer.writeLine(meta);
  for (const [i, fill] of [0x11, 0x22, 0x33].entries()) {
    const audio = writer.appendCallerAudio(frame(fill));
    writer.writeLine({
      type: 'twilio-in',
      atMs: i * 20,
      event: 'media',
      message: {
        event: 'media',
        streamSid: 'MZ1',
        media: { track: 'inbound', chunk: String(i + 1), timestamp: String(i * 20) },
      },
      audio,
    });
  }
  writer.writeLine({
    type: 'stt',
    atMs: 60,
    stream: 0,
    audioS: 0.06,
    event: { type: 'speech-started', atS: 0.02 },
  });
  writer.writeLine({ type: 'llm-request', atMs: 70, id: 0, hash: llmRequestHash(messages, tools), messages, tools });
  writer.writeLine({
    type: 'llm-reply',
    atMs: 400,
    id: 0,
    pieces: [
      { text: 'Nice to', afterMs: 200 },
      { text: ' meet you.', afterMs: 230 },
    ],
    toolCalls: [],
    finishReason: 'stop',
    aborted: false,
  });
  const tts = Buffer.alloc(800, 0x44);
  writer.writeLine({
    type: 'tts',
    atMs: 300,
    id: 0,
    text: 'Nice to meet you.',
    model: 'aura-2-thalia-en',
    audioFile: writer.writeTtsAudio(tts),
    bytes: tts.length,
    firstByteMs: 120,
    totalMs: 180,
    aborted: false,
  });
  writer.writeLine({
    type: 'outcome',
    atMs: 900,
    outcome: 'completed',
    stages: ['greeting', 'self_intro'],
    transcript: [{ role: 'candidate', text: 'Hi, I am Sam.', stage: 'self_intro', atMs: 20, interrupted: false }],
  });
  await writer.close();
  return { tts };
}

describe('fixture format round trip', () => {
  it('reads back every line, the caller audio by offset and the TTS audio', async () => {
    const dir = await tempDir();
    const { tts } = await writeSample(dir);
    const fixture = await readFixture(dir);

    expect(fixture.meta).toEqual(meta);
    expect(fixture.lines.map((l) => l.type)).toEqual([
      'meta',
      'twilio-in',
      'twilio-in',
      'twilio-in',
      'stt',
      'llm-request',
      'llm-reply',
      'tts',
      'outcome',
    ]);
    expect(callerFrames(fixture)).toEqual([
      { atMs: 0, bytes: frame(0x11) },
      { atMs: 20, bytes: frame(0x22) },
      { atMs: 40, bytes: frame(0x33) },
    ]);
    expect(fixture.llm).toHaveLength(1);
    expect(fixture.llm[0]?.request.messages).toEqual(messages);
    expect(fixture.llm[0]?.reply?.pieces.map((p) => p.text).join('')).toBe('Nice to meet you.');
    expect(fixture.tts[0]?.audio.equals(tts)).toBe(true);
    expect(fixture.tts[0]?.line.audioFile).toBe('tts/000.ulaw');
    expect(fixture.outcome?.stages).toEqual(['greeting', 'self_intro']);
    // One JSON object a line, newline-terminated.
    const text = await readFile(path.join(dir, 'call.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n')).toHaveLength(9);
  });

  it('hashes requests by content: tool-call ids and whitespace do not count, words do', () => {
    const call = { id: 'call_1', name: 'complete_stage', arguments: { stage: 'x' }, rawArguments: '{"stage":"x"}' };
    const a: ChatMessage[] = [...messages, { role: 'assistant', content: '', toolCalls: [call] }];
    const b: ChatMessage[] = [
      { role: 'system', content: 'Current stage:  self_intro.\nGoal: learn who they are.' },
      messages[1]!,
      { role: 'assistant', content: '', toolCalls: [{ ...call, id: 'call_zz' }] },
    ];
    expect(llmRequestHash(a, tools)).toBe(llmRequestHash(b, tools));
    expect(llmRequestHash(a, tools)).not.toBe(llmRequestHash([...a, { role: 'user', content: 'More.' }], tools));
    expect(llmRequestHash(a, tools)).not.toBe(llmRequestHash(a, []));
  });
});

describe('fixture validation', () => {
  /** Writes the sample, then rewrites call.jsonl through `edit`. */
  async function brokenFixture(edit: (lines: Record<string, unknown>[]) => unknown[]): Promise<string> {
    const dir = await tempDir();
    await writeSample(dir);
    const file = path.join(dir, 'call.jsonl');
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    await writeFile(
      file,
      `${edit(lines)
        .map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
        .join('\n')}\n`,
    );
    return dir;
  }

  async function readError(dir: string): Promise<string> {
    try {
      await readFixture(dir);
    } catch (err) {
      expect(isAppError(err, ErrorCodes.FIXTURE_INVALID)).toBe(true);
      return (err as Error).message;
    }
    throw new Error('the fixture was accepted');
  }

  it.each([
    [
      'a line that is not JSON',
      (l: Record<string, unknown>[]) => [l[0], '{"type":"stt",', ...l.slice(1)],
      /line 2: not valid JSON/,
    ],
    ['no meta first', (l: Record<string, unknown>[]) => l.slice(1), /the first line must be meta/],
    [
      'an unknown version',
      (l: Record<string, unknown>[]) => [{ ...l[0], version: 2 }, ...l.slice(1)],
      /line 1: version 2 is not supported/,
    ],
    [
      'an stt line without audioS',
      (l: Record<string, unknown>[]) => l.map((x) => (x.type === 'stt' ? { ...x, audioS: undefined } : x)),
      /line 5: stt line: audioS:/,
    ],
    [
      'an unknown line type',
      (l: Record<string, unknown>[]) => [...l, { type: 'twilio-out', atMs: 5 }],
      /line 10: twilio-out line: type:/,
    ],
    [
      'a negative time',
      (l: Record<string, unknown>[]) => l.map((x) => (x.type === 'outcome' ? { ...x, atMs: -1 } : x)),
      /line 9: outcome line: atMs:/,
    ],
    [
      'media audio past the end of caller.ulaw',
      (l: Record<string, unknown>[]) => l.map((x, i) => (i === 3 ? { ...x, audio: { offset: 400, bytes: 160 } } : x)),
      /line 4: audio 400\+160 runs past caller\.ulaw \(480 bytes\)/,
    ],
    [
      'a media line without audio',
      (l: Record<string, unknown>[]) => l.map((x, i) => (i === 1 ? { ...x, audio: undefined } : x)),
      /line 2: media line without audio/,
    ],
    [
      'a reply without its request',
      (l: Record<string, unknown>[]) => l.map((x) => (x.type === 'llm-reply' ? { ...x, id: 7 } : x)),
      /line 7: llm-reply 7 has no llm-request before it/,
    ],
    [
      'request messages edited without their hash',
      (l: Record<string, unknown>[]) =>
        l.map((x) =>
          x.type === 'llm-request'
            ? { ...x, messages: [...(x.messages as unknown[]), { role: 'user', content: 'x' }] }
            : x,
        ),
      /line 6: llm-request 0: hash [0-9a-f]+ does not match its messages/,
    ],
    [
      'a TTS line whose file has another size',
      (l: Record<string, unknown>[]) => l.map((x) => (x.type === 'tts' ? { ...x, bytes: 801 } : x)),
      /line 8: tts 0: tts\/000\.ulaw has 800 bytes, the line says 801/,
    ],
  ])('refuses %s, naming the file and line', async (_name, edit, message) => {
    const dir = await brokenFixture(edit);
    const error = await readError(dir);
    expect(error).toMatch(message);
    expect(error).toContain(`${path.basename(dir)}/call.jsonl`);
  });

  it('refuses a folder without caller.ulaw or a missing TTS file', async () => {
    const noCaller = await tempDir();
    await mkdir(noCaller, { recursive: true });
    await writeFile(path.join(noCaller, 'call.jsonl'), `${JSON.stringify(meta)}\n`);
    expect(await readError(noCaller)).toMatch(/caller\.ulaw: cannot be read/);

    const noTts = await brokenFixture((l) =>
      l.map((x) => (x.type === 'tts' ? { ...x, audioFile: 'tts/009.ulaw' } : x)),
    );
    expect(await readError(noTts)).toMatch(/tts\/009\.ulaw: cannot be read/);
  });
});
