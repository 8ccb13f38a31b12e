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

/** An article's labels (core/search-tokens.ts: tag, month and source-month tokens), built from
 *  its stored row `a`: the permalink month and source never change, the tags are the row's. The
 *  same expression is in migrations/0013_fewer_rows.sql, which labels the articles stored before. */
export function labelsSql(a: string): string {
  const yyyymm = `substr(${a}.path_date, 1, 4) || substr(${a}.path_date, 6, 2)`;
  return `char(57344) || 'all ' || char(57346) || ${a}.source_id || ' ' || char(57347) || ${yyyymm} || ' ' || char(57348) || ${a}.source_id || 'm' || ${yyyymm}
    || coalesce((SELECT ' ' || group_concat(char(57345) || hex(value), ' ') FROM json_each(${a}.tags)), '')`;
}

/** The MATCH expression (SQL) for the label of the source whose id `sourceId` (an SQL
 *  expression) gives; a source that does not exist matches nothing. */
export function sourceLabelSql(sourceId: string): string {
  return `('"' || char(57346) || coalesce(${sourceId}, 0) || '"')`;
}

/** Index a new article whose row was inserted with its search rowid (upsertArticleStatements):
 *  its tokens and its labels, one row each. OR REPLACE: when a concurrent writer stored the same
 *  article first, the insert became an update of that row, whose index rows these replace. */
export function indexNewArticleStatements(articleId: string, text: string): Stmt[] {
  return [
    sql(
      "INSERT OR REPLACE INTO search_index (rowid, tokens) SELECT search_rowid, ?2 FROM articles WHERE id = ?1",
      articleId,
      indexTokens(text),
    ),
    sql(
      `INSERT OR REPLACE INTO search_labels (rowid, labels) SELECT a.search_rowid, ${labelsSql("a")} FROM articles a WHERE a.id = ?1`,
      articleId,
    ),
  ];
}

/** Reindex a stored article, after its row is written: drop its old index and label rows, give it
 *  a fresh rowid in its (possibly new) millisecond, insert its tokens and labels. */
export function indexArticleStatements(articleId: string, text: string): Stmt[] {
  const old = "(SELECT search_rowid FROM articles WHERE id = ?1)";
  return [
    sql(`DELETE FROM search_index WHERE rowid = ${old}`, articleId),
    sql(`DELETE FROM search_labels WHERE rowid = ${old}`, articleId),
    sql("UPDATE articles SET search_rowid = NULL WHERE id = ?1", articleId),
    sql(`UPDATE articles AS a SET search_rowid = ${freshSearchRowidSql("a.published_at")} WHERE a.id = ?1`, articleId),
    ...indexNewArticleStatements(articleId, text),
  ];
}

/** Remove the index and label rows of every article of a source (before the articles go). */
export function unindexSourceStatements(slug: string): Stmt[] {
  return ["search_index", "search_labels"].map((table) =>
    sql(
      `DELETE FROM ${table} WHERE rowid IN (
         SELECT search_rowid FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = ?1) AND search_rowid IS NOT NULL)`,
      slug,
    ),
  );
}

/** Index up to `limit` articles that have no index row yet (stored before search existed). An
 *  archived one waits until the archive step has put its body back (archive/tick.ts). */
export async function indexMissing(db: SqlRunner, limit: number): Promise<number> {
  const rows = await db.all<{
    id: string;
    title: string;
    summary: string;
    content_html: string;
    tags_json: string | null;
  }>(
    sql(
      "SELECT a.id, a.title, a.summary, a.content_html, a.tags AS tags_json FROM articles a WHERE a.search_rowid IS NULL AND a.archived_at IS NULL LIMIT ?1",
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
