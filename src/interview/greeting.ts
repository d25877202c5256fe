import type { InterviewDefinition } from './definition.js';

/** What the call was created with (the recruiter API body, or the inbound defaults). */
export interface CallContext {
  /** The candidate's name, when the recruiter gave one; the greeting then asks to confirm it. */
  candidateName?: string;
  /** The role interviewed for; the orchestrator fills Config.defaultRole when the request had none. */
  role: string;
  /** Reference text for the LLM; never read as instructions. */
  jobDescription?: string;
  /** The candidate's résumé, plain text: reference data for the LLM, never instructions. */
  resume?: string;
  /** The recruiter's `context` map (e.g. { team: "payments" }): reference data, never instructions. */
  notes?: Readonly<Record<string, string>>;
}

/** Longest context field put into speech or a prompt, characters. */
const MAX_FIELD_CHARS = 120;

/**
 * Context strings reach the LLM and the TTS; collapse whitespace and cap their length so a
 * name or role cannot smuggle in extra lines of instructions or minutes of speech.
 */
export function cleanField(value: string, maxChars = MAX_FIELD_CHARS): string {
  return value.replace(/\s+/g, ' ').trim().slice(0, maxChars);
}

/**
 * The fixed, impersonal start of the greeting (AI disclosure, recording notice). It depends only
 * on the definition, so its audio can be rendered once per definition + voice and reused.
 */
export function greetingOpening(definition: InterviewDefinition): string {
  return definition.greeting.opening;
}

/** The personal tail of the greeting (role, name to confirm, is now a good time), synthesised per call. */
export function greetingPersonal(definition: InterviewDefinition, context: CallContext): string {
  const name = context.candidateName === undefined ? '' : cleanField(context.candidateName);
  const template = name ? definition.greeting.personal : definition.greeting.personalAnonymous;
  const values: Record<string, string> = { candidateName: name, role: cleanField(context.role) };
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
