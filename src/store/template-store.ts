import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { Database } from './schema.js';

/**
 * Interview templates, versioned: a create is version 1, each update with a changed definition
 * the next version; a version never changes once written, and a call names the version it runs.
 * Delete only hides a template (from lists, reads and new calls); its versions stay readable so
 * the record of a call that ran one still makes sense. Definitions are stored validated and
 * complete (src/templates/template-input.ts); this module does not look inside them.
 */
export interface TemplateSummary {
  id: string;
  /** The definition's `name`. */
  name: string;
  /** The latest version. */
  version: number;
  createdAt: string;
  /** When the latest version was made. */
  updatedAt: string;
}

export interface TemplateVersion {
  id: string;
  version: number;
  createdAt: string;
  /** The interview definition as stored (complete, validated when written). */
  definition: unknown;
}

export interface StoredTemplate extends TemplateSummary {
  /** The latest version's definition. */
  definition: unknown;
  /** Every version, oldest first. */
  versions: { version: number; createdAt: string }[];
}

/** A definition to store: the id it is stored under, and its display name. */
export interface TemplateDefinition {
  id: string;
  name: string;
}

export interface TemplateStore {
  /** Stores version 1; null when the id is taken (also by a deleted template: ids are never reused). */
  createTemplate(definition: TemplateDefinition): Promise<StoredTemplate | null>;
  /** Stores the next version (none when the definition is unchanged); null when unknown or deleted. */
  updateTemplate(id: string, definition: TemplateDefinition): Promise<StoredTemplate | null>;
  /** The latest version with the list of versions; null when unknown or deleted. */
  getTemplate(id: string): Promise<StoredTemplate | null>;
  /** One version, also of a deleted template (the calls that ran it); null when none. */
  getVersion(id: string, version: number): Promise<TemplateVersion | null>;
  /** Templates not deleted, by id. */
  listTemplates(): Promise<TemplateSummary[]>;
  /** Hides the template from lists, reads and new calls; false when unknown or already deleted. */
  deleteTemplate(id: string): Promise<boolean>;
}

type Db = Kysely<Database>;

export class PostgresTemplateStore implements TemplateStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async createTemplate(definition: TemplateDefinition): Promise<StoredTemplate | null> {
    const now = this.now();
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('interview_templates')
        .values({ id: definition.id, latest_version: 1, created_at: now, updated_at: now, deleted_at: null })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      await trx
        .insertInto('interview_template_versions')
        .values({ template_id: definition.id, version: 1, definition: JSON.stringify(definition), created_at: now })
        .execute();
      return true;
    });
    return created ? this.getTemplate(definition.id) : null;
  }

  async updateTemplate(id: string, definition: TemplateDefinition): Promise<StoredTemplate | null> {
    const now = this.now();
    const updated = await this.db.transaction().execute(async (trx) => {
      // The row lock taken here orders concurrent updates: each gets its own version number.
      const template = await trx
        .selectFrom('interview_templates')
        .select('latest_version')
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!template) return false;
      const latest = await trx
        .selectFrom('interview_template_versions')
        .select('definition')
        .where('template_id', '=', id)
        .where('version', '=', template.latest_version)
        .executeTakeFirstOrThrow();
      // PUT is idempotent: the same definition again makes no new version.
      if (isDeepStrictEqual(latest.definition, JSON.parse(JSON.stringify(definition)))) return true;
      const version = template.latest_version + 1;
      await trx
        .insertInto('interview_template_versions')
        .values({ template_id: id, version, definition: JSON.stringify(definition), created_at: now })
        .execute();
      await trx
        .updateTable('interview_templates')
        .set({ latest_version: version, updated_at: now })
        .where('id', '=', id)
        .execute();
      return true;
    });
    return updated ? this.getTemplate(id) : null;
  }

  async getTemplate(id: string): Promise<StoredTemplate | null> {
    const template = await this.db
      .selectFrom('interview_templates')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!template) return null;
    const versions = await this.db
      .selectFrom('interview_template_versions')
      .selectAll()
      .where('template_id', '=', id)
      .orderBy('version')
      .execute();
    const latest = versions.find((v) => v.version === template.latest_version);
    if (!latest) return null;
    return {
      id,
      name: nameOf(latest.definition),
      version: latest.version,
      createdAt: template.created_at.toISOString(),
      updatedAt: template.updated_at.toISOString(),
      definition: latest.definition,
      versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at.toISOString() })),
    };
  }

  async getVersion(id: string, version: number): Promise<TemplateVersion | null> {
    const row = await this.db
      .selectFrom('interview_template_versions')
      .selectAll()
      .where('template_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) return null;
    return { id, version, createdAt: row.created_at.toISOString(), definition: row.definition };
  }

  async listTemplates(): Promise<TemplateSummary[]> {
    const rows = await this.db
      .selectFrom('interview_templates as t')
      .innerJoin('interview_template_versions as v', (join) =>
        join.onRef('v.template_id', '=', 't.id').onRef('v.version', '=', 't.latest_version'),
      )
      .select(['t.id', 't.latest_version', 't.created_at', 't.updated_at', 'v.definition'])
      .where('t.deleted_at', 'is', null)
      .orderBy('t.id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: nameOf(row.definition),
      version: row.latest_version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  async deleteTemplate(id: string): Promise<boolean> {
    const now = this.now();
    const row = await this.db
      .updateTable('interview_templates')
      .set({ deleted_at: now, updated_at: now })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  private now(): Date {
    return new Date(this.clock.wallNow());
  }
}

function nameOf(definition: unknown): string {
  const name = (definition as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}
