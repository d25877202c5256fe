import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition, validateDefinition } from '../../src/interview/definition.js';
import { createDefinitionRegistry, defaultDefinition } from '../../src/interview/registry.js';
import { ErrorCodes, isAppError } from '../../src/lib/errors.js';

/** A deep copy of the default definition as plain JSON, to break in one place. */
function json(): Record<string, unknown> & { stages: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(defaultDefinition));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    expect(isAppError(err, ErrorCodes.INTERVIEW_DEFINITION_INVALID)).toBe(true);
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('interview definitions are validated with errors that name the bad field', () => {
  it('accepts the default definition with the four contract stages in order', () => {
    expect(defaultDefinition.stages.map((s) => s.name)).toEqual([
      'greeting',
      'self_intro',
      'past_experience',
      'closing',
    ]);
    expect(validateDefinition(json()).id).toBe('default');
  });

  it.each([
    [
      'a negative stage budget',
      (d: ReturnType<typeof json>) => Object.assign(d.stages[1] ?? {}, { timeBudgetMs: -5 }),
      'stages[1].timeBudgetMs',
    ],
    [
      'a misspelt key',
      (d: ReturnType<typeof json>) => Object.assign(d.stages[2] ?? {}, { timeBudget: 1000 }),
      'stages[2]',
    ],
    ['a missing goal', (d: ReturnType<typeof json>) => delete d.stages[0]?.goal, 'stages[0].goal'],
    [
      'an empty question text',
      (d: ReturnType<typeof json>) => Object.assign(d.stages[1] ?? {}, { questions: [{ id: 'a', text: ' ' }] }),
      'stages[1].questions[0].text',
    ],
    ['a missing call limit', (d: ReturnType<typeof json>) => delete d.maxCallMs, 'maxCallMs'],
  ])('names the field for %s', (_what, breakIt, field) => {
    const d = json();
    breakIt(d);
    expect(errorOf(() => validateDefinition(d)).message).toContain(`${field}:`);
  });

  it('rejects stages out of order or missing', () => {
    const d = json();
    d.stages.reverse();
    expect(errorOf(() => validateDefinition(d)).message).toMatch(
      /stages: must list greeting, self_intro, past_experience, closing in that order/,
    );
  });

  it('rejects silence settings out of order', () => {
    const d = json();
    d.silence = { promptAfterMs: 6000, secondPromptAfterMs: 30000, hangUpAfterMs: 25000 };
    expect(errorOf(() => validateDefinition(d)).message).toMatch(
      /silence: must satisfy promptAfterMs < secondPromptAfterMs < hangUpAfterMs/,
    );
  });

  it('rejects duplicate question ids, a stage without questions, and unknown placeholders', () => {
    const d = json();
    const stage = d.stages[2] as { questions: { id: string; text: string }[] };
    stage.questions = [
      { id: 'project', text: 'One?' },
      { id: 'project', text: 'Two?' },
    ];
    (d.stages[3] as { questions: unknown[] }).questions = [];
    (d.greeting as Record<string, string>).personal = 'Hello {candidateName}, about {salary}?';
    (d.greeting as Record<string, string>).opening = 'Hi {candidateName}';
    const message = errorOf(() => validateDefinition(d)).message;
    expect(message).toContain('stages[2].questions[1].id: duplicate id "project"');
    expect(message).toContain('stages[3].questions: must have at least one question');
    expect(message).toContain('greeting.personal: unknown placeholder {salary}');
    expect(message).toContain('greeting.opening: must not contain placeholders');
  });

  it('loads a definition from a file, and names the file when it is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'interview-def-'));
    const good = path.join(dir, 'short.json');
    writeFileSync(good, JSON.stringify({ ...json(), id: 'short', name: 'Short screen' }));
    expect(loadDefinition(good).id).toBe('short');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(errorOf(() => loadDefinition(bad)).message).toContain(bad);
  });

  it('lets a call choose a definition by id', () => {
    const short = validateDefinition({ ...json(), id: 'short' });
    const registry = createDefinitionRegistry([short]);
    expect(registry.ids()).toEqual(['default', 'short']);
    expect(registry.get('short')).toBe(short);
    expect(errorOf(() => registry.get('nope')).message).toMatch(/unknown interview definition "nope"/);
    expect(errorOf(() => createDefinitionRegistry([short, short])).message).toMatch(/duplicate/);
  });
});
