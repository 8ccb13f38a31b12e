// Writing articles: the content hash, the upsert that keeps ids and permalinks, and the plan of
// which items to insert, update or skip (read in one round trip).
import type { ArticleInput, SourceRef } from "../core/model";
import { articleId, sha256Hex } from "../core/ids";
import { formatPathDate } from "../core/time";
import {
  type ArticleWrites,
  freshSearchRowidSql,
  indexNewArticleStatements,
  reindexArticleWrites,
  searchTextOf,
  searchWritesLast,
} from "./search";
import { type StoryColumns, storyKeysValue } from "./stories";
import { type SqlRunner, type Stmt, sql } from "./sql";

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
      // Added later: absent from the hash unless present, so stored hashes of other items stay.
      ...(a.titleDerived ? ["title-derived"] : []),
      ...(a.enclosures?.length ? [a.enclosures] : []),
    ]),
  );
}

/** Statements that insert an article, or update it in place keeping its id and permalink. A new
 *  article's row takes its search rowid as it is inserted; then one search index row (its words
 *  and its labels: tags, months, source, db/search.ts): a new article writes its row with its
 *  index entries and that one row, whatever its number of tags. The listing summaries are folded
 *  in per batch by `statsStatements`, not here. A new article that joins another paper's story
 *  writes nothing more: its story_id is a label of its index row (db/stories.ts). A batch of
 *  several articles puts their index rows after all the rest (searchWritesLast). */
export function upsertArticleStatements(...args: Parameters<typeof articleWrites>): Stmt[] {
  return searchWritesLast([articleWrites(...args)]);
}

/** upsertArticleStatements in its two parts: the row and what goes with it, and the index row. */
export function articleWrites(
  source: SourceRef,
  a: ArticleInput,
  id: string,
  hash: string,
  now: number,
  isNew = false,
  story: StoryColumns | null = null,
): ArticleWrites {
  const stmts: Stmt[] = [
    sql(
      // An undated item keeps the time it was first seen; a dated one takes the upstream's. A
      // changed article's new body is in D1 again (archived_at NULL), archived before or not.
      // "END ," (with the space): wrangler's SQL file splitter only closes a CASE at END followed
      // by whitespace or ";", and would otherwise run the whole import file as one statement.
      `INSERT INTO articles (id, source_id, guid, path_date, original_url, title, summary, content_html,
         published_at, published_offset, updated_at, updated_offset, author, image, content_hash, first_seen_at, date_source, raw_hash,
         title_derived, enclosures, tags, story_id, story_sketch, story_keys, search_rowid)
       VALUES (?1, (SELECT id FROM sources WHERE slug = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
         ?22, ?23, ?24, ${isNew ? freshSearchRowidSql("?9") : "NULL"})
       ON CONFLICT (source_id, guid) DO UPDATE SET
         original_url = excluded.original_url, title = excluded.title, summary = excluded.summary,
         content_html = excluded.content_html, author = excluded.author, image = excluded.image,
         content_hash = excluded.content_hash, date_source = excluded.date_source, raw_hash = excluded.raw_hash,
         title_derived = excluded.title_derived, enclosures = excluded.enclosures, tags = excluded.tags, archived_at = NULL,
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
      a.titleDerived ? 1 : 0,
      a.enclosures?.length ? JSON.stringify(a.enclosures) : null,
      a.tags.length > 0 ? JSON.stringify(a.tags) : null,
      // The story is decided once, when the article is new (ingest/plan.ts); an update keeps it.
      story?.storyId ?? null,
      story?.sketch ?? null,
      storyKeysValue(story),
    ),
  ];
  // The tags' names, for tag pages and the tag list (no row is written for a name already known;
  // the article's own tags are its `tags` column and its labels).
  if (a.tags.length > 0)
    stmts.push(
      sql(
        "INSERT INTO tags (name) SELECT value FROM json_each(?1) WHERE true ON CONFLICT (name) DO NOTHING",
        JSON.stringify(a.tags),
      ),
    );
  if (isNew) return { row: stmts, index: indexNewArticleStatements(id, searchTextOf(a)) };
  const reindex = reindexArticleWrites(id, searchTextOf(a));
  return { row: [...stmts, ...reindex.row], index: reindex.index };
}

/** Fold the articles a batch wrote (inserted or updated, by id) into the per-month, per-source
 *  and per-source-month summaries (migrations/0008_listing_stats.sql, 0013_fewer_rows.sql): one UPSERT per month and per source touched,
 *  instead of two rows per article. An article counts as new when its first_seen_at is this
 *  batch's `now` (an upsert that met a row stored by a concurrent writer keeps that row's
 *  first_seen_at, so it is not counted twice). Runs after the articles' statements, in the same
 *  batch (one transaction). */
export function statsStatements(ids: readonly string[], now: number): Stmt[] {
  if (ids.length === 0) return [];
  const list = JSON.stringify(ids);
  return [
    sql(
      `INSERT INTO month_stats (month, article_count, last_updated)
       SELECT substr(path_date, 1, 7), sum(first_seen_at = ?2), max(updated_at) FROM articles
       WHERE id IN (SELECT value FROM json_each(?1)) GROUP BY substr(path_date, 1, 7)
       ON CONFLICT (month) DO UPDATE SET article_count = article_count + excluded.article_count,
         last_updated = max(last_updated, excluded.last_updated)`,
      list,
      now,
    ),
    sql(
      `INSERT INTO source_stats (source_id, article_count, last_updated)
       SELECT source_id, sum(first_seen_at = ?2), max(updated_at) FROM articles
       WHERE id IN (SELECT value FROM json_each(?1)) GROUP BY source_id
       ON CONFLICT (source_id) DO UPDATE SET article_count = article_count + excluded.article_count,
         last_updated = max(coalesce(last_updated, 0), excluded.last_updated)`,
      list,
      now,
    ),
    sql(
      `INSERT INTO source_month_stats (source_id, month, article_count)
       SELECT source_id, substr(path_date, 1, 7), sum(first_seen_at = ?2) FROM articles
       WHERE id IN (SELECT value FROM json_each(?1)) AND first_seen_at = ?2 GROUP BY source_id, substr(path_date, 1, 7)
       ON CONFLICT (source_id, month) DO UPDATE SET article_count = article_count + excluded.article_count`,
      list,
      now,
    ),
  ];
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
 *  once per article). `ids` (by guid): articles' ids the caller has already (articleId otherwise). */
export async function planUpsert(
  known: ReadonlyMap<string, string>,
  source: SourceRef,
  inputs: readonly ArticleInput[],
  now: number,
  knownRaw: ReadonlyMap<string, string | null> = new Map(),
  stories: ReadonlyMap<string, StoryColumns> = new Map(),
  ids: ReadonlyMap<string, string> = new Map(),
): Promise<UpsertPlan> {
  let inserted = 0,
    updated = 0,
    unchanged = 0;
  const statements: Stmt[] = [];
  const articles: ArticleWrites[] = [];
  const written: string[] = [];
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
    const id = ids.get(a.guid) ?? (await articleId(source.slug, a.guid));
    written.push(id);
    const isNew = previous === undefined;
    articles.push(articleWrites(source, a, id, hash, now, isNew, isNew ? (stories.get(a.guid) ?? null) : null));
  }
  statements.push(...searchWritesLast(articles, statsStatements(written, now)));
  return { inserted, updated, unchanged, statements };
}
