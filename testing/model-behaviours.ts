/**
 * Seeded model behaviours for the chat fake: the ways real OpenAI-compatible models have been
 * seen to use (or misuse) the `complete_stage` tool and the spoken reply. Each reads the stage and
 * the directive from the system prompt, as the scripted interviewer does, and decides from a
 * random source seeded by the conversation itself, so a call's model choices depend only on that
 * call (a failing run replays alone with the same seed).
 */
import { STAGE_NAMES } from '../src/interview/definition.js';
import type { FakeReply, FakeRequest, FakeToolCall } from './fakes/openai-fake.js';
import { scriptedInterviewer } from './scripted-interviewer.js';
import { SeededRandom } from './seeded-random.js';

export const MODEL_BEHAVIOURS = [
  'proposes_current',
  'proposes_next',
  'tool_with_text',
  'tool_every_turn',
  'tool_never',
  'malformed_arguments',
  'several_tool_calls',
  'empty_replies',
  'goodbye_early',
  'rambling',
] as const;
export type ModelBehaviour = (typeof MODEL_BEHAVIOURS)[number];

interface WireMessage {
  role: string;
  content?: unknown;
}

interface Turn {
  stage: string;
  next: string;
  /** The directive line ("Now: …") of the system prompt. */
  now: string;
  question: string | undefined;
  toolsOffered: boolean;
  lastUser: string;
  rng: SeededRandom;
}

function readTurn(request: FakeRequest, kind: ModelBehaviour): Turn {
  const messages = request.body.messages as WireMessage[];
  const text = (m: WireMessage | undefined) => (typeof m?.content === 'string' ? m.content : '');
  const system = text(messages.find((m) => m.role === 'system'));
  const stage = /Current stage: (\w+)/.exec(system)?.[1] ?? 'greeting';
  const now = /\nNow: (.*)/.exec(system)?.[1] ?? '';
  const index = STAGE_NAMES.indexOf(stage as (typeof STAGE_NAMES)[number]);
  let hash = 2166136261;
  for (const ch of `${kind}|${messages.map(text).join('|')}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return {
    stage,
    next: STAGE_NAMES[index + 1] ?? stage,
    now,
    question: /in your own words: "([^"]+)"/.exec(now)?.[1] ?? /Then ask: "([^"]+)"/.exec(now)?.[1],
    toolsOffered: (request.body.tools?.length ?? 0) > 0,
    lastUser: text([...messages].reverse().find((m) => m.role === 'user')),
    rng: new SeededRandom(hash >>> 0),
  };
}

function proposal(stage: string, turn: Turn): FakeToolCall {
  const evidence = turn.lastUser ? [turn.lastUser.split(/[.!?]/)[0]?.trim() ?? ''] : [];
  return { name: 'complete_stage', arguments: { stage, notes: `Stage ${turn.stage} covered.`, evidence } };
}

/** What a model of this behaviour answers. */
export function modelReply(kind: ModelBehaviour, request: FakeRequest): FakeReply {
  const turn = readTurn(request, kind);
  const scripted = scriptedInterviewer(request) as { text?: string; toolCalls?: FakeToolCall[] };
  const spoken = turn.question ? `Thanks for that. ${turn.question}` : (scripted.text ?? 'Please go on.');
  const { rng } = turn;
  if (!turn.toolsOffered) return { text: kind === 'empty_replies' && rng.chance(0.5) ? ' ' : spoken };
  switch (kind) {
    case 'proposes_current':
      return rng.chance(0.4) ? { toolCalls: [proposal(turn.stage, turn)] } : { text: spoken };
    case 'proposes_next':
      return rng.chance(0.4) ? { toolCalls: [proposal(turn.next, turn)] } : { text: spoken };
    case 'tool_with_text':
      return { text: spoken, ...(rng.chance(0.5) ? { toolCalls: [proposal(turn.next, turn)] } : {}) };
    case 'tool_every_turn': {
      const call = proposal(rng.pick([turn.stage, turn.next]), turn);
      return rng.chance(0.5) ? { toolCalls: [call] } : { text: spoken, toolCalls: [call] };
    }
    case 'tool_never':
      return { text: spoken };
    case 'malformed_arguments': {
      const raw = rng.pick(['{"stage": "', '{"stage":"greeting","notes":', 'not json', '', '{"stage": 3}']);
      if (!rng.chance(0.5)) return { text: spoken };
      return { ...(rng.chance(0.5) ? { text: spoken } : {}), toolCalls: [{ name: 'complete_stage', arguments: raw }] };
    }
    case 'several_tool_calls': {
      if (!rng.chance(0.5)) return { text: spoken };
      const calls = [proposal(turn.stage, turn), proposal(turn.stage, turn), proposal(rng.pick(STAGE_NAMES), turn)];
      if (rng.chance(0.3)) calls.push({ name: 'end_call', arguments: {} });
      return { ...(rng.chance(0.5) ? { text: 'Thank you.' } : {}), toolCalls: calls };
    }
    case 'empty_replies':
      return rng.chance(0.5) ? { text: rng.pick(['', '   ', '...', '!', '\n']) } : { text: spoken };
    case 'goodbye_early':
      return rng.chance(0.5)
        ? { text: `${rng.pick(['Great.', 'Thank you.'])} Thank you so much for your time today. Goodbye!` }
        : { ...scripted, text: spoken };
    case 'rambling': {
      const ramble =
        'That is really interesting, and it reminds me of how many teams approach this kind of work in ' +
        'very different ways, some with long planning phases and others by shipping small changes often. ' +
        'There is a lot to say about both, and the trade-offs depend on the product, the people and the ' +
        'constraints they work under.';
      return { ...scripted, text: `${ramble} ${spoken}` };
    }
  }
}
