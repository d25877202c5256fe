import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { ErrorCodes, isAppError } from '../../src/lib/errors.js';
import { OpenAiLlm } from '../../src/llm/openai-llm.js';
import type { ChatMessage, LlmProvider, ReplyDelta, ToolSpec } from '../../src/llm/reply-stream.js';
import { recordingLlmProvider } from '../../src/recording/recording-providers.js';
import { type OpenAiFake, startOpenAiFake } from '../../testing/fakes/openai-fake.js';
import { formatDivergenceReport } from '../../tools/replay/divergence.js';
import { type Fixture, readFixture } from '../../tools/replay/fixture-reader.js';
import { createProviderReplay } from '../../tools/replay/provider-replay.js';
import { removeTempDirs, startedRecorder, tempDir } from './replay-harness.js';

const fakes: OpenAiFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
afterAll(removeTempDirs);

const tools: ToolSpec[] = [
  { name: 'complete_stage', description: 'End the stage.', parameters: { type: 'object', properties: {} } },
];
const system = (stage: string, now: string): ChatMessage => ({
  role: 'system',
  content: `You are an AI interviewer.\n\nCurrent stage: ${stage}. Goal: x\n\nNow: ${now}`,
});
const greeting: ChatMessage[] = [system('greeting', 'Greet the candidate.')];
const intro: ChatMessage[] = [
  system('self_intro', 'Ask who they are.'),
  { role: 'user', content: "I'm Sam, a backend engineer." },
];
const past = (heard: string): ChatMessage[] => [
  system('past_experience', 'Ask about a project.'),
  { role: 'user', content: "I'm Sam, a backend engineer." },
  { role: 'assistant', content: heard },
  { role: 'user', content: 'I led the payments team.' },
];

const replies: Record<string, { text: string; toolCalls?: { name: string; arguments: Record<string, unknown> }[] }> = {
  greeting: { text: 'Hello, thanks for taking the call.' },
  self_intro: {
    text: 'Nice to meet you, Sam.',
    toolCalls: [{ name: 'complete_stage', arguments: { stage: 'self_intro' } }],
  },
  past_experience: { text: 'Tell me more about the payments work.' },
};

async function collect(llm: LlmProvider, messages: ChatMessage[]): Promise<ReplyDelta[]> {
  const out: ReplyDelta[] = [];
  for await (const delta of llm.streamReply({ messages, tools })) out.push(delta);
  return out;
}

const llmFor = (fake: OpenAiFake) =>
  new OpenAiLlm({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'small', retryDelayMs: 1 });

let fixture: Fixture;
let recorded: Map<string, ReplyDelta[]>;

beforeAll(async () => {
  const dir = await tempDir();
  const recorder = startedRecorder(dir, systemClock);
  const live = await startOpenAiFake({
    tokenIntervalMs: 2,
    respond: (request) => {
      const stage = /Current stage: (\w+)/.exec(JSON.stringify(request.body.messages))?.[1] ?? '';
      return replies[stage] ?? { status: 500 };
    },
  });
  const llm = recordingLlmProvider(llmFor(live), recorder);
  recorded = new Map();
  recorded.set('greeting', await collect(llm, greeting));
  recorded.set('self_intro', await collect(llm, intro));
  recorded.set('past_experience', await collect(llm, past('Nice to meet you, Sam.')));
  await live.close();
  await recorder.close();
  fixture = await readFixture(dir);
});

async function replaying() {
  let now = 0;
  const replay = createProviderReplay(fixture, { mediaNowMs: () => now });
  const fake = await startOpenAiFake({ respond: replay.openAiRespond });
  fakes.push(fake);
  return { replay, llm: llmFor(fake), at: (ms: number) => (now = ms) };
}

it('answers each request with its recorded reply, matched by content when the order differs', async () => {
  const { replay, llm } = await replaying();
  // Asked in another order than recorded.
  const answers = [
    ['past_experience', await collect(llm, past('Nice to meet you, Sam.'))],
    ['greeting', await collect(llm, greeting)],
    ['self_intro', await collect(llm, intro)],
  ] as const;
  for (const [stage, deltas] of answers) {
    // Same pieces (not re-split), same tool call (same id), same finish.
    expect(deltas).toEqual(recorded.get(stage));
  }
  expect(replay.divergences.count).toBe(0);
});

it('matches a request whose assistant line differs (cut by a barge-in) by its stage and user turns', async () => {
  const { replay, llm } = await replaying();
  const deltas = await collect(llm, past('Nice to'));
  expect(deltas).toEqual(recorded.get('past_experience'));
  expect(replay.divergences.count).toBe(0);
});

it('reports a request the recording cannot answer, with the closest recorded one, and answers it with an error', async () => {
  const { replay, llm, at } = await replaying();
  at(61_500);
  const asked = [...past('Nice to meet you, Sam.').slice(0, 3), { role: 'user' as const, content: 'I like turtles.' }];
  const error = await collect(llm, asked).catch((err: unknown) => err);
  expect(isAppError(error, ErrorCodes.LLM_REQUEST_FAILED)).toBe(true);
  expect(replay.divergences.list).toHaveLength(1);
  const [divergence] = replay.divergences.list;
  expect(divergence).toMatchObject({ kind: 'llm', atMs: 61_500 });
  expect(divergence?.asked).toContain('stage past_experience');
  expect(divergence?.asked).toContain('"i like turtles"');
  expect(divergence?.recorded).toMatch(/^#2 at .*stage past_experience.*"i led the payments team"/);
  // The call goes on: the next request is answered normally.
  expect(await collect(llm, greeting)).toEqual(recorded.get('greeting'));
  const report = formatDivergenceReport(replay.divergences.list);
  expect(report).toMatch(/^1 divergence:\n\s+61\.50s {2}LLM divergence\n/);
});
