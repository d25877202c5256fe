import { describe, expect, it } from 'vitest';
import { ClauseChunker, type ClauseChunkerOptions } from '../../src/llm/clause-chunker.js';

/** Feeds the tokens in order and returns every chunk, those from flush() included. */
function chunk(tokens: string[], options?: ClauseChunkerOptions): string[] {
  const chunker = new ClauseChunker(options);
  return [...tokens.flatMap((t) => chunker.push(t)), ...chunker.flush()];
}

describe('ClauseChunker cuts', () => {
  const cases: { name: string; tokens: string[]; expected: string[]; options?: ClauseChunkerOptions }[] = [
    {
      name: 'at sentence ends',
      tokens: ['Thanks for', ' calling. How', ' are you', ' today? Great!'],
      expected: ['Thanks for calling.', 'How are you today?', 'Great!'],
    },
    {
      name: 'not inside a decimal number split across tokens',
      tokens: ['It grew 3', '.', '5 percent', ' last year. Then'],
      expected: ['It grew 3.5 percent last year.', 'Then'],
    },
    {
      name: 'not after e.g. or titles',
      tokens: ['Tools, e.g', '. Jira, and', ' Dr. Smith', ' helped. Ok'],
      expected: ['Tools, e.g. Jira, and Dr. Smith helped.', 'Ok'],
      options: { firstClauseMinWords: 6 },
    },
    {
      name: 'not after an initial, but after the word I',
      tokens: ['John F. Kennedy', ' said so. Nobody but I. Then'],
      expected: ['John F. Kennedy said so.', 'Nobody but I.', 'Then'],
    },
    {
      name: 'a short clause is not cut at its comma',
      tokens: ['Well, that', ' sounds good'],
      expected: ['Well, that sounds good'],
    },
    {
      name: "a reply's opening clause of two words at its comma, later clauses only when long enough",
      tokens: ['Thank', ' you', ',', ' that', ' is helpful', ', I', ' think. Next'],
      expected: ['Thank you,', 'that is helpful, I think.', 'Next'],
    },
    {
      name: 'the opening clause at the length the options ask for',
      tokens: ['Thank you, that', ' is helpful, and', ' more'],
      expected: ['Thank you, that is helpful,', 'and more'],
      options: { firstClauseMinWords: 4 },
    },
    {
      name: 'a clause with enough words at its comma',
      tokens: ['So tell me about the last project', ', and what you built'],
      expected: ['So tell me about the last project,', 'and what you built'],
    },
    {
      name: 'at a semicolon, colon and em dash once long enough',
      tokens: ['I have one more question for you', ': what did you', ' learn from it', '—and why?'],
      expected: ['I have one more question for you:', 'what did you learn from it—', 'and why?'],
      options: { minClauseWords: 3 },
    },
    {
      name: 'not at a comma inside a number',
      tokens: ['We served 1', ',000 users every single day', ' of the year'],
      expected: ['We served 1,000 users every single day of the year'],
    },
    {
      name: 'at the punctuation run and closing quote',
      tokens: ['He said "', 'really?!', '" Then he left.'],
      expected: ['He said "really?!"', 'Then he left.'],
    },
    {
      name: 'at line breaks',
      tokens: ['First line\nSecond', ' line'],
      expected: ['First line', 'Second line'],
    },
    {
      name: 'a long run without marks at a space under the cap',
      tokens: ['one two three four five six seven eight nine ten'],
      expected: ['one two three', 'four five six', 'seven eight', 'nine ten'],
      options: { maxChunkChars: 14 },
    },
    {
      name: 'a long word hard at the cap',
      tokens: ['abcdefghij', 'klmno'],
      expected: ['abcdefgh', 'ijklmno'],
      options: { maxChunkChars: 8 },
    },
  ];

  it.each(cases)('$name', ({ tokens, expected, options }) => {
    expect(chunk(tokens, options)).toEqual(expected);
  });
});

describe('ClauseChunker strips markdown', () => {
  const cases: { name: string; tokens: string[]; expected: string[] }[] = [
    {
      name: 'bold split across tokens',
      tokens: ['That is *', '*great', '**. Next'],
      expected: ['That is great.', 'Next'],
    },
    { name: 'a heading', tokens: ['#', '# Next', ' steps\nWe talk'], expected: ['Next steps', 'We talk'] },
    {
      name: 'list bullets and numbers',
      tokens: ['Two things:\n', '-', ' Go', '\n', '* Rust\n1', '0', '. Java'],
      expected: ['Two things:', 'Go', 'Rust', 'Java'],
    },
    { name: 'inline code and strikethrough', tokens: ['Use `npm', ' test` ~~now~~'], expected: ['Use npm test now'] },
    { name: 'but not a negative number', tokens: ['-', '5 degrees'], expected: ['-5 degrees'] },
    { name: 'but not a decimal at line start', tokens: ['1.', '5 million'], expected: ['1.5 million'] },
    { name: 'and drops chunks that were only markup', tokens: ['**', '\n', 'Hi.'], expected: ['Hi.'] },
  ];

  it.each(cases)('$name', ({ tokens, expected }) => {
    expect(chunk(tokens)).toEqual(expected);
  });
});

describe('ClauseChunker streaming', () => {
  it('emits a sentence as soon as the character after its end arrives, not before', () => {
    const chunker = new ClauseChunker();
    expect(chunker.push('Hello there.')).toEqual([]);
    expect(chunker.push(' How')).toEqual(['Hello there.']);
    expect(chunker.push(' are you?')).toEqual([]);
    expect(chunker.flush()).toEqual(['How are you?']);
  });

  it('sends the opening clause of every reply early, after flush too', () => {
    const chunker = new ClauseChunker();
    expect(chunker.push('Sure, fine')).toEqual([]);
    expect(chunker.push('. Got it,')).toEqual(['Sure, fine.']);
    expect(chunker.push(' thanks')).toEqual([]);
    chunker.flush();
    expect(chunker.push('Got it,')).toEqual([]);
    expect(chunker.push(' thanks')).toEqual(['Got it,']);
  });

  it('starts fresh after flush', () => {
    const chunker = new ClauseChunker();
    chunker.push('- one');
    expect(chunker.flush()).toEqual(['one']);
    expect(chunker.push('- two. ')).toEqual(['two.']);
    expect(chunker.flush()).toEqual([]);
  });

  const texts = [
    'Thanks, Alex. I see you worked at Acme for 3.5 years, e.g. on billing; tell me more about that — what was hard? Great!',
    'So, first: could you walk me through a typical day at your last job, from the standup to the end of the day?\nSure.',
    '## Plan\n1. Intro\n2. Experience, with Dr. Lee and Mr. Park.\n- Closing...  Bye!',
    `A very long sentence ${'with many words '.repeat(20)}and no end`,
  ];

  it.each(texts)('gives the same chunks whatever the token boundaries: %s', (text) => {
    const whole = chunk([text]);
    expect(whole.length).toBeGreaterThan(1);
    for (let k = 1; k < text.length; k++) {
      expect(chunk([text.slice(0, k), text.slice(k)])).toEqual(whole);
    }
    expect(chunk([...text])).toEqual(whole);
  });

  it('keeps every word of plain text and every chunk under the cap', () => {
    const text = texts[3]!;
    const chunks = chunk([...text], { maxChunkChars: 60 });
    expect(chunks.join(' ')).toBe(text.replace(/\s+/g, ' ').trim());
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(60);
  });
});
