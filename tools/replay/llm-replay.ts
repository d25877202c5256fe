/**
 * Answers LLM requests from a recording, matched by what they ask, not by their order.
 *
 * Tiers, tried in order; within a tier the first recorded exchange not yet used wins (so a
 * request asked twice gets the recorded answers in recorded order), else the last recorded one:
 * 1. exact: the same llmRequestHash (messages and tools; tool-call ids and whitespace ignored);
 * 2. same turn: same stage and directive in the system prompt, same user messages (normalised),
 *    same tool names; the assistant's own lines may differ (what the caller heard before a
 *    barge-in depends on timing), as may the rest of the system prompt;
 * 3. same words: same stage and the same last user message (normalised).
 * Anything else is a divergence: logged with the closest recorded request, answered by the
 * caller of `answer()` with an error so the call goes on.
 */
import type { ChatMessage, ToolSpec } from '../../src/llm/reply-stream.js';
import { llmRequestHash } from '../../src/recording/fixture-format.js';
import type { Divergence, DivergenceLog } from './divergence.js';
import type { LlmExchange } from './fixture-reader.js';

export type LlmMatchTier = 'exact' | 'same-turn' | 'same-words';

export type LlmReplayAnswer =
  | { kind: 'recorded'; exchange: LlmExchange; tier: LlmMatchTier }
  | { kind: 'divergence'; divergence: Divergence };

/** What the matcher reads out of a request. */
export interface RequestFeatures {
  hash: string;
  stage: string | undefined;
  directive: string | undefined;
  userMessages: string[];
  lastUser: string;
  toolNames: string[];
  messageCount: number;
}

export interface LlmReplayOptions {
  divergences: DivergenceLog;
  /** Media time now, ms, to stamp divergences. */
  mediaNowMs: () => number;
}

const STAGE = /Current stage: ([\w-]+)/;
const DIRECTIVE = /^Now: (.*)$/m;

export function requestFeatures(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): RequestFeatures {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const userMessages = messages.filter((m) => m.role === 'user').map((m) => normalizeWords(m.content));
  return {
    hash: llmRequestHash(messages, tools),
    stage: STAGE.exec(system)?.[1],
    directive: DIRECTIVE.exec(system)?.[1]?.trim(),
    userMessages,
    lastUser: userMessages.at(-1) ?? '',
    toolNames: tools.map((t) => t.name).sort(),
    messageCount: messages.length,
  };
}

/** Lower case, letters/digits/apostrophes only, single spaces. */
export function normalizeWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Candidate {
  exchange: LlmExchange;
  features: RequestFeatures;
  used: boolean;
}

export class LlmReplay {
  private readonly candidates: Candidate[];

  constructor(
    exchanges: readonly LlmExchange[],
    private readonly options: LlmReplayOptions,
  ) {
    this.candidates = exchanges.map((exchange) => ({
      exchange,
      features: requestFeatures(exchange.request.messages as ChatMessage[], exchange.request.tools),
      used: false,
    }));
  }

  answer(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): LlmReplayAnswer {
    const asked = requestFeatures(messages, tools);
    const tiers: [LlmMatchTier, (c: RequestFeatures) => boolean][] = [
      ['exact', (c) => c.hash === asked.hash],
      ['same-turn', (c) => sameTurn(c, asked)],
      ['same-words', (c) => c.stage === asked.stage && c.lastUser === asked.lastUser],
    ];
    for (const [tier, matches] of tiers) {
      const found = this.pick(matches);
      if (found) return { kind: 'recorded', exchange: found.exchange, tier };
    }
    const divergence: Divergence = {
      kind: 'llm',
      atMs: this.options.mediaNowMs(),
      asked: describe(asked),
      recorded: this.closest(asked),
    };
    this.options.divergences.add(divergence);
    return { kind: 'divergence', divergence };
  }

  private pick(matches: (c: RequestFeatures) => boolean): Candidate | undefined {
    const all = this.candidates.filter((c) => matches(c.features));
    const chosen = all.find((c) => !c.used) ?? all.at(-1);
    if (chosen) chosen.used = true;
    return chosen;
  }

  private closest(asked: RequestFeatures): string | undefined {
    let best: { candidate: Candidate; score: number } | undefined;
    for (const candidate of this.candidates) {
      const f = candidate.features;
      const score = (f.stage === asked.stage ? 1 : 0) + wordOverlap(f.lastUser, asked.lastUser);
      if (!best || score > best.score) best = { candidate, score };
    }
    if (!best) return undefined;
    const { request } = best.candidate.exchange;
    return `#${request.id} at ${(request.atMs / 1000).toFixed(2)}s: ${describe(best.candidate.features)}`;
  }
}

function sameTurn(c: RequestFeatures, asked: RequestFeatures): boolean {
  return (
    c.stage === asked.stage &&
    c.directive === asked.directive &&
    c.userMessages.length === asked.userMessages.length &&
    c.userMessages.every((u, i) => u === asked.userMessages[i]) &&
    c.toolNames.join(',') === asked.toolNames.join(',')
  );
}

/** Share of words in common (Jaccard) of two normalised texts, 0..1. */
export function wordOverlap(a: string, b: string): number {
  const wa = new Set(a.split(' ').filter(Boolean));
  const wb = new Set(b.split(' ').filter(Boolean));
  if (wa.size === 0 && wb.size === 0) return 1;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / (wa.size + wb.size - common);
}

function describe(f: RequestFeatures): string {
  const tools = f.toolNames.length ? `; tools ${f.toolNames.join(',')}` : '';
  return `stage ${f.stage ?? '?'}; ${f.messageCount} messages; last user "${f.lastUser}"${tools}`;
}
