/**
 * A deterministic stand-in for the LLM behind the fake OpenAI server: it reads the stage and
 * the directive from the system prompt the service sent, as a model would, and answers with
 * short spoken lines or a `complete_stage` tool call. Tests, the benchmark and the fixture
 * generator use it so the whole pipeline runs without a model.
 */
import type { FakeReply, FakeRequest } from './fakes/openai-fake.js';

interface WireMessage {
  role: string;
  content?: unknown;
}

function text(message: WireMessage | undefined): string {
  return typeof message?.content === 'string' ? message.content : '';
}

export function scriptedInterviewer(request: FakeRequest): FakeReply {
  const messages = request.body.messages as WireMessage[];
  const system = text(messages.find((m) => m.role === 'system'));
  const lastUser = text([...messages].reverse().find((m) => m.role === 'user'));
  const stage = /Current stage: (\w+)/.exec(system)?.[1] ?? 'greeting';
  const now = /\nNow: (.*)/.exec(system)?.[1] ?? '';
  const toolsOffered = (request.body.tools?.length ?? 0) > 0 && !system.includes('Do not call any tool');
  const question = /in your own words: "([^"]+)"/.exec(now)?.[1];
  if (question) return { text: `Thank you. ${question}` };
  if (now.startsWith('The candidate asked you something')) {
    return { text: 'Good question. The hiring team will share those details with you. Shall we carry on?' };
  }
  if (now.includes('was short')) return { text: 'Could you tell me a little more about that, with an example?' };
  if (now.startsWith('The candidate has been talking'))
    return { text: 'Thank you, that is helpful. Let us keep moving.' };
  if (toolsOffered) {
    const evidence = lastUser ? [lastUser.split(/[.!?]/)[0]?.trim() ?? lastUser] : [];
    return {
      // As the prompt asks: a brief acknowledgement spoken while the stage change is decided.
      text: 'Thank you, that is helpful.',
      toolCalls: [{ name: 'complete_stage', arguments: { stage, notes: `Stage ${stage} covered.`, evidence } }],
    };
  }
  return { text: 'Thank you. Is there anything you would like to add?' };
}
