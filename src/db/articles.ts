// Every SQL statement about articles and tags: keyset listings, lookups, and the upsert.
import type { Article, ArticleInput, Cursor, Paged, Scope, SitemapEntry, SourceRef } from "../core/model";
import { articleId, sha256Hex } from "../core/ids";
import { formatPathDate } from "../core/time";
import { type ArticleRow, toArticle } from "./rows";
import { ROWID_TICKS, indexArticleStatements, searchTextOf } from "./search";
import { type SqlRunner, type SqlValue, type Stmt, sql } from "./sql";

// Tags in the article's own order, as one JSON array per row (one index probe per row).
const TAGS_JSON = `(SELECT json_group_array(name) FROM (
    SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
    WHERE x.article_id = a.id ORDER BY x.position)) AS tags_json`;

/** A listing page's columns (toArticleBrief): a third of a full row's bytes, and D1's cost
 *  grows with the bytes a read returns. */
export const BRIEF_COLUMNS = `a.id, a.path_date, a.title, a.summary, a.published_at, a.published_offset,
    s.slug AS source_slug, s.name AS source_name, s.label AS source_label, ${TAGS_JSON}`;

function columns(withContent: boolean): string {
  return `a.id, a.guid, a.path_date, a.original_url, a.title, a.summary,
    ${withContent ? "a.content_html" : "'' AS content_html"},
    a.published_at, a.published_offset, a.updated_at, a.updated_offset, a.author, a.image, a.content_hash, a.search_rowid,
    s.slug AS source_slug, s.name AS source_name, s.label AS source_label, ${TAGS_JSON}`;
}

// Above every real key: the first page uses the same statement as every other page.
const FIRST: Cursor = { ms: Number.MAX_SAFE_INTEGER, id: "~" };

export interface ListOptions {
  readonly before?: Cursor | null;
  readonly limit: number;
  readonly withContent?: boolean;
  /** Narrowing filters (the API's): within the scope, only these. */
  readonly filters?: ListFilters;
}

export interface ListFilters {
  readonly sourceId?: number;
  readonly tag?: string;
  /** Published at or after (ms). */
  readonly sinceMs?: number;
  /** Published before (ms). */
  readonly untilMs?: number;
}

/** A source named by its id, or by its slug (a page that has only the URL reads the source and
 *  its listing in one batch). */
export type SourceKey = { readonly id: number } | { readonly slug: string };
/** The scopes a listing statement takes: a `Scope`, with the source as a key. */
export type ListScope = Exclude<Scope, { kind: "source" }> | { readonly kind: "source"; readonly source: SourceKey };

/** One statement for a page of a listing, newest first; asks for one extra row to know if more
 *  exist. Each scope is one index range in its own order: (published_at, id) for the site and a
 *  source, the tag index for a tag, the FTS index's rowid (time-ordered) for a search. */
export function listStatement(scope: ListScope, opts: ListOptions, cols = columns(opts.withContent ?? false)): Stmt {
  const c = opts.before ?? FIRST;
  const f = opts.filters ?? {};
  const params: SqlValue[] = [];
  const p = (v: SqlValue) => {
    params.push(v);
    return `?${params.length}`;
  };
  const where: string[] = [];
  let from: string;
  let order: string;
  // The time column of the driving index, so since/until narrow the same range.
  let time: string;
  switch (scope.kind) {
    case "all":
    case "source":
      from = "articles a JOIN sources s ON s.id = a.source_id";
      if (scope.kind === "source") {
        const key = scope.source;
        where.push(`a.source_id = ${"id" in key ? p(key.id) : `(SELECT id FROM sources WHERE slug = ${p(key.slug)})`}`);
      }
      where.push(`(a.published_at, a.id) < (${p(c.ms)}, ${p(c.id)})`);
      order = "a.published_at DESC, a.id DESC";
      time = "a.published_at";
      break;
    case "tag":
      from = "article_tags k JOIN articles a ON a.id = k.article_id JOIN sources s ON s.id = a.source_id";
      where.push(`k.tag_id = (SELECT id FROM tags WHERE name = ${p(scope.tag)})`);
      where.push(`(k.published_at, k.article_id) < (${p(c.ms)}, ${p(c.id)})`);
      order = "k.published_at DESC, k.article_id DESC";
      time = "k.published_at";
      break;
    case "month":
      // A whole month (an RFC 5005 archive document): one range of the path-date index.
      from = "articles a JOIN sources s ON s.id = a.source_id";
      if (scope.source) where.push(`a.source_id = ${p(scope.source.id)}`);
      where.push(`a.path_date >= ${p(`${scope.month}/00`)}`, `a.path_date < ${p(`${scope.month}/99`)}`);
      order = "a.path_date DESC, a.id DESC";
      time = "a.published_at";
      break;
    case "search":
      // No sort, whatever the number of matches; the cursor's `ms` is a search rowid (toPaged).
      from = "search_index f JOIN articles a ON a.search_rowid = f.rowid JOIN sources s ON s.id = a.source_id";
      where.push(`search_index MATCH ${p(scope.match)}`, `f.rowid < ${p(opts.before?.ms ?? Number.MAX_SAFE_INTEGER)}`);
      order = "f.rowid DESC";
      time = `(f.rowid / ${ROWID_TICKS})`;
      break;
  }
  if (f.sourceId !== undefined && scope.kind !== "source") where.push(`a.source_id = ${p(f.sourceId)}`);
  if (f.tag !== undefined && scope.kind !== "tag") {
    where.push(
      `EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag_id = (SELECT id FROM tags WHERE name = ${p(f.tag)}))`,
    );
  }
  if (scope.kind === "search") {
    // Rowid ranges, which FTS5 answers from its index.
    if (f.sinceMs !== undefined) where.push(`f.rowid >= ${p(f.sinceMs * ROWID_TICKS)}`);
    if (f.untilMs !== undefined) where.push(`f.rowid < ${p(f.untilMs * ROWID_TICKS)}`);
  } else {
    if (f.sinceMs !== undefined) where.push(`${time} >= ${p(f.sinceMs)}`);
    if (f.untilMs !== undefined) where.push(`${time} < ${p(f.untilMs)}`);
  }
  return sql(
    `SELECT ${cols} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${p(opts.limit + 1)}`,
    ...params,
  );
}

/** Rows of `listStatement` → a page with the cursor of the next one. A search listing's cursor
 *  carries the search rowid in place of the date (its order); cursors are only valid for the
 *  listing that issued them. */
export function toPaged<R extends Pick<ArticleRow, "id" | "published_at"> & { search_rowid?: number | null }, T>(
  rows: readonly R[],
  limit: number,
  scope: ListScope | undefined,
  map: (row: R) => T,
): Paged<T> {
  const items = rows.slice(0, limit).map(map);
  const last = rows[limit - 1];
  if (rows.length <= limit || !last) return { items, next: null };
  return { items, next: { ms: scope?.kind === "search" ? (last.search_rowid ?? 0) : last.published_at, id: last.id } };
}

export async function listArticles(db: SqlRunner, scope: ListScope, opts: ListOptions): Promise<Paged<Article>> {
  return toPaged(await db.all<ArticleRow>(listStatement(scope, opts)), opts.limit, scope, toArticle);
}

/** What a listing's first page is made of, without bodies: enough to answer a conditional
 *  request (ETag, Last-Modified) without rendering. */
export interface ListingVersion {
  readonly parts: readonly (string | number)[];
  readonly lastModified: number | null;
}

const VERSION_COLUMNS = "a.id, a.content_hash, a.updated_at, s.name AS source_name, s.label AS source_label";

export async function getListingVersion(
  db: SqlRunner,
  scope: Scope,
  limit: number,
  before: Cursor | null = null,
): Promise<ListingVersion> {
  const rows = await db.all<{
    id: string;
    content_hash: string;
    updated_at: number;
    source_name: string;
    source_label: string;
  }>(
    // listStatement reads limit + 1 rows to detect a next page; a feed is exactly `limit` rows.
    listStatement(scope, { limit: limit - 1, before }, VERSION_COLUMNS),
  );
  return versionOf(
    rows.map((r) => ({
      id: r.id,
      version: r.content_hash,
      updated: r.updated_at,
      source: [r.source_name, r.source_label],
    })),
  );
}

/** The same version computed from rendered articles, so both paths agree byte for byte. */
export function versionOfArticles(items: readonly Article[]): ListingVersion {
  return versionOf(
    items.map((a) => ({
      id: a.id,
      version: a.version,
      updated: a.updated.ms,
      source: [a.source.name, a.source.label],
    })),
  );
}

function versionOf(items: { id: string; version: string; updated: number; source: string[] }[]): ListingVersion {
  return {
    parts: items.flatMap((i) => [i.id, i.version, ...i.source]),
    lastModified: items.length ? Math.max(...items.map((i) => i.updated)) : null,
  };
}

export function articleStatement(id: string): Stmt {
  return sql(`SELECT ${columns(true)} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?1`, id);
}

export async function getArticle(db: SqlRunner, id: string): Promise<Article | null> {
  const rows = await db.all<ArticleRow>(articleStatement(id));
  return rows[0] ? toArticle(rows[0]) : null;
}

/** The previous (older) and next (newer) article in the same category as article `id`, found
 *  from the id alone so they are read in the same batch as the article. */
export function neighbourStatements(id: string): [older: Stmt, newer: Stmt] {
  const base = `SELECT a.id, a.title, a.path_date AS pathDate FROM articles o JOIN articles a ON a.source_id = o.source_id WHERE o.id = ?1`;
  return [
    sql(
      `${base} AND (a.published_at, a.id) < (o.published_at, o.id) ORDER BY a.published_at DESC, a.id DESC LIMIT 1`,
      id,
    ),
    sql(
      `${base} AND (a.published_at, a.id) > (o.published_at, o.id) ORDER BY a.published_at ASC, a.id ASC LIMIT 1`,
      id,
    ),
  ];
}

export function tagExistsStatement(name: string): Stmt {
  return sql("SELECT 1 FROM tags WHERE name = ?1", name);
}

export async function tagExists(db: SqlRunner, name: string): Promise<boolean> {
  return (await db.all(tagExistsStatement(name))).length > 0;
}

// --- writes -------------------------------------------------------------------------------

/** Hash of everything stored about an item: equal hashes mean nothing to write. */
export function contentHash(a: ArticleInput): Promise<string> {
  return sha256Hex(
    // An undated item's "published" is the time we first saw it: not part of its content.
    JSON.stringify([
      a.title,
      a.summary,
      a.contentHtml,
      a.undated ? null : a.published,
      a.undated ? null : a.updated,
      a.author,
      a.image,
      a.originalUrl,
      a.tags,
    ]),
  );
}

/** Statements that insert an article, or update it in place keeping its id and permalink. */
export function upsertArticleStatements(
  source: SourceRef,
  a: ArticleInput,
  id: string,
  hash: string,
  now: number,
  isNew = false,
): Stmt[] {
  const stmts: Stmt[] = [
    sql(
      // An undated item keeps the time it was first seen; a dated one takes the upstream's.
      // "END ," (with the space): wrangler's SQL file splitter only closes a CASE at END followed
      // by whitespace or ";", and would otherwise run the whole import file as one statement.
      `INSERT INTO articles (id, source_id, guid, path_date, original_url, title, summary, content_html,
         published_at, published_offset, updated_at, updated_offset, author, image, content_hash, first_seen_at, date_source, raw_hash)
       VALUES (?1, (SELECT id FROM sources WHERE slug = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
       ON CONFLICT (source_id, guid) DO UPDATE SET
         original_url = excluded.original_url, title = excluded.title, summary = excluded.summary,
         content_html = excluded.content_html, author = excluded.author, image = excluded.image,
         content_hash = excluded.content_hash, date_source = excluded.date_source, raw_hash = excluded.raw_hash,
         published_at = CASE excluded.date_source WHEN 'first_seen' THEN articles.published_at ELSE excluded.published_at END ,
         published_offset = CASE excluded.date_source WHEN 'first_seen' THEN articles.published_offset ELSE excluded.published_offset END ,
         updated_at = CASE excluded.date_source WHEN 'first_seen' THEN articles.updated_at ELSE excluded.updated_at END ,
         updated_offset = CASE excluded.date_source WHEN 'first_seen' THEN articles.updated_offset ELSE excluded.updated_offset END`,
      id,
      source.slug,
      a.guid,
      formatPathDate(a.published),
      a.originalUrl,
      a.title,
      a.summary,
      a.contentHtml,
      a.published.ms,
      a.published.offset,
      a.updated.ms,
      a.updated.offset,
      a.author,
      a.image,
      hash,
      now,
      a.undated ? "first_seen" : "feed",
      a.rawHash ?? null,
    ),
  ];
  // A new article has no tags or index row to clear: three fewer statements per new item.
  if (!isNew) stmts.push(sql("DELETE FROM article_tags WHERE article_id = ?1", id));
  stmts.push(...indexArticleStatements(id, searchTextOf(a), isNew));
  if (a.tags.length > 0) {
    // All tags in two statements, whatever their number; json_each keeps their order as `key`.
    const tags = JSON.stringify(a.tags);
    stmts.push(
      sql("INSERT INTO tags (name) SELECT value FROM json_each(?1) WHERE true ON CONFLICT (name) DO NOTHING", tags),
      sql(
        `INSERT INTO article_tags (article_id, tag_id, position, published_at)
         SELECT ?1, t.id, j.key, a.published_at FROM json_each(?2) j JOIN tags t ON t.name = j.value JOIN articles a ON a.id = ?1
         WHERE true ON CONFLICT DO NOTHING`,
        id,
        tags,
      ),
    );
  }
  return stmts;
}

export interface UpsertPlan {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly statements: Stmt[];
}

/** Stored content hashes of the given items, keyed by `slug \n guid`, in one round trip. */
export async function readKnownHashes(
  db: SqlRunner,
  guidsBySource: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, string>> {
  return (await readKnownArticles(db, guidsBySource)).content;
}

export interface KnownArticles {
  /** Content hash by `slug \n guid`, of every stored article asked for. */
  readonly content: Map<string, string>;
  /** Raw item hash by `slug \n guid` (null: imported, or stored before raw hashes). */
  readonly raw: Map<string, string | null>;
}

/** Stored content and raw item hashes of the given items, in one round trip. */
export async function readKnownArticles(
  db: SqlRunner,
  guidsBySource: ReadonlyMap<string, readonly string[]>,
): Promise<KnownArticles> {
  const stmts: Stmt[] = [];
  for (const [slug, guids] of guidsBySource) {
    for (let i = 0; i < guids.length; i += 500) {
      stmts.push(
        sql(
          `SELECT ?1 AS slug, a.guid, a.content_hash, a.raw_hash FROM articles a
           WHERE a.source_id = (SELECT id FROM sources WHERE slug = ?1)
             AND a.guid IN (SELECT value FROM json_each(?2))`,
          slug,
          JSON.stringify(guids.slice(i, i + 500)),
        ),
      );
    }
  }
  const content = new Map<string, string>();
  const raw = new Map<string, string | null>();
  for (const rows of (await db.allMany(stmts)) as {
    slug: string;
    guid: string;
    content_hash: string;
    raw_hash: string | null;
  }[][]) {
    for (const r of rows) {
      content.set(`${r.slug}\n${r.guid}`, r.content_hash);
      raw.set(`${r.slug}\n${r.guid}`, r.raw_hash);
    }
  }
  return { content, raw };
}

/** Decide, per item of one source, insert / update / skip by content hash, and build the writes.
 *  An unchanged article whose stored raw hash (`knownRaw`) is not the item's gets it updated, so
 *  the next refresh can skip the item before normalizing it (after a pipeline version change,
 *  once per article). */
export async function planUpsert(
  known: ReadonlyMap<string, string>,
  source: SourceRef,
  inputs: readonly ArticleInput[],
  now: number,
  knownRaw: ReadonlyMap<string, string | null> = new Map(),
): Promise<UpsertPlan> {
  let inserted = 0,
    updated = 0,
    unchanged = 0;
  const statements: Stmt[] = [];
  for (const a of inputs) {
    const hash = await contentHash(a);
    const key = `${source.slug}\n${a.guid}`;
    const previous = known.get(key);
    if (previous === hash) {
      unchanged++;
      if (a.rawHash && knownRaw.has(key) && knownRaw.get(key) !== a.rawHash) {
        statements.push(
          sql(
            "UPDATE articles SET raw_hash = ?1 WHERE source_id = (SELECT id FROM sources WHERE slug = ?2) AND guid = ?3",
            a.rawHash,
            source.slug,
            a.guid,
          ),
        );
      }
      continue;
    }
    if (previous === undefined) inserted++;
    else updated++;
    statements.push(
      ...upsertArticleStatements(source, a, await articleId(source.slug, a.guid), hash, now, previous === undefined),
    );
  }
  return { inserted, updated, unchanged, statements };
}

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

/** Every tag in use with its article count, most used first. */
export async function listTagStats(db: SqlRunner): Promise<{ name: string; articleCount: number }[]> {
  const rows = await db.all<{ name: string; n: number }>(
    sql(
      `SELECT t.name, (SELECT count(*) FROM article_tags k WHERE k.tag_id = t.id) AS n FROM tags t ORDER BY n DESC, t.name`,
    ),
  );
  return rows.filter((r) => r.n > 0).map((r) => ({ name: r.name, articleCount: r.n }));
}

// --- discovery (sitemaps) ------------------------------------------------------------------

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
