// Every SQL statement about the search index (migrations/0003_search.sql explains its shape).
import type { ArticleInput } from "../core/model";
import { WORDS_PENDING_MATCH, WORDS_PENDING_TOKEN, indexTokens } from "../core/search-tokens";
import { htmlToText } from "../core/text";
import { type SqlRunner, type Stmt, sql } from "./sql";

/** Search rowids per second: a rowid is published_at's second × 16 + a tiebreak (seconds, not
 *  milliseconds: the rowid deltas are much of each posting, and finer steps only make them longer;
 *  migrations/0019_one_search_row.sql). */
export const ROWIDS_PER_SECOND = 16;

/** The first search rowid of the second holding `ms` (what time ranges compare rowids with). The
 *  SQL twin is rowidBaseSql; both floor. */
export function searchRowidAt(ms: number): number {
  return Math.floor(ms / 1000) * ROWIDS_PER_SECOND;
}

/** The SQL of searchRowidAt for an SQL expression (integer ms). */
function rowidBaseSql(ms: string): string {
  return `((${ms}) - (((${ms}) % 1000) + 1000) % 1000) / 1000 * ${ROWIDS_PER_SECOND}`;
}

/** What of an article is searchable: its title, tags and text (ingest usually hands the text
 *  over already extracted, saving a second pass over the HTML). */
export function searchTextOf(
  a: Pick<ArticleInput, "title" | "tags" | "contentHtml" | "summary" | "plainText">,
): string {
  return `${a.title} ${a.tags.join(" ")} ${a.plainText ?? (htmlToText(a.contentHtml) || a.summary)}`;
}

/** A stored article's columns its searchable text is made of (tags as the row's JSON). */
export interface SearchableRow {
  readonly title: string;
  readonly summary: string;
  readonly content_html: string;
  readonly tags_json: string | null;
}

/** searchTextOf for a stored row; `contentHtml` replaces the row's body (an archived article's,
 *  read back from R2). */
export function searchTextOfRow(r: SearchableRow, contentHtml: string = r.content_html): string {
  return searchTextOf({
    title: r.title,
    summary: r.summary,
    contentHtml,
    tags: r.tags_json ? (JSON.parse(r.tags_json) as string[]) : [],
  });
}

/** Rowids below a full second searched for a free one: an hour of them (a feed that dates its
 *  items by day alone puts them all at midnight: 57,600 rowids hold that many). */
const OVERFLOW_WINDOW = 3600 * ROWIDS_PER_SECOND;

/** The lowest search rowid an article published at or after `ms` can have: its second's first,
 *  less the window below it that a full second overflows into (freshSearchRowidSql). A time
 *  range's lower bound on rowids; the row's own published_at makes the range exact. */
export function searchRowidFloor(ms: number): number {
  return searchRowidAt(ms) - OVERFLOW_WINDOW - 1;
}

/** Search rowids of the layout before migrations/0019_one_search_row.sql were published_at's
 *  millisecond × 1024 (~1.8e15 today); the present ones are its second × 16 (~2.8e10), and stay
 *  below this bound for ~20,000 years. A listing cursor above it was issued before 0019. */
const LEGACY_ROWID_MIN = 1e13;

/** The present rowid bound of a cursor issued before 0019, as SQL: the rowid of the article it
 *  names (it carries its id), else the first rowid of its millisecond's second. Null for a cursor
 *  of the present layout. */
export function legacyCursorRowidSql(rowid: number, id: string, p: (v: string | number) => string): string | null {
  if (rowid < LEGACY_ROWID_MIN) return null;
  return `coalesce((SELECT search_rowid FROM articles WHERE id = ${p(id)}), ${p(searchRowidAt(Math.floor(rowid / 1024)))})`;
}

/** Past the newest rowid of the present layout (rows of the layout before 0019, waiting for the
 *  rebuild, hold larger ones). */
const pastNewestSql = `(SELECT coalesce(max(search_rowid), 0) + 1 FROM articles WHERE search_rowid < ${LEGACY_ROWID_MIN})`;

/** The SQL of a fresh search rowid for an article published at `publishedAt` (an SQL expression:
 *  a column or a parameter): the next free tiebreak in its second. When the second's 16 rowids are
 *  all taken, the nearest free rowid below it instead, so the article still sorts just after its
 *  second and never collides. */
export function freshSearchRowidSql(publishedAt: string): string {
  const T = ROWIDS_PER_SECOND;
  const base = `(${rowidBaseSql(publishedAt)})`;
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
         -- an hour of rowids below taken too (never seen): past the newest, out of order but never
         -- colliding
         ${pastNewestSql})
     END
     FROM (SELECT max(b.search_rowid) AS top FROM articles b
           WHERE b.search_rowid BETWEEN ${base} AND ${base} + ${T - 1}) AS slot)`;
}

/** An article's labels (core/search-tokens.ts: tag, month and source-month tokens, a story head's
 *  key tokens, and a story member's label: its head's id), built from its stored row `a`: the
 *  permalink month and source never change, the tags and keys are the row's, and the story is
 *  decided when the article is first stored. `stories: false` leaves the story labels out, for a
 *  row of the layout before migrations/0020 (which has no story_keys column); the same expression
 *  without them is in migrations/0013_fewer_rows.sql, which labelled the articles stored before it. */
export function labelsSql(a: string, { stories = true }: { stories?: boolean } = {}): string {
  const yyyymm = `substr(${a}.path_date, 1, 4) || substr(${a}.path_date, 6, 2)`;
  const story = stories
    ? `\n    || coalesce(' ' || char(57350) || replace(${storyKeysSql(a)}, ' ', ' ' || char(57350)), '')
    || CASE WHEN ${a}.story_id <> ${a}.id THEN ' ' || char(57351) || ${a}.story_id ELSE '' END`
    : "";
  return `char(57344) || 'all ' || char(57346) || ${a}.source_id || ' ' || char(57347) || ${yyyymm} || ' ' || char(57348) || ${a}.source_id || 'm' || ${yyyymm}
    || coalesce((SELECT ' ' || group_concat(char(57345) || hex(value), ' ') FROM json_each(${a}.tags)), '')${story}`;
}

/** A story head's keys as its row holds them ("key" or "key leadKey"; NULL on any other row):
 *  story_keys, or a head's columns of the layout before migrations/0020 until the rebuild moves
 *  them. */
export function storyKeysSql(a: string): string {
  return `coalesce(${a}.story_keys, CASE WHEN ${a}.story_id = ${a}.id THEN ${a}.story_key || coalesce(' ' || ${a}.story_lead_key, '') END)`;
}

/** The MATCH expression (SQL) for the label of the source whose id `sourceId` (an SQL
 *  expression) gives; a source that does not exist matches nothing. */
export function sourceLabelSql(sourceId: string): string {
  return `('"' || char(57346) || coalesce(${sourceId}, 0) || '"')`;
}

/** The MATCH expression (SQL) for the members of the story headed by the article whose id
 *  `headId` (an SQL expression) gives: their member label (labelsSql); NULL matches nothing. */
export function storyMemberMatchSql(headId: string): string {
  return `('"' || char(57351) || coalesce(${headId}, '') || '"')`;
}

/** Index a new article whose row was inserted with its search rowid (upsertArticleStatements):
 *  its tokens and, after them, its labels, in one row (a visitor's words never match a label: see
 *  core/search-tokens.ts). OR REPLACE: when a concurrent writer stored the same article first, the
 *  insert became an update of that row, whose index row this replaces. One row of VALUES, not an
 *  INSERT … SELECT: a statement that may write several rows opens a statement journal, and FTS5
 *  writes the index rows it holds in memory out as a segment of their own whenever one opens
 *  (searchWritesLast says what that costs). */
export function indexNewArticleStatements(articleId: string, text: string): Stmt[] {
  return [
    sql(
      `INSERT OR REPLACE INTO search_index (rowid, tokens) VALUES ((SELECT search_rowid FROM articles WHERE id = ?1),
         ?2 || ' ' || (SELECT ${labelsSql("a")} FROM articles a WHERE a.id = ?1))`,
      articleId,
      indexTokens(text),
    ),
  ];
}

/** What a batch writes for one article: its row and whatever goes with it, then its index row. */
export interface ArticleWrites {
  readonly row: readonly Stmt[];
  readonly index: readonly Stmt[];
}

/** The statements of several articles' writes in one batch (one transaction): every row part,
 *  then `between`, then every index row. FTS5 keeps the index rows a transaction inserts in
 *  memory and writes them out as one segment at the end, or earlier whenever a statement opens a
 *  statement journal (an upsert, an INSERT … SELECT: nearly every other write): index rows
 *  interleaved with the articles' rows would each be a segment of ~2 pages, which FTS5's merges
 *  then rewrite level by level; together they make one segment per batch (bench/README.md,
 *  Search). */
export function searchWritesLast(writes: readonly ArticleWrites[], between: readonly Stmt[] = []): Stmt[] {
  return [...writes.flatMap((w) => w.row), ...between, ...writes.flatMap((w) => w.index)];
}

// The rebuild of the index into the layout of migrations/0019_one_search_row.sql, in bounded
// steps (src/archive/search-rebuild.ts runs them; the migration's comment says why).

/** An article whose search rowid is still of the layout before 0019. */
export interface LegacyRow {
  readonly id: string;
}

/** SQL: the search rowid `col` is of the layout before 0019 (see LEGACY_ROWID_MIN). Statements
 *  name such an article by id and this test, never by its old rowid: past 2^53 (an article the
 *  old layout dated after the year 2248) JavaScript cannot carry it exactly. */
const legacySql = (col: string) => `(${col} >= ${LEGACY_ROWID_MIN} OR ${col} <= -${LEGACY_ROWID_MIN})`;

/** Up to `limit` articles of the old layout, newest first (old rowids are time-ordered too). Two
 *  ranges of the rowid index, each read from its top. */
export async function legacyRows(db: SqlRunner, limit: number): Promise<LegacyRow[]> {
  const range = (where: string) =>
    db.all<LegacyRow>(sql(`SELECT id FROM articles WHERE ${where} ORDER BY search_rowid DESC LIMIT ?1`, limit));
  const above = await range(`search_rowid >= ${LEGACY_ROWID_MIN}`);
  if (above.length === limit) return above;
  return [...above, ...(await range(`search_rowid <= -${LEGACY_ROWID_MIN}`))].slice(0, limit);
}

/** The new rowid of old-layout article `a`, for articles converted newest first: the top rowid
 *  of its second if free, else the nearest free one below. So a second's articles keep their
 *  order (the newest takes the top), and one of more than 16 overflows below its base as
 *  freshSearchRowidSql's does. */
function convertedRowidSql(): string {
  const base = `(${rowidBaseSql("a.published_at")})`;
  return `(SELECT coalesce(
       CASE WHEN NOT EXISTS (SELECT 1 FROM articles c WHERE c.search_rowid = t.v) THEN t.v END,
       (SELECT max(g.r) FROM (SELECT b.search_rowid - 1 AS r FROM articles b WHERE b.search_rowid BETWEEN t.lo AND t.v) g
        WHERE g.r >= t.lo - 1 AND NOT EXISTS (SELECT 1 FROM articles c WHERE c.search_rowid = g.r)),
       ${pastNewestSql})
     FROM (SELECT ${base} + ${ROWIDS_PER_SECOND - 1} AS v, ${base} - ${OVERFLOW_WINDOW} AS lo) AS t)`;
}

/** Step 1 for one article: its new rowid and a row of its labels with the "words pending" token
 *  (and a story head's keys moved into them). Each statement acts only while the article is
 *  still of the old layout (a refresh that edited it meanwhile indexed it whole); the new rowid
 *  is computed twice from the same rows (the insert writes only the index). Any row the code
 *  before 0019 wrote at the old rowid goes first. The UPDATE returns the id it converted. */
export function relabelLegacyStatements(row: LegacyRow): Stmt[] {
  const rowid = convertedRowidSql();
  return [
    moveStoryKeysStatement(row.id),
    sql(
      `DELETE FROM search_index WHERE rowid = (SELECT search_rowid FROM articles WHERE id = ?1 AND ${legacySql("search_rowid")})`,
      row.id,
    ),
    sql(
      `INSERT OR REPLACE INTO search_index (rowid, tokens) SELECT ${rowid}, ?2 || ' ' || ${labelsSql("a")} FROM articles a
       WHERE a.id = ?1 AND ${legacySql("a.search_rowid")}`,
      row.id,
      WORDS_PENDING_TOKEN,
    ),
    sql(
      `UPDATE articles AS a SET search_rowid = ${rowid} WHERE a.id = ?1 AND ${legacySql("a.search_rowid")} RETURNING id`,
      row.id,
    ),
  ];
}

/** An article that still has story keys in the columns of the layout before migrations/0020. */
export interface KeyedRow {
  readonly id: string;
  readonly search_rowid: number | null;
  /** 1 on the head of its story; 0 on a member (which stored keys before 0017). */
  readonly head: number;
}

/** Up to `limit` articles whose story keys are still in the columns of the layout before
 *  migrations/0020, found through the old key index, which holds only them; none once step 1 has
 *  dropped it (without it the same query would scan every article). */
export async function keyedRows(db: SqlRunner, limit: number): Promise<KeyedRow[]> {
  const index = await db.all(
    sql("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = 'articles_by_story_key'"),
  );
  if (index.length === 0) return [];
  return db.all(
    sql(
      `SELECT id, search_rowid, coalesce(story_id = id, 0) AS head FROM articles INDEXED BY articles_by_story_key
       WHERE story_key IS NOT NULL LIMIT ?1`,
      limit,
    ),
  );
}

/** Keys leave the old columns (and so the old indexes): a head's into story_keys, a member's are
 *  dropped (a reprint is compared with its story's head, migrations/0017). */
function moveStoryKeysStatement(id: string, returning = false): Stmt {
  return sql(
    `UPDATE articles SET story_keys = CASE WHEN story_id = id THEN ${storyKeysSql("articles")} ELSE story_keys END,
       story_key = NULL, story_lead_key = NULL
     WHERE id = ?1 AND story_key IS NOT NULL${returning ? " RETURNING id" : ""}`,
    id,
  );
}

/** Step 1 for an article of the present layout whose keys are in the old columns. A head's
 *  search row becomes its labels, key tokens included, with the "words pending" token (step 2
 *  puts its words back), and its keys move to story_keys; a head not yet indexed only has its
 *  keys moved (the backfill labels it). A member's keys are dropped; its row stays as it is. The
 *  last statement returns the id it changed. */
export function rekeyStatements(row: KeyedRow): Stmt[] {
  const moved = moveStoryKeysStatement(row.id, true);
  if (row.search_rowid === null || !row.head) return [moved];
  return [
    sql(
      "DELETE FROM search_index WHERE rowid = (SELECT search_rowid FROM articles WHERE id = ?1 AND story_key IS NOT NULL)",
      row.id,
    ),
    sql(
      `INSERT OR REPLACE INTO search_index (rowid, tokens) SELECT a.search_rowid, ?2 || ' ' || ${labelsSql("a")} FROM articles a
       WHERE a.id = ?1 AND a.story_key IS NOT NULL AND a.search_rowid IS NOT NULL`,
      row.id,
      WORDS_PENDING_TOKEN,
    ),
    moved,
  ];
}

/** Take the rebuild until `until` (ms) unless another tick holds it at `now`: true when taken. */
export async function claimSearchRebuild(db: SqlRunner, now: number, until: number): Promise<boolean> {
  const rows = await db.all(
    sql("UPDATE search_rebuild SET lease_until = ?2 WHERE id = 1 AND lease_until < ?1 RETURNING id", now, until),
  );
  return rows.length > 0;
}

/** Give the rebuild back (when still held by the claim that ends at `until`). */
export function releaseSearchRebuildStatement(until: number): Stmt {
  return sql("UPDATE search_rebuild SET lease_until = 0 WHERE id = 1 AND lease_until = ?1", until);
}

/** What step 1 leaves behind: the label table of the layout before 0019 (kept until step 1 is
 *  done, see that migration) and the story key indexes of the layout before 0020 (empty then). */
const LEGACY_SCHEMA = ["search_labels", "articles_by_story_key", "articles_by_story_lead_key"];
export const dropLegacySchemaStatements: Stmt[] = [
  sql("DROP TABLE IF EXISTS search_labels"),
  sql("DROP INDEX IF EXISTS articles_by_story_key"),
  sql("DROP INDEX IF EXISTS articles_by_story_lead_key"),
];

export async function legacySchemaLeft(db: SqlRunner): Promise<boolean> {
  const names = LEGACY_SCHEMA.map((n) => `'${n}'`).join(", ");
  return (await db.all(sql(`SELECT 1 FROM sqlite_schema WHERE name IN (${names})`))).length > 0;
}

/** An article whose index row holds its labels only (step 2), with what its words come from. */
export interface PendingWordsRow extends SearchableRow {
  readonly id: string;
  readonly search_rowid: number;
  readonly content_hash: string;
  readonly archived: number;
}

/** Whether search does not yet find every article: step 1 or step 2 of the rebuild has work. */
export async function searchIncomplete(db: SqlRunner): Promise<boolean> {
  if ((await legacyRows(db, 1)).length > 0) return true;
  return (
    (await db.all(sql("SELECT 1 FROM search_index WHERE search_index MATCH ?1 LIMIT 1", WORDS_PENDING_MATCH))).length >
    0
  );
}

/** Up to `limit` label-only rows below rowid `below` (null: from the newest), newest first. */
export function pendingWordsRows(db: SqlRunner, below: number | null, limit: number): Promise<PendingWordsRow[]> {
  return db.all<PendingWordsRow>(
    sql(
      `SELECT a.id, a.search_rowid, a.title, a.summary, a.content_html, a.tags AS tags_json, a.content_hash,
         a.archived_at IS NOT NULL AS archived
       FROM search_index l JOIN articles a ON a.search_rowid = l.rowid
       WHERE search_index MATCH ?1 AND l.rowid < CAST(?2 AS INTEGER) ORDER BY l.rowid DESC LIMIT ?3`,
      WORDS_PENDING_MATCH,
      below ?? Number.MAX_SAFE_INTEGER,
      limit,
    ),
  );
}

/** Step 2 for one article: its words and labels replace its label-only row, while the article is
 *  still the version whose text was read (else a refresh has indexed its new text already). */
export function addWordsStatement(row: PendingWordsRow, text: string): Stmt {
  return sql(
    `INSERT OR REPLACE INTO search_index (rowid, tokens) SELECT a.search_rowid, ?2 || ' ' || ${labelsSql("a")} FROM articles a
     WHERE a.id = ?1 AND a.search_rowid = ?3 AND a.content_hash = ?4`,
    row.id,
    indexTokens(text),
    row.search_rowid,
    row.content_hash,
  );
}

/** Reindex a stored article, after its row is written: drop its old index row, give it a fresh
 *  rowid in its (possibly new) second (`row`), insert its tokens and labels (`index`). */
export function reindexArticleWrites(articleId: string, text: string): ArticleWrites {
  return {
    row: [
      sql("DELETE FROM search_index WHERE rowid = (SELECT search_rowid FROM articles WHERE id = ?1)", articleId),
      sql("UPDATE articles SET search_rowid = NULL WHERE id = ?1", articleId),
      sql(
        `UPDATE articles AS a SET search_rowid = ${freshSearchRowidSql("a.published_at")} WHERE a.id = ?1`,
        articleId,
      ),
    ],
    index: indexNewArticleStatements(articleId, text),
  };
}

/** reindexArticleWrites of one article, in order. */
export function indexArticleStatements(articleId: string, text: string): Stmt[] {
  return searchWritesLast([reindexArticleWrites(articleId, text)]);
}

/** Remove the index rows of every article of a source (before the articles go). */
export function unindexSourceStatements(slug: string): Stmt[] {
  return [
    sql(
      `DELETE FROM search_index WHERE rowid IN (
         SELECT search_rowid FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = ?1) AND search_rowid IS NOT NULL)`,
      slug,
    ),
  ];
}

/** Index up to `limit` articles that have no index row yet (stored before search existed). An
 *  archived one waits until the archive step has put its body back (archive/tick.ts). */
export async function indexMissing(db: SqlRunner, limit: number): Promise<number> {
  const rows = await db.all<SearchableRow & { id: string }>(
    sql(
      "SELECT a.id, a.title, a.summary, a.content_html, a.tags AS tags_json FROM articles a WHERE a.search_rowid IS NULL AND a.archived_at IS NULL LIMIT ?1",
      limit,
    ),
  );
  await db.batch(searchWritesLast(rows.map((r) => reindexArticleWrites(r.id, searchTextOfRow(r)))));
  return rows.length;
}
