import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError, ErrorCodes } from '../lib/errors.js';

/**
 * Interview definitions as data: a strict zod schema (unknown keys are errors, so a typo such as
 * `timeBudget` for `timeBudgetMs` is named instead of silently ignored) and its loader.
 * Stage names are fixed by the outer contract, in order; definitions vary the words, questions and budgets.
 */

/** The stages every definition runs, in this order (the outer contract's record uses these names). */
export const STAGE_NAMES = ['greeting', 'self_intro', 'past_experience', 'closing'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
/** Where the interview is: a stage, or `ended` once the goodbye has played (or the caller left). */
export type InterviewStage = StageName | 'ended';

/** Placeholders the personal greeting may use; filled from the call's context. */
const GREETING_PLACEHOLDERS = ['candidateName', 'role'] as const;

const slug = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, _ or -');
const text = z.string().trim().min(1, 'must not be empty');
const positiveMs = z.number().int().positive();

const questionSchema = z.strictObject({ id: slug, text });

const stageSchema = z.strictObject({
  name: z.enum(STAGE_NAMES),
  /** What the stage must achieve, in one sentence for the LLM. */
  goal: text,
  /** Questions to cover, asked in order, each at most once. */
  questions: z.array(questionSchema),
  /** Follow-up questions the agent may ask in this stage, in total. */
  maxFollowUps: z.number().int().min(0),
  /** Time budget; when it runs out the interview moves on with a spoken bridge, ms. */
  timeBudgetMs: positiveMs,
  /** Candidate turns in this stage before it moves on. */
  maxTurns: z.number().int().positive(),
  /** Longest single candidate turn before the agent steers back at the next pause (monologue cap), ms. */
  maxTurnLengthMs: positiveMs,
  /** What the LLM should note for the record when it completes the stage. */
  notes: z.array(text).min(1),
});

const phrasesSchema = z.strictObject({
  /** First gentle silence prompt, e.g. "Take your time." */
  takeYourTime: text,
  /** Second silence prompt, e.g. "Are you still there?" */
  stillThere: text,
  /** Said before repeating the last question verbatim, e.g. "Of course." */
  repeatPrefix: text,
  /** Said before the next stage's first question when a stage runs out of time or turns. */
  bridge: text,
  goodbye: z.strictObject({
    completed: text,
    candidateEnded: text,
    noResponse: text,
    callLimit: text,
    error: text,
  }),
});

const greetingSchema = z.strictObject({
  /** Impersonal fixed opening (AI disclosure, recording notice); pre-rendered once per definition + voice. */
  opening: text.refine((s) => !/\{\w+\}/.test(s), 'must not contain placeholders (it is pre-rendered once)'),
  /** Personal tail when the candidate's name is known; may use {candidateName} and {role}. */
  personal: text,
  /** Personal tail when the name is unknown; may use {role}. */
  personalAnonymous: text,
});

const silenceSchema = z
  .strictObject({
    /** Silence after the agent finished speaking before "take your time", ms (about 6000). */
    promptAfterMs: positiveMs,
    /** Silence before "are you still there?", ms; measured from the same start. */
    secondPromptAfterMs: positiveMs,
    /** Silence before the agent says goodbye and ends the call with `no_response`, ms (about 25000). */
    hangUpAfterMs: positiveMs,
  })
  .refine((s) => s.promptAfterMs < s.secondPromptAfterMs && s.secondPromptAfterMs < s.hangUpAfterMs, {
    message: 'must satisfy promptAfterMs < secondPromptAfterMs < hangUpAfterMs',
  });

export const interviewDefinitionSchema = z
  .strictObject({
    id: slug,
    name: text,
    /** Extra voice rules added to the built-in ones (one question at a time, short, no markdown…). */
    voiceRules: z.array(text).optional(),
    greeting: greetingSchema,
    stages: z.array(stageSchema),
    /** Whole-call limit; past it the agent says goodbye whatever the stage, ms. */
    maxCallMs: positiveMs,
    silence: silenceSchema,
    phrases: phrasesSchema,
  })
  .superRefine((def, ctx) => {
    const names = def.stages.map((s) => s.name).join(',');
    if (names !== STAGE_NAMES.join(',')) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: `must list ${STAGE_NAMES.join(', ')} in that order` });
    }
    def.stages.forEach((stage, i) => {
      // Every stage after the greeting opens with its first question (also after a forced bridge).
      if (stage.name !== 'greeting' && stage.questions.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'questions'], message: 'must have at least one question' });
      }
      const seen = new Set<string>();
      stage.questions.forEach((q, j) => {
        if (seen.has(q.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stages', i, 'questions', j, 'id'],
            message: `duplicate id "${q.id}"`,
          });
        }
        seen.add(q.id);
      });
    });
    for (const key of ['personal', 'personalAnonymous'] as const) {
      for (const match of def.greeting[key].matchAll(/\{(\w+)\}/g)) {
        const allowed: readonly string[] = key === 'personal' ? GREETING_PLACEHOLDERS : ['role'];
        if (!allowed.includes(match[1] ?? '')) {
          ctx.addIssue({ code: 'custom', path: ['greeting', key], message: `unknown placeholder {${match[1]}}` });
        }
      }
    }
  });

export type InterviewDefinition = z.infer<typeof interviewDefinitionSchema>;
export type StageDefinition = InterviewDefinition['stages'][number];
export type QuestionDefinition = StageDefinition['questions'][number];

/** Formats a path as `stages[1].timeBudgetMs`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

/**
 * Validates parsed JSON as an interview definition.
 * @throws AppError INTERVIEW_DEFINITION_INVALID whose message names every bad field.
 */
export function validateDefinition(data: unknown, origin = 'interview definition'): InterviewDefinition {
  const result = interviewDefinitionSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new AppError(ErrorCodes.INTERVIEW_DEFINITION_INVALID, `${origin} is invalid: ${problems.join('; ')}`, {
    cause: result.error,
  });
}

/**
 * Loads a definition from a file path (string) or from already-parsed JSON (anything else).
 * @throws AppError INTERVIEW_DEFINITION_INVALID when the file cannot be read or parsed, or fails validation.
 */
export function loadDefinition(source: string | object): InterviewDefinition {
  if (typeof source !== 'string') return validateDefinition(source);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(source, 'utf8'));
  } catch (err) {
    throw new AppError(ErrorCodes.INTERVIEW_DEFINITION_INVALID, `interview definition ${source} is not readable JSON`, {
      cause: err,
    });
  }
  return validateDefinition(parsed, `interview definition ${source}`);
}

/** The definition of one stage (every definition has all four). */
export function stageDefinition(definition: InterviewDefinition, name: StageName): StageDefinition {
  const stage = definition.stages.find((s) => s.name === name);
  if (!stage) throw new AppError(ErrorCodes.INTERVIEW_DEFINITION_INVALID, `stage ${name} missing`);
  return stage;
}
