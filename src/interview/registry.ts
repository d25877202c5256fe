import { AppError, ErrorCodes } from '../lib/errors.js';
import { type InterviewDefinition, validateDefinition } from './definition.js';
import defaultJson from './definitions/default.json' with { type: 'json' };

/** The built-in default phone screen, validated when this module loads (a bad file fails fast). */
export const defaultDefinition: InterviewDefinition = validateDefinition(defaultJson, 'definitions/default.json');

/** Definitions a call can choose by id. */
export interface DefinitionRegistry {
  /** @throws AppError INTERVIEW_DEFINITION_INVALID naming the unknown id. */
  get(id: string): InterviewDefinition;
  has(id: string): boolean;
  ids(): string[];
}

/**
 * A registry of definitions by id; the default definition is always included (others may not reuse its id).
 * @throws AppError INTERVIEW_DEFINITION_INVALID when two definitions share an id.
 */
export function createDefinitionRegistry(extra: readonly InterviewDefinition[] = []): DefinitionRegistry {
  const byId = new Map<string, InterviewDefinition>([[defaultDefinition.id, defaultDefinition]]);
  for (const def of extra) {
    if (byId.has(def.id)) {
      throw new AppError(ErrorCodes.INTERVIEW_DEFINITION_INVALID, `id: duplicate interview definition id "${def.id}"`);
    }
    byId.set(def.id, def);
  }
  return {
    get(id) {
      const def = byId.get(id);
      if (!def) throw new AppError(ErrorCodes.INTERVIEW_DEFINITION_INVALID, `id: unknown interview definition "${id}"`);
      return def;
    },
    has: (id) => byId.has(id),
    ids: () => [...byId.keys()],
  };
}
