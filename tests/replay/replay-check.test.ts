import { describe, expect, it } from 'vitest';
import { sameLine } from '../../tools/replay/replay-check.js';

const cut = (text: string) => ({ role: 'agent', text, interrupted: true });

describe('comparing a replayed transcript line with the recorded one', () => {
  it('lets the cut of an interrupted agent line move by one word, no more', () => {
    expect(sameLine(cut('Thank you. Could you briefly'), cut('Thank you. Could you'))).toBe(true);
    expect(sameLine(cut('Thank you. Could you'), cut('Thank you. Could you briefly'))).toBe(true);
    expect(sameLine(cut('Thank you. Could you briefly introduce'), cut('Thank you. Could you'))).toBe(false);
    expect(sameLine(cut('Thank you. Would you'), cut('Thank you. Could you'))).toBe(false);
  });

  it('is exact for everything else', () => {
    const line = (role: string, text: string, interrupted = false) => ({ role, text, interrupted });
    expect(sameLine(line('agent', 'Hello there'), line('agent', 'Hello'))).toBe(false);
    expect(sameLine(line('candidate', 'I worked at', true), line('candidate', 'I worked', true))).toBe(false);
    expect(sameLine(cut('Hello'), line('agent', 'Hello'))).toBe(false);
    expect(sameLine(line('agent', 'Hi'), line('agent', 'Hi'))).toBe(true);
  });
});
