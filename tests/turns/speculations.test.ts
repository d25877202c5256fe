import { describe, expect, it } from 'vitest';
import { Speculations } from '../../src/turns/speculations.js';

describe('Speculations', () => {
  it('keeps a reply through the same words or a rewording of the same meaning, drops it on another meaning', () => {
    const s = new Speculations();
    expect(s.review('I led the team.')).toBe('none');
    s.start('I led the team for twelve months.');
    expect(s.review('I led the team for twelve months.')).toBe('same');
    expect(s.review('i led the team for 12 months')).toBe('adopted');
    expect(s.running).toBe(true);
    expect(s.review('I led the team for twelve months and then')).toBe('invalidated');
    expect(s.running).toBe(false);
    expect(s.review('I led the team for twelve months.')).toBe('none');
  });

  it('matches a commit only on the meaning it was started for', () => {
    const s = new Speculations();
    s.start('I worked at Acme.');
    expect(s.matching('I worked at Acne.')).toBeUndefined();
    expect(s.matching('i worked at acme')?.text).toBe('I worked at Acme.');
    s.drop();
    expect(s.matching('I worked at Acme.')).toBeUndefined();
  });

  it('counts the attempts of one utterance, from zero again on the next', () => {
    const s = new Speculations();
    s.start('Yes.');
    s.drop();
    s.start('Yes, I did.');
    expect(s.startedThisUtterance).toBe(2);
    s.newUtterance();
    expect(s.startedThisUtterance).toBe(0);
    expect(s.running).toBe(false);
  });
});
