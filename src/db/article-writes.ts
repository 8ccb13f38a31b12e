// Writing articles: the content hash, the upsert that keeps ids and permalinks, and the plan of
// which items to insert, update or skip (read in one round trip).
import type { ArticleInput, SourceRef } from "../core/model";
import { articleId, sha256Hex } from "../core/ids";
import { formatPathDate } from "../core/time";
import { indexArticleStatements, searchTextOf } from "./search";
import { type StoryColumns, joinStoryStatement } from "./stories";
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

/** Statements that insert an article, or update it in place keeping its id and permalink. */
export function upsertArticleStatements(
  source: SourceRef,
  a: ArticleInput,
  id: string,
  hash: string,
  now: number,
  isNew = false,
  story: StoryColumns | null = null,
): Stmt[] {
  const stmts: Stmt[] = [
    sql(
      // An undated item keeps the time it was first seen; a dated one takes the upstream's.
      // "END ," (with the space): wrangler's SQL file splitter only closes a CASE at END followed
      // by whitespace or ";", and would otherwise run the whole import file as one statement.
      `INSERT INTO articles (id, source_id, guid, path_date, original_url, title, summary, content_html,
         published_at, published_offset, updated_at, updated_offset, author, image, content_hash, first_seen_at, date_source, raw_hash,
         title_derived, enclosures, story_id, story_sketch, story_key, story_lead_key)
       VALUES (?1, (SELECT id FROM sources WHERE slug = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
         ?21, ?22, ?23, ?24)
       ON CONFLICT (source_id, guid) DO UPDATE SET
         original_url = excluded.original_url, title = excluded.title, summary = excluded.summary,
         content_html = excluded.content_html, author = excluded.author, image = excluded.image,
         content_hash = excluded.content_hash, date_source = excluded.date_source, raw_hash = excluded.raw_hash,
         title_derived = excluded.title_derived, enclosures = excluded.enclosures,
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
      // The story is decided once, when the article is new (ingest/plan.ts); an update keeps it.
      story?.storyId ?? null,
      story?.sketch ?? null,
      story?.key ?? null,
      story?.leadKey ?? null,
    ),
  ];
  if (story && story.storyId !== id) stmts.push(joinStoryStatement(story.storyId, id));
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
  stories: ReadonlyMap<string, StoryColumns> = new Map(),
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
      ...upsertArticleStatements(
        source,
        a,
        await articleId(source.slug, a.guid),
        hash,
        now,
        previous === undefined,
        previous === undefined ? (stories.get(a.guid) ?? null) : null,
      ),
    );
  }
  return { inserted, updated, unchanged, statements };
}
