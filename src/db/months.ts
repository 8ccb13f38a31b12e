// Articles by month: the sitemaps (every month, one month, the recent days) and the RFC 5005
// archive chain of the feeds.
import type { SitemapEntry } from "../core/model";
import { ALL_LABEL_MATCH, monthLabelMatch } from "../core/search-tokens";
import { searchRowidFloor } from "./search";
import { type SqlRunner, sql } from "./sql";

/** Months ("yyyy/mm" of the permalink date) that have articles, newest first, with their latest update. */
export async function listArticleMonths(db: SqlRunner): Promise<{ month: string; lastModified: number }[]> {
  const rows = await db.all<{ month: string; last: number }>(
    // month_stats is kept by triggers (migrations/0008_listing_stats.sql): no scan of articles.
    sql("SELECT month, last_updated AS last FROM month_stats WHERE article_count > 0 ORDER BY month DESC"),
  );
  return rows.map((r) => ({ month: r.month, lastModified: r.last }));
}

const SITEMAP_COLUMNS = `a.id, a.path_date AS pathDate, s.slug AS sourceSlug, s.name AS sourceName, a.title,
  a.published_at AS published, a.published_offset AS publishedOffset, a.updated_at AS updated`;

/** The articles whose permalink date is in `month` ("yyyy/mm"), newest first, at most `limit`:
 *  the month's label posting list (db/search.ts). */
export async function listMonthEntries(db: SqlRunner, month: string, limit: number): Promise<SitemapEntry[]> {
  return db.all<SitemapEntry>(
    sql(
      `SELECT ${SITEMAP_COLUMNS} FROM search_index l JOIN articles a ON a.search_rowid = l.rowid JOIN sources s ON s.id = a.source_id
       WHERE search_index MATCH ?1 ORDER BY l.rowid DESC LIMIT ?2`,
      monthLabelMatch(month, null),
      limit,
    ),
  );
}

/** Articles published since `sinceMs`, newest first (the news sitemap). The bound is cast: FTS5
 *  stops its scan at an integer bound only (db/articles.ts listStatement says why). */
export async function listRecentEntries(db: SqlRunner, sinceMs: number, limit: number): Promise<SitemapEntry[]> {
  return db.all<SitemapEntry>(
    sql(
      `SELECT ${SITEMAP_COLUMNS} FROM search_index l JOIN articles a ON a.search_rowid = l.rowid JOIN sources s ON s.id = a.source_id
       WHERE search_index MATCH ?3 AND l.rowid >= CAST(?1 AS INTEGER) AND a.published_at >= ?4 ORDER BY l.rowid DESC LIMIT ?2`,
      searchRowidFloor(sinceMs),
      limit,
      ALL_LABEL_MATCH,
      sinceMs,
    ),
  );
}

/** The newest month before `month` (or the newest of all, when null) and the oldest after it
 *  that have articles, of one source or all: the archive chain's neighbours (seeks in the month
 *  summaries, kept in step with every write). */
export async function getArchiveNeighbours(
  db: SqlRunner,
  month: string | null,
  sourceId: number | null,
): Promise<{ older: string | null; newer: string | null }> {
  const table = sourceId === null ? "month_stats WHERE" : "source_month_stats WHERE source_id = ?2 AND";
  const params = (bound: string) => (sourceId === null ? [bound] : [bound, sourceId]);
  const [older, newer] = (await db.allMany([
    sql(
      `SELECT max(month) AS d FROM ${table} month < ?1 AND article_count > 0`,
      ...params(month === null ? "9999" : month),
    ),
    sql(
      `SELECT min(month) AS d FROM ${table} month > ?1 AND article_count > 0`,
      ...params(month === null ? "9999" : month),
    ),
  ])) as [{ d: string | null }[], { d: string | null }[]];
  return { older: older[0]?.d?.slice(0, 7) ?? null, newer: newer[0]?.d?.slice(0, 7) ?? null };
}
