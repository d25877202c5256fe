/**
 * The bench's figures for a turn answered by a speculation: its LLM request went out before the
 * commit, on the interim's wording, and was adopted because the final means the same. It must
 * be found as the turn's request (else the turn is taken for a fixed line and the wait for the
 * model's first token is charged to our own processing); a request on other words is not it.
 */
import { expect, it } from 'vitest';
import { requestChain } from '../../bench/turn-analysis.js';
import type { TappedLlmRequest } from '../../bench/wire-tap.js';

function request(arrivedAt: number, userText: string): TappedLlmRequest {
  return {
    arrivedAt,
    body: { messages: [{ role: 'user', content: userText }] },
    writes: [{ atMs: arrivedAt + 300, content: 'Thanks.', toolCall: false }],
    endedAt: arrivedAt + 320,
  };
}

it('finds a speculative turn’s request sent on the interim’s wording of the same words', () => {
  const spec = request(1000, "i'm sam a backend engineer");
  const other = request(900, "i'm sam a back");
  expect(requestChain([other, spec], "I'm Sam, a backend engineer.", 1200, true)).toEqual([spec]);
});

it('does not take a request on other words for the turn’s', () => {
  const other = request(1000, "i'm sam a back end");
  expect(requestChain([other], "I'm Sam, a backend engineer.", 1200, true)).toEqual([]);
});
