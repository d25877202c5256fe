import { describe, expect, it } from 'vitest';
import { defaultDefinition } from '../../src/interview/index.js';
import { parseTemplate, storedDefinition } from '../../src/templates/template-input.js';

/** A template as a recruiter would write it: the default's stages and greeting, reworded. */
function backendTemplate(): Record<string, unknown> {
  const stages = structuredClone(defaultDefinition.stages);
  stages[1]!.questions = [{ id: 'go', text: 'What have you built in Go?' }];
  return {
    id: 'backend-go',
    name: 'Backend engineer (Go)',
    greeting: { ...defaultDefinition.greeting, opening: 'Hello from the Acme hiring team, this is an AI interviewer.' },
    stages,
  };
}

function firstIssue(body: unknown, options: { id?: string } = {}) {
  const result = parseTemplate(body, options);
  if (result.ok) throw new Error('accepted a bad template');
  return result.issues[0];
}

describe('template bodies', () => {
  it('takes what a role leaves out (call limit, silence, phrases) from the built-in default', () => {
    const result = parseTemplate(backendTemplate());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.phrases).toEqual(defaultDefinition.phrases);
    expect(result.definition.silence).toEqual(defaultDefinition.silence);
    expect(result.definition.maxCallMs).toBe(defaultDefinition.maxCallMs);
    expect(result.definition.stages[1]?.questions).toEqual([{ id: 'go', text: 'What have you built in Go?' }]);
  });

  const REMOVE = Symbol('remove');
  const stages = defaultDefinition.stages;
  it.each([
    ['a budget that is not positive', 'stages.1.timeBudgetMs', 0, 'stages[1].timeBudgetMs', /more than 0/],
    ['a fractional turn limit', 'stages.2.maxTurns', 1.5, 'stages[2].maxTurns', /whole number/],
    ['a missing name', 'name', REMOVE, 'name', /name is required/],
    ['an empty question', 'stages.1.questions.0.text', ' ', 'stages[1].questions[0].text', /must not be empty/],
    ['a misspelt field', 'stages.0.timeBudget', 5, 'stages[0].timeBudget', /is not a known field/],
    ['an unknown stage', 'stages.3.name', 'salary', 'stages[3].name', /must be one of "greeting"/],
    ['a stage with no question', 'stages.2.questions', [], 'stages[2].questions', /at least one question/],
    [
      'a duplicate question id',
      'stages.2.questions.3',
      stages[2]?.questions[0],
      'stages[2].questions[3].id',
      /duplicate id/,
    ],
    ['stages out of order', 'stages', [...stages].reverse(), 'stages', /in that order/],
    ['an unknown greeting placeholder', 'greeting.personal', 'Hi {salary}', 'greeting.personal', /unknown placeholder/],
    ['a placeholder in the pre-rendered opening', 'greeting.opening', 'Hi {role}', 'greeting.opening', /placeholders/],
    [
      'silence prompts out of order',
      'silence',
      { promptAfterMs: 9, secondPromptAfterMs: 5, hangUpAfterMs: 20 },
      'silence',
      /promptAfterMs </,
    ],
    ['the built-in id', 'id', 'default', 'id', /built-in/],
    ['an id that is no slug', 'id', 'Backend Go', 'id', /lowercase/],
    ['a very long id', 'id', `a${'b'.repeat(64)}`, 'id', /at most 64/],
  ] as const)('names the field of %s', (_what, path, value, field, message) => {
    const template = backendTemplate();
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    let target = template as Record<string, unknown>;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (value === REMOVE) delete target[last];
    else target[last] = structuredClone(value);
    const issue = firstIssue(template);
    expect(issue?.field).toBe(field);
    expect(issue?.message).toMatch(message);
    expect(issue?.message.startsWith(field)).toBe(true);
  });

  it('refuses a body that is no object, and an id that differs from the URL', () => {
    expect(firstIssue([1, 2])).toEqual({ field: null, message: 'body must be a JSON object' });
    expect(firstIssue(backendTemplate(), { id: 'frontend' })?.field).toBe('id');
    const { id: _id, ...withoutId } = backendTemplate();
    expect(parseTemplate(withoutId, { id: 'frontend' })).toMatchObject({ ok: true, definition: { id: 'frontend' } });
  });

  it('reads back a stored definition, filling settings the schema gained since', () => {
    const result = parseTemplate(backendTemplate());
    if (!result.ok) throw new Error('bad template');
    const { phrases: _phrases, ...olderShape } = result.definition;
    expect(storedDefinition(olderShape)?.phrases).toEqual(defaultDefinition.phrases);
    expect(storedDefinition({ id: 'x' })).toBeUndefined();
  });
});
