// Every SQL statement about sources (the site's categories).
import type { Source, SourceRef } from "../core/model";
import { type SourceRow, toSource } from "./rows";
import { type SqlRunner, type Stmt, sql } from "./sql";

const COLUMNS = "id, slug, name, label, homepage, feed_url, timezone, enabled, interval_minutes";

export async function listSources(db: SqlRunner): Promise<Source[]> {
  return (await db.all<SourceRow>(sql(`SELECT ${COLUMNS} FROM sources ORDER BY id`))).map(toSource);
}

export async function getSourceBySlug(db: SqlRunner, slug: string): Promise<Source | null> {
  const rows = await db.all<SourceRow>(sql(`SELECT ${COLUMNS} FROM sources WHERE slug = ?1`, slug));
  return rows[0] ? toSource(rows[0]) : null;
}

/** Create the source if it is new; an existing source keeps its own settings. */
export function ensureSourceStatement(source: SourceRef, timezone: string, now: number): Stmt {
  return sql(
    `INSERT INTO sources (slug, name, label, timezone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (slug) DO NOTHING`,
    source.slug, source.name, source.label, timezone, now,
  );
}
