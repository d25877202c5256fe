import { z } from 'zod';
import type { ToolSpec } from '../llm/reply-stream.js';
import { STAGE_NAMES, type StageName } from './definition.js';

/** The one tool the LLM has: a proposal to finish the current stage. The machine decides. */
export const COMPLETE_STAGE_TOOL = 'complete_stage';

/** Caps on what a proposal may carry into the record: notes characters, evidence quotes, quote characters. */
const MAX_NOTES_CHARS = 2000;
const MAX_EVIDENCE = 10;
const MAX_QUOTE_CHARS = 500;

export const completeStageTool: ToolSpec = {
  name: COMPLETE_STAGE_TOOL,
  description:
    'Propose that the current interview stage is finished because its goal is met. Give short factual notes ' +
    "for the hiring team (no scores, no judgement) and the candidate's own words, quoted exactly, as evidence. " +
    'In the same reply say at most a brief acknowledgement; the interview asks the next question itself.',
  parameters: {
    type: 'object',
    properties: {
      stage: { type: 'string', enum: [...STAGE_NAMES], description: 'The stage being completed: the current one.' },
      notes: { type: 'string', description: 'Short factual notes on what the candidate said in this stage.' },
      evidence: {
        type: 'array',
        items: { type: 'string' },
        description: "Exact quotes of the candidate's words that support the notes.",
      },
    },
    required: ['stage', 'notes', 'evidence'],
    additionalProperties: false,
  },
};

/** The tools offered with every stage prompt (Chat Completions `tools`). */
export const interviewTools: readonly ToolSpec[] = [completeStageTool];

const argsSchema = z.object({
  stage: z.enum(STAGE_NAMES),
  notes: z.string().max(MAX_NOTES_CHARS),
  evidence: z.array(z.string().max(MAX_QUOTE_CHARS)).max(MAX_EVIDENCE).default([]),
});

export interface CompleteStageArgs {
  stage: StageName;
  notes: string;
  evidence: string[];
}

/** Validates the LLM's arguments; returns an error text (for the tool answer) when they are malformed. */
export function parseCompleteStageArgs(
  raw: unknown,
): { ok: true; args: CompleteStageArgs } | { ok: false; error: string } {
  const result = argsSchema.safeParse(raw);
  if (result.success) return { ok: true, args: result.data };
  const first = result.error.issues[0];
  return { ok: false, error: `${first?.path.join('.') || 'arguments'}: ${first?.message ?? 'invalid'}` };
}
