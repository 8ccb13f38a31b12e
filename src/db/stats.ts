// Per-source statistics (source_stats, kept by triggers): article counts and newest updates.
import { type SqlRunner, sql } from "./sql";

export interface CategoryStats {
  readonly slug: string;
  readonly name: string;
  readonly label: string;
  readonly timezone: string;
  readonly articleCount: number;
  readonly latestUpdate: number | null;
}

/** Every source with its article count and newest update (source_stats, kept by triggers). */
export async function listCategoryStats(db: SqlRunner): Promise<CategoryStats[]> {
  const rows = await db.all<{
    slug: string;
    name: string;
    label: string;
    timezone: string;
    n: number | null;
    latest: number | null;
  }>(
    sql(
      `SELECT s.slug, s.name, s.label, s.timezone, st.article_count AS n, st.last_updated AS latest
       FROM sources s LEFT JOIN source_stats st ON st.source_id = s.id ORDER BY s.slug`,
    ),
  );
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    label: r.label,
    timezone: r.timezone,
    articleCount: r.n ?? 0,
    latestUpdate: r.n ? r.latest : null,
  }));
}
