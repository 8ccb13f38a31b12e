// Every SQL statement about the search index (migrations/0003_search.sql explains its shape).
import type { ArticleInput } from "../core/model";
import { indexTokens } from "../core/search-tokens";
import { htmlToText } from "../core/text";
import { type SqlRunner, type Stmt, sql } from "./sql";

/** Ticks per millisecond in a search rowid: published_at × 1024 + a tiebreak. */
export const ROWID_TICKS = 1024;

/** What of an article is searchable: its title, tags and text (ingest usually hands the text
 *  over already extracted, saving a second pass over the HTML). */
export function searchTextOf(
  a: Pick<ArticleInput, "title" | "tags" | "contentHtml" | "summary" | "plainText">,
): string {
  return `${a.title} ${a.tags.join(" ")} ${a.plainText ?? (htmlToText(a.contentHtml) || a.summary)}`;
}

/** Rowids below a full millisecond searched for a free one: ~1 s of ticks. */
const OVERFLOW_WINDOW = 1000 * ROWID_TICKS;

/** The SQL of a fresh search rowid for an article published at `publishedAt` (an SQL expression:
 *  a column or a parameter): the next free tiebreak in its millisecond. When the millisecond's
 *  1024 rowids are all taken (thousands of items dated the same instant: feeds that give only a
 *  date put them all at midnight), the nearest free rowid below it instead, so the article still
 *  sorts just after its millisecond and never collides. */
export function freshSearchRowidSql(publishedAt: string): string {
  const T = ROWID_TICKS;
  const base = `(${publishedAt}) * ${T}`;
  return `(SELECT CASE
       WHEN slot.top IS NULL THEN ${base}
       WHEN slot.top < ${base} + ${T - 1} THEN slot.top + 1
       ELSE coalesce(
         (SELECT max(g.r) FROM (
            SELECT ${base} - 1 AS r
            UNION ALL
            SELECT b.search_rowid - 1 FROM articles b
            WHERE b.search_rowid BETWEEN ${base} - ${OVERFLOW_WINDOW} AND ${base} + ${T - 1}
          ) g
          WHERE g.r >= ${base} - ${OVERFLOW_WINDOW} - 1
            AND NOT EXISTS (SELECT 1 FROM articles c WHERE c.search_rowid = g.r)),
         -- a whole second of rowids below taken too (never seen): past the newest, out of order
         -- but never colliding
         (SELECT max(search_rowid) + 1 FROM articles))
     END
     FROM (SELECT max(b.search_rowid) AS top FROM articles b
           WHERE b.search_rowid BETWEEN ${base} AND ${base} + ${T - 1}) AS slot)`;
}

/** Index a new article whose row was inserted with its search rowid (upsertArticleStatements):
 *  one statement, one row. OR REPLACE: when a concurrent writer stored the same article first,
 *  the insert became an update of that row, whose index row this replaces. */
export function indexNewArticleStatement(articleId: string, text: string): Stmt {
  return sql(
    "INSERT OR REPLACE INTO search_index (rowid, tokens) SELECT search_rowid, ?2 FROM articles WHERE id = ?1",
    articleId,
    indexTokens(text),
  );
}

/** Reindex a stored article, after its row is written: drop its old index row, give it a fresh
 *  rowid in its (possibly new) millisecond, insert its tokens. */
export function indexArticleStatements(articleId: string, text: string): Stmt[] {
  return [
    sql("DELETE FROM search_index WHERE rowid = (SELECT search_rowid FROM articles WHERE id = ?1)", articleId),
    sql("UPDATE articles SET search_rowid = NULL WHERE id = ?1", articleId),
    sql(`UPDATE articles AS a SET search_rowid = ${freshSearchRowidSql("a.published_at")} WHERE a.id = ?1`, articleId),
    sql(
      "INSERT INTO search_index (rowid, tokens) SELECT search_rowid, ?2 FROM articles WHERE id = ?1",
      articleId,
      indexTokens(text),
    ),
  ];
}

/** Remove the index rows of every article of a source (before the articles themselves go). */
export function unindexSourceStatement(slug: string): Stmt {
  return sql(
    `DELETE FROM search_index WHERE rowid IN (
       SELECT search_rowid FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = ?1) AND search_rowid IS NOT NULL)`,
    slug,
  );
}

/** Index up to `limit` articles that have no index row yet (stored before search existed). */
export async function indexMissing(db: SqlRunner, limit: number): Promise<number> {
  const rows = await db.all<{
    id: string;
    title: string;
    summary: string;
    content_html: string;
    tags_json: string | null;
  }>(
    sql(
      `SELECT a.id, a.title, a.summary, a.content_html,
         (SELECT json_group_array(t.name) FROM article_tags k JOIN tags t ON t.id = k.tag_id WHERE k.article_id = a.id) AS tags_json
       FROM articles a WHERE a.search_rowid IS NULL LIMIT ?1`,
      limit,
    ),
  );
  await db.batch(
    rows.flatMap((r) =>
      indexArticleStatements(
        r.id,
        searchTextOf({
          title: r.title,
          summary: r.summary,
          contentHtml: r.content_html,
          tags: r.tags_json ? (JSON.parse(r.tags_json) as string[]) : [],
        }),
      ),
    ),
  );
  return rows.length;
}
