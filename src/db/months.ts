// Articles by month: the sitemaps (every month, one month, the recent days) and the RFC 5005
// archive chain of the feeds.
import type { SitemapEntry } from "../core/model";
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

/** The articles whose permalink date is in `month` ("yyyy/mm"), at most `limit`. */
export async function listMonthEntries(db: SqlRunner, month: string, limit: number): Promise<SitemapEntry[]> {
  return db.all<SitemapEntry>(
    sql(
      `SELECT ${SITEMAP_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
       WHERE a.path_date >= ?1 AND a.path_date < ?2 ORDER BY a.path_date DESC, a.id LIMIT ?3`,
      `${month}/00`,
      `${month}/99`,
      limit,
    ),
  );
}

/** Articles published since `sinceMs`, newest first (the news sitemap). */
export async function listRecentEntries(db: SqlRunner, sinceMs: number, limit: number): Promise<SitemapEntry[]> {
  return db.all<SitemapEntry>(
    sql(
      `SELECT ${SITEMAP_COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id
       WHERE a.published_at >= ?1 ORDER BY a.published_at DESC, a.id DESC LIMIT ?2`,
      sinceMs,
      limit,
    ),
  );
}

/** The newest month before `month` (or the newest of all, when null) and the oldest after it
 *  that have articles, of one source or all: the archive chain's neighbours (index seeks). */
export async function getArchiveNeighbours(
  db: SqlRunner,
  month: string | null,
  sourceId: number | null,
): Promise<{ older: string | null; newer: string | null }> {
  const scope = sourceId === null ? "" : "source_id = ?2 AND";
  const params = (bound: string) => (sourceId === null ? [bound] : [bound, sourceId]);
  const [older, newer] = (await db.allMany([
    sql(
      `SELECT max(path_date) AS d FROM articles WHERE ${scope} path_date < ?1`,
      ...params(month === null ? "9999" : `${month}/00`),
    ),
    sql(
      `SELECT min(path_date) AS d FROM articles WHERE ${scope} path_date > ?1`,
      ...params(month === null ? "9999" : `${month}/99`),
    ),
  ])) as [{ d: string | null }[], { d: string | null }[]];
  return { older: older[0]?.d?.slice(0, 7) ?? null, newer: newer[0]?.d?.slice(0, 7) ?? null };
}
