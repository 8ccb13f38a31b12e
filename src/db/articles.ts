// Reading articles: keyset listings, their versions, lookups and neighbours.
import type { Article, Cursor, Paged, Scope } from "../core/model";
import { type ArticleRow, toArticle } from "./rows";
import { ROWID_TICKS } from "./search";
import { STORY_OTHERS_COLUMN } from "./stories";
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
    a.title_derived, a.enclosures,
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
  /** One row per story (the site, a source, a tag): an article whose story's head is in the same
   *  listing is left out, and each row says how many others its story has (story_others). */
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
  // A story once: the head stands for it. Hidden only when the head is itself in this listing, so
  // nothing is lost (a paper's category keeps a story another paper headed). The row's own test
  // after the index: paging by (published_at, id) is unchanged.
  const grouped = opts.grouped === true && (scope.kind === "all" || scope.kind === "source" || scope.kind === "tag");
  if (grouped) {
    const headHere =
      scope.kind === "tag"
        ? "SELECT 1 FROM article_tags y WHERE y.article_id = a.story_id AND y.tag_id = k.tag_id"
        : `SELECT 1 FROM articles r WHERE r.id = a.story_id${scope.kind === "source" ? " AND r.source_id = a.source_id" : ""}`;
    where.push(`(a.story_id IS NULL OR a.story_id = a.id OR NOT EXISTS (${headHere}))`);
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
    `SELECT ${cols}${grouped ? `, ${STORY_OTHERS_COLUMN}` : ""} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ${p(opts.limit + 1)}`,
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

/** What a listing's first page is made of, without bodies: enough to answer If-None-Match
 *  without rendering. */
export interface ListingVersion {
  readonly parts: readonly (string | number)[];
}

const VERSION_COLUMNS = "a.id, a.content_hash, s.name AS source_name, s.label AS source_label";

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
    story_others?: number;
  }>(
    // listStatement reads limit + 1 rows to detect a next page; a feed is exactly `limit` rows.
    listStatement(scope, { limit: limit - 1, before, grouped }, VERSION_COLUMNS),
  );
  return versionOf(
    rows.map((r) => ({
      id: r.id,
      version: r.content_hash,
      source: [r.source_name, r.source_label],
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
      source: [a.source.name, a.source.label],
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
