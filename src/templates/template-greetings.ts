import { greetingOpening, type InterviewDefinition } from '../interview/index.js';
import type { Logger } from '../observability/logger.js';
import type { TemplateStore } from '../store/template-store.js';
import type { GreetingCache } from '../tts/greeting-cache.js';
import { storedDefinition } from './template-input.js';

/**
 * Templates' greeting openings rendered ahead, like the built-in one, so a call that runs a
 * template also speaks the moment its stream starts: each live template's at start-up, and a
 * template's new opening whenever it is created or changed. (Another instance learns of a change
 * at its next start, or on the first call that misses, which renders it for the calls after.)
 */
export interface TemplateGreetingsOptions {
  store: Pick<TemplateStore, 'listTemplates' | 'getTemplate'>;
  greetings: Pick<GreetingCache, 'warm'>;
  logger: Logger;
  /** DEFAULT_TEMPLATE_ID, checked at start-up (a missing one is logged: inbound calls then run the built-in default). */
  defaultTemplateId?: string;
}

/** Renders one definition's opening; resolves when done or failed (the cache logs failures). */
export function warmTemplateGreeting(
  greetings: Pick<GreetingCache, 'warm'>,
  definition: InterviewDefinition,
): Promise<void> {
  return greetings.warm(greetingOpening(definition));
}

/** Renders every live template's opening; resolves when all are done (or failed). */
export async function warmTemplateGreetings(options: TemplateGreetingsOptions): Promise<void> {
  const { store, greetings, logger } = options;
  const templates = await store.listTemplates();
  if (options.defaultTemplateId !== undefined && !templates.some((t) => t.id === options.defaultTemplateId)) {
    logger.warn(
      { defaultTemplateId: options.defaultTemplateId },
      'DEFAULT_TEMPLATE_ID names no template (yet): inbound calls run the built-in default until it exists',
    );
  }
  await Promise.all(
    templates.map(async (summary) => {
      const template = await store.getTemplate(summary.id);
      const definition = template ? storedDefinition(template.definition) : undefined;
      if (definition) await warmTemplateGreeting(greetings, definition);
    }),
  );
}
