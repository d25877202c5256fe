import { describe, expect, it } from 'vitest';
import { ReplyFilter } from '../../src/llm/reply-filter.js';

function run(chunks: string[], previousLine?: string): { spoken: string[]; filter: ReplyFilter } {
  const filter = new ReplyFilter(previousLine);
  const spoken = chunks.map((c) => filter.pass(c)).filter((c): c is string => c !== undefined);
  return { spoken, filter };
}

describe('the reply filter: what of a model reply may be spoken', () => {
  it.each([['...'], ['  '], ['!?'], ['—'], ['*']])('a chunk with no letter or digit (%j) speaks nothing', (chunk) => {
    const { spoken, filter } = run([chunk]);
    expect(spoken).toEqual([]);
    expect(filter.spokenText).toBe('');
  });

  it.each([
    ['Goodbye!'],
    ['Thank you so much for your time today.'],
    ['Have a great day.'],
    ['Bye for now.'],
    ['That concludes our interview.'],
    ['Best of luck!'],
  ])('the model ending the conversation (%j) is dropped, with everything after it, and reported', (chunk) => {
    const { spoken, filter } = run(['Thanks for sharing that.', chunk, 'Now, tell me about your last project?']);
    expect(spoken).toEqual(['Thanks for sharing that.']);
    expect(filter.endedConversation).toBe(true);
  });

  it('keeps ordinary interview talk, including "time" and "bye" inside other words', () => {
    const { spoken, filter } = run(['Thanks, that is helpful.', 'How much time did the bypass project take?']);
    expect(spoken).toHaveLength(2);
    expect(filter.endedConversation).toBe(false);
  });

  it('drops a sentence the agent just said, word for word, so no line opens with a second "Thank you."', () => {
    const previous = 'Thank you. Could you briefly introduce yourself?';
    const { spoken } = run(['Thank you.', 'What interests you about this role?'], previous);
    expect(spoken).toEqual(['What interests you about this role?']);
    expect(run(['Thank you.', 'Could you briefly introduce yourself?'], previous).spoken).toEqual([]);
  });

  it('also when the chunker cut the repeated sentence at a comma', () => {
    const previous = 'Could you tell me a little more about that, with an example?';
    const { spoken } = run(['Could you tell me a little more about that,', 'with an example?'], previous);
    expect(spoken).toEqual([]);
  });
});
