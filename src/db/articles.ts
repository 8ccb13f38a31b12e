// Reading articles: keyset listings, their versions, lookups and neighbours.
import type { Article, Cursor, Paged, Scope } from "../core/model";
import { type ArticleRow, toArticle } from "./rows";
import { ALL_LABEL_MATCH, monthLabelMatch, sourceLabelMatch, tagLabelMatch } from "../core/search-tokens";
import { ROWIDS_PER_SECOND, legacyCursorRowidSql, searchRowidAt, searchRowidFloor, sourceLabelSql } from "./search";
import { searchScopeMatch } from "./search-vocab";
import { STORY_OTHERS_COLUMN } from "./stories";
import { type SqlRunner, type SqlValue, type Stmt, sql } from "./sql";

// Tags in the article's own order: a JSON array in the row itself (no read of another table).
const TAGS_JSON = "a.tags AS tags_json";

/** A listing page's columns (toArticleBrief): a third of a full row's bytes, and D1's cost
 *  grows with the bytes a read returns. */
export const BRIEF_COLUMNS = `a.id, a.path_date, a.title, a.summary, a.published_at, a.published_offset, a.search_rowid,
    s.slug AS source_slug, s.name AS source_name, s.label AS source_label, ${TAGS_JSON}`;

function columns(withContent: boolean): string {
  return `a.id, a.guid, a.path_date, a.original_url, a.title, a.summary,
    ${withContent ? "a.content_html" : "'' AS content_html"},
    a.published_at, a.published_offset, a.updated_at, a.updated_offset, a.author, a.image, a.content_hash, a.search_rowid,
    a.title_derived, a.enclosures, a.archived_at,
    s.slug AS source_slug, s.name AS source_name, s.label AS source_label, s.proxy_images AS source_proxy_images, ${TAGS_JSON}`;
}

export interface ListOptions {
  readonly before?: Cursor | null;
  readonly limit: number;
  readonly withContent?: boolean;
  /** Narrowing filters (the API's): within the scope, only these. */
  readonly filters?: ListFilters;
  /** One row per story (the site, a source, a tag; no filters): an article whose story's head is
   *  in the same listing is left out, and each row says how many others its story has
   *  (story_others). */
  readonly grouped?: boolean;
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
 *  exist. Every listing is one FTS5 posting list read in its rowid's order, which is time
 *  (db/search.ts): a search reads search_index; the site, a source, a tag and a month read their
 *  label, a token of the same row (the API's source and tag filters add theirs: FTS5 intersects them). */
export function listStatement(scope: ListScope, opts: ListOptions, cols = columns(opts.withContent ?? false)): Stmt {
  const f = opts.filters ?? {};
  const params: SqlValue[] = [];
  const p = (v: SqlValue) => {
    params.push(v);
    return `?${params.length}`;
  };
  const where: string[] = [];
  const cursor = opts.before?.ms ?? Number.MAX_SAFE_INTEGER;
  let alias: string;
  if (scope.kind === "search") {
    alias = "f";
    where.push(`search_index MATCH ${p(scope.match)}`);
    if (f.sourceId !== undefined) where.push(`a.source_id = ${p(f.sourceId)}`);
    if (f.tag !== undefined) where.push(`EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = ${p(f.tag)})`);
  } else {
    alias = "l";
    // The labels to intersect, each an SQL expression giving one quoted token.
    const labels: string[] = [];
    switch (scope.kind) {
      case "all":
        if (f.sourceId === undefined && f.tag === undefined) labels.push(p(ALL_LABEL_MATCH));
        break;
      case "source": {
        const key = scope.source;
        labels.push(
          "id" in key
            ? p(sourceLabelMatch(key.id))
            : sourceLabelSql(`(SELECT id FROM sources WHERE slug = ${p(key.slug)})`),
        );
        break;
      }
      case "tag":
        labels.push(p(tagLabelMatch(scope.tag)));
        break;
      case "month":
        labels.push(p(monthLabelMatch(scope.month, scope.source?.id ?? null)));
        break;
    }
    if (f.sourceId !== undefined && scope.kind !== "source") labels.push(p(sourceLabelMatch(f.sourceId)));
    if (f.tag !== undefined && scope.kind !== "tag") labels.push(p(tagLabelMatch(f.tag)));
    where.push(`search_index MATCH ${labels.join(" || ' AND ' || ")}`);
  }
  // A story once: the head stands for it. Hidden only when the head is itself in this listing, so
  // nothing is lost (a paper's category keeps a story another paper headed). A test of the row
  // alone, after the posting list: it drops rows and never reorders them, so keyset paging by the
  // search rowid is unchanged.
  const grouped =
    opts.grouped === true &&
    opts.filters === undefined &&
    (scope.kind === "all" || scope.kind === "source" || scope.kind === "tag");
  if (grouped) {
    const headHere =
      scope.kind === "tag"
        ? `SELECT 1 FROM articles r, json_each(r.tags) t WHERE r.id = a.story_id AND t.value = ${p(scope.tag)}`
        : `SELECT 1 FROM articles r WHERE r.id = a.story_id${scope.kind === "source" ? " AND r.source_id = a.source_id" : ""}`;
    where.push(`(a.story_id IS NULL OR a.story_id = a.id OR NOT EXISTS (${headHere}))`);
  }
  const rowid = `${alias}.rowid`;
  // FTS5 starts and stops its scan at a rowid bound only when the bound is an integer, and D1
  // binds every JavaScript number as a REAL: uncast, the bound is applied after FTS5 has walked
  // every row above it (a deep page, or a time range, read the posting list from its newest row).
  const int = (v: string) => `CAST(${v} AS INTEGER)`;
  // A cursor issued before the rowids were renumbered (migration 0019) still names its place.
  const legacy = opts.before ? legacyCursorRowidSql(opts.before.ms, opts.before.id, p) : null;
  where.push(`${rowid} < ${int(legacy ?? p(cursor))}`);
  // Time ranges are rowid ranges, which FTS5 answers from its index, to the second; the row's
  // own time makes them exact.
  if (f.sinceMs !== undefined) {
    where.push(`${rowid} >= ${int(p(searchRowidFloor(f.sinceMs)))}`);
    where.push(`a.published_at >= ${p(f.sinceMs)}`);
  }
  if (f.untilMs !== undefined) {
    where.push(`${rowid} < ${int(p(searchRowidAt(f.untilMs) + ROWIDS_PER_SECOND))}`);
    where.push(`a.published_at < ${p(f.untilMs)}`);
  }
  return sql(
    `SELECT ${cols}${grouped ? `, ${STORY_OTHERS_COLUMN}` : ""} FROM search_index ${alias} JOIN articles a ON a.search_rowid = ${rowid} JOIN sources s ON s.id = a.source_id
     WHERE ${where.join(" AND ")} ORDER BY ${rowid} DESC LIMIT ${p(opts.limit + 1)}`,
    ...params,
  );
}

/** A listing's scope as its statement runs it: a search's one-character words expanded into
 *  the index's terms (db/search-vocab.ts); every other scope as it is. */
export async function resolveSearchScope<S extends ListScope>(db: SqlRunner, scope: S): Promise<S> {
  return scope.kind === "search" ? { ...scope, match: await searchScopeMatch(db, scope) } : scope;
}

/** Rows of `listStatement` → a page with the cursor of the next one. The cursor carries the last
 *  row's search rowid in place of a date (the listing's order); cursors are only valid for the
 *  listing that issued them. */
export function toPaged<R extends Pick<ArticleRow, "id" | "published_at"> & { search_rowid?: number | null }, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
): Paged<T> {
  const items = rows.slice(0, limit).map(map);
  const last = rows[limit - 1];
  if (rows.length <= limit || !last) return { items, next: null };
  return { items, next: { ms: last.search_rowid ?? 0, id: last.id } };
}

export async function listArticles(db: SqlRunner, scope: ListScope, opts: ListOptions): Promise<Paged<Article>> {
  return toPaged(
    await db.all<ArticleRow>(listStatement(await resolveSearchScope(db, scope), opts)),
    opts.limit,
    toArticle,
  );
}

/** A filtered feed's scan (feeds/filtered.ts): what the filters read, the keyset position and
 *  what a version is made of — no bodies, so scanning many rows reads few bytes. The rows come
 *  from the listing's own statement (listStatement: the label's posting list, newest first). */
const SCAN_COLUMNS = `a.id, a.search_rowid, a.title, a.summary, a.author, a.content_hash,
    s.name AS source_name, s.label AS source_label, s.proxy_images AS source_proxy_images, ${TAGS_JSON}`;

export interface ScanRow {
  readonly id: string;
  /** The listing's order and keyset (never null on a listed row: the listing joins on it). */
  readonly search_rowid: number;
  readonly title: string;
  readonly summary: string;
  readonly author: string | null;
  readonly content_hash: string;
  readonly source_name: string;
  readonly source_label: string;
  readonly source_proxy_images: number;
  readonly tags_json: string | null;
}

/** Up to `limit` + 1 rows of a listing after the cursor `before`, newest first, published at or
 *  after `sinceMs` when given (a rowid range, answered by the FTS5 index). */
export async function scanListing(
  db: SqlRunner,
  scope: ListScope,
  opts: { readonly limit: number; readonly before: Cursor | null; readonly sinceMs?: number },
): Promise<ScanRow[]> {
  const filters = opts.sinceMs === undefined ? undefined : { sinceMs: opts.sinceMs };
  return db.all<ScanRow>(
    listStatement(
      await resolveSearchScope(db, scope),
      { limit: opts.limit, before: opts.before, filters },
      SCAN_COLUMNS,
    ),
  );
}

/** The keyset position of a scanned row in its listing: its search rowid, as toPaged gives. */
export const cursorOfRow = (row: ScanRow): Cursor => ({ ms: row.search_rowid, id: row.id });

/** Articles by id, in the order of `ids` (one statement, whatever their number); ids no longer
 *  stored are left out. */
export async function getArticlesByIds(
  db: SqlRunner,
  ids: readonly string[],
  withContent: boolean,
): Promise<Article[]> {
  if (ids.length === 0) return [];
  const rows = await db.all<ArticleRow>(
    sql(
      `SELECT ${columns(withContent)} FROM articles a JOIN sources s ON s.id = a.source_id
       WHERE a.id IN (SELECT value FROM json_each(?1))`,
      JSON.stringify(ids),
    ),
  );
  const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A version from scanned rows: the same parts `versionOfArticles` gives for those articles. */
export const versionOfScanRows = (rows: readonly ScanRow[]): ListingVersion =>
  versionOf(
    rows.map((r) => ({
      id: r.id,
      version: r.content_hash,
      source: [r.source_name, r.source_label, r.source_proxy_images === 1 ? "img" : ""],
    })),
  );

/** What a listing's first page is made of, without bodies: enough to answer If-None-Match
 *  without rendering. */
export interface ListingVersion {
  readonly parts: readonly (string | number)[];
}

// The source's image proxy setting is part of what a feed is made of: turning it on rewrites
// the items' image URLs.
const VERSION_COLUMNS =
  "a.id, a.content_hash, s.name AS source_name, s.label AS source_label, s.proxy_images AS source_proxy_images";

export async function getListingVersion(
  db: SqlRunner,
  scope: Scope,
  limit: number,
  before: Cursor | null = null,
  grouped = false,
): Promise<ListingVersion> {
  const rows = await db.all<{
    id: string;
    content_hash: string;
    source_name: string;
    source_label: string;
    source_proxy_images: number;
    story_others?: number;
  }>(
    // listStatement reads limit + 1 rows to detect a next page; a feed is exactly `limit` rows.
    listStatement(await resolveSearchScope(db, scope), { limit: limit - 1, before, grouped }, VERSION_COLUMNS),
  );
  return versionOf(
    rows.map((r) => ({
      id: r.id,
      version: r.content_hash,
      source: [r.source_name, r.source_label, r.source_proxy_images === 1 ? "img" : ""],
      others: r.story_others,
    })),
  );
}

/** The same version computed from rendered articles, so both paths agree byte for byte. */
export function versionOfArticles(items: readonly Article[]): ListingVersion {
  return versionOf(
    items.map((a) => ({
      id: a.id,
      version: a.version,
      source: [a.source.name, a.source.label, a.source.proxyImages ? "img" : ""],
      others: a.storyOthers,
    })),
  );
}

// A grouped listing's version also changes when a story gains or loses a paper.
function versionOf(items: { id: string; version: string; source: string[]; others?: number }[]): ListingVersion {
  return {
    parts: items.flatMap((i) => [i.id, i.version, ...i.source, ...(i.others === undefined ? [] : [`+${i.others}`])]),
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
 *  from the id alone so they are read in the same batch as the article: the next rowids below and
 *  above its own in its source's label. */
export function neighbourStatements(id: string): [older: Stmt, newer: Stmt] {
  const base = `SELECT a.id, a.title, a.path_date AS pathDate FROM articles o, search_index l
    JOIN articles a ON a.search_rowid = l.rowid
    WHERE o.id = ?1 AND search_index MATCH ${sourceLabelSql("o.source_id")}`;
  return [
    sql(`${base} AND l.rowid < o.search_rowid ORDER BY l.rowid DESC LIMIT 1`, id),
    sql(`${base} AND l.rowid > o.search_rowid ORDER BY l.rowid ASC LIMIT 1`, id),
  ];
}
