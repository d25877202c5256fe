import type { DefinitionRegistry, InterviewDefinition } from '../interview/index.js';
import type { Logger } from '../observability/logger.js';
import type { TemplateStore } from '../store/template-store.js';
import { storedDefinition } from './template-input.js';

/** Which definition a call runs, as its interview row names it. */
export interface DefinitionRef {
  /** A template id, or a built-in definition's id (`default`). */
  definitionId: string;
  /** The template version; null for a built-in definition. */
  templateVersion: number | null;
}

/** Finds the definition a call runs (the call factory's port). */
export interface DefinitionSource {
  definitionFor(ref: DefinitionRef): Promise<InterviewDefinition>;
}

export interface TemplateDefinitionsOptions {
  /** The built-in definitions (calls without a template version). */
  builtIn: DefinitionRegistry;
  store: Pick<TemplateStore, 'getVersion'>;
  logger: Logger;
  /** Template versions kept in memory (they never change), entries; default 500. */
  cacheSize?: number;
}

/**
 * Built-in definitions by id, templates by (id, version) from the store. A version never changes,
 * so it is read once and kept (least recently used dropped past `cacheSize`). A version that is
 * missing or no longer valid is logged and the call runs the built-in default instead: a call
 * that has been placed must still be able to run.
 */
export class TemplateDefinitions implements DefinitionSource {
  private readonly cache = new Map<string, InterviewDefinition>();
  private readonly cacheSize: number;

  constructor(private readonly options: TemplateDefinitionsOptions) {
    this.cacheSize = options.cacheSize ?? 500;
  }

  async definitionFor(ref: DefinitionRef): Promise<InterviewDefinition> {
    const { builtIn, store, logger } = this.options;
    if (ref.templateVersion === null) return builtIn.get(ref.definitionId);
    const key = `${ref.definitionId}@${ref.templateVersion}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const stored = await store.getVersion(ref.definitionId, ref.templateVersion);
    const definition = stored ? storedDefinition(stored.definition) : undefined;
    if (!definition) {
      logger.error(
        { templateId: ref.definitionId, version: ref.templateVersion, found: stored !== null },
        'interview template version unusable: the call runs the built-in default',
      );
      return builtIn.get('default');
    }
    this.cache.set(key, definition);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value ?? key);
    return definition;
  }
}
