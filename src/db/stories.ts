// One story, many papers: the candidates a new article is compared with (one search index MATCH
// of its probes' key tokens, never a scan), the story columns a new article is stored with, and
// the other articles of a story.
// The decision itself is core/story-sketch.ts; ingest/plan.ts joins the two.
import type { StoryLink } from "../core/model";
import type { StoryCandidate } from "../core/story-sketch";
import { storyKeysMatch } from "../core/search-tokens";
import { ROWIDS_PER_SECOND, searchRowidAt, searchRowidFloor, storyKeysSql, storyMemberMatchSql } from "./search";
import { type Stmt, type SqlRunner, sql } from "./sql";

/** Candidates read at most per refresh: a bound on the rows one refresh reads for this. */
export const MAX_STORY_CANDIDATES = 500;

/** A stored article found through a probe, its sketch still in its stored form: a new article
 *  compares only the candidates whose keys are among its own probes, so a sketch is decoded
 *  (decodeSketch) only when one does. */
export interface StoredCandidate extends Omit<StoryCandidate, "hashes" | "count"> {
  readonly key: number | null;
  readonly leadKey: number | null;
  readonly sketch: string;
}

/** Articles published in [fromMs, toMs] whose whole-text or lead key is one of `probes`: their
 *  heads' key tokens in the search index (migrations/0020_story_keys_in_search.sql), one MATCH of
 *  every probe within the window's rowids. The probes are 32-bit hashes we computed, written
 *  into the MATCH expression as digits (storyKeysMatch). Null when no probe is valid. */
export function storyCandidatesStatement(probes: readonly number[], fromMs: number, toMs: number): Stmt | null {
  const match = storyKeysMatch(probes);
  if (match === null) return null;
  return sql(
    `SELECT a.id, coalesce(a.story_id, a.id) AS story_id, a.published_at, a.story_sketch, ${storyKeysSql("a")} AS story_keys
     FROM search_index l JOIN articles a ON a.search_rowid = l.rowid
     WHERE search_index MATCH ?3 AND l.rowid BETWEEN CAST(?4 AS INTEGER) AND CAST(?5 AS INTEGER) AND a.published_at BETWEEN ?1 AND ?2
     LIMIT ?6`,
    fromMs,
    toMs,
    match,
    searchRowidFloor(fromMs),
    searchRowidAt(toMs) + ROWIDS_PER_SECOND - 1,
    MAX_STORY_CANDIDATES,
  );
}

export async function readStoryCandidates(
  db: SqlRunner,
  probes: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<StoredCandidate[]> {
  const statement = storyCandidatesStatement(probes, fromMs, toMs);
  if (!statement) return [];
  const rows = await db.all<{
    id: string;
    story_id: string;
    published_at: number;
    story_sketch: string | null;
    story_keys: string | null;
  }>(statement);
  const out: StoredCandidate[] = [];
  for (const r of rows) {
    if (!r.story_sketch) continue;
    const [key, leadKey] = (r.story_keys ?? "").split(" ").map(Number);
    out.push({
      id: r.id,
      storyId: r.story_id,
      publishedMs: r.published_at,
      sketch: r.story_sketch,
      key: Number.isInteger(key) ? key! : null,
      leadKey: Number.isInteger(leadKey) ? leadKey! : null,
    });
  }
  return out;
}

/** What a new article is stored with (the INSERT's story columns). */
export interface StoryColumns {
  readonly storyId: string;
  readonly sketch: string;
  /** Both keys only on the head of a story (migrations/0015_stories.sql, 0017, 0020): an article
   *  that joins a story is found through its head, so its search row carries no key token. */
  readonly key: number | null;
  readonly leadKey: number | null;
}

/** The story_keys value of a new article: its keys when it heads a story, else NULL. */
export function storyKeysValue(story: StoryColumns | null): string | null {
  if (story?.key == null) return null;
  return story.leadKey == null ? String(story.key) : `${story.key} ${story.leadKey}`;
}

/** Members of one story a read takes at most: what a page or a listing row reads of one story is
 *  bounded (a story reprinted by more papers keeps them grouped under it, linked and counted up to
 *  about this). */
export const MAX_STORY_MEMBERS = 50;

/** SQL: the ids of the articles in the story of article row `o` (an alias in the enclosing
 *  statement), `o` itself included: the head (by primary key), the members it listed in
 *  story_members (those stored before the member label, migrations/0015 and 0017), then the
 *  articles that joined it, each found by the member label of its own search row (the head's id,
 *  a token it writes anyway: one posting list, read in publication order); at most
 *  MAX_STORY_MEMBERS + 1 ids, the head's first. So joining a story writes no row of its own and
 *  rewrites nothing of the head, and the members of a story whose head is gone (its source
 *  deleted) still find one another. The readers take the ids through an IN: a member named twice
 *  is one article. */
function storyIdsSql(o: string): string {
  return `SELECT id FROM (
         SELECT r.id FROM articles r WHERE r.id = ${o}.story_id
         UNION ALL SELECT j.value FROM articles r CROSS JOIN json_each(coalesce(r.story_members, '[]')) j
         WHERE r.id = ${o}.story_id
         UNION ALL SELECT m.id FROM articles m WHERE m.search_rowid IN (
           SELECT ml.rowid FROM search_index ml WHERE search_index MATCH ${storyMemberMatchSql(`${o}.story_id`)}
           ORDER BY ml.rowid LIMIT ${MAX_STORY_MEMBERS}))
       LIMIT ${MAX_STORY_MEMBERS + 1}`;
}

/** The other articles of article `id`'s story, oldest first, each by primary key. CROSS JOIN
 *  fixes the join order (SQLite keeps it): with `m` found through an IN of the story's ids, the
 *  planner might otherwise start from a scan of every article. */
export function storyOthersStatement(id: string, limit = 50): Stmt {
  return sql(
    `SELECT m.id, m.path_date, m.title, m.published_at, m.published_offset, s.slug AS source_slug, s.name AS source_name
     FROM articles o CROSS JOIN articles m CROSS JOIN sources s
     WHERE o.id = ?1 AND o.story_id IS NOT NULL AND m.id IN (${storyIdsSql("o")}) AND m.id <> o.id AND s.id = m.source_id
     ORDER BY m.published_at, m.id LIMIT ?2`,
    id,
    limit,
  );
}

/** The others of several articles at once (a feed's items), keyed by the article's id. */
export function storyOthersManyStatement(ids: readonly string[], perArticle = 20): Stmt {
  return sql(
    `SELECT o.id AS of_id, m.id, m.path_date, m.title, m.published_at, m.published_offset, s.slug AS source_slug, s.name AS source_name
     FROM json_each(?1) w CROSS JOIN articles o CROSS JOIN articles m CROSS JOIN sources s
     WHERE o.id = w.value AND o.story_id IS NOT NULL AND m.id IN (${storyIdsSql("o")}) AND m.id <> o.id AND s.id = m.source_id
     ORDER BY o.id, m.published_at, m.id LIMIT ?2`,
    JSON.stringify(ids),
    ids.length * perArticle,
  );
}

export interface StoryLinkRow {
  id: string;
  path_date: string;
  title: string;
  published_at: number;
  published_offset: number;
  source_slug: string;
  source_name: string;
}

export function toStoryLink(r: StoryLinkRow): StoryLink {
  return {
    id: r.id,
    pathDate: r.path_date,
    title: r.title,
    published: { ms: r.published_at, offset: r.published_offset },
    source: { slug: r.source_slug, name: r.source_name },
  };
}

export async function readStoryOthersMany(db: SqlRunner, ids: readonly string[]): Promise<Map<string, StoryLink[]>> {
  const out = new Map<string, StoryLink[]>();
  if (ids.length === 0) return out;
  for (const r of await db.all<StoryLinkRow & { of_id: string }>(storyOthersManyStatement(ids))) {
    const list = out.get(r.of_id) ?? [];
    list.push(toStoryLink(r));
    out.set(r.of_id, list);
  }
  return out;
}

/** How many other articles are in a row's story (0 alone), as a listing column: the story's
 *  articles as storyIdsSql finds them, counting only articles that still exist (a deleted source
 *  takes its own), each by primary key. */
export const STORY_OTHERS_COLUMN = `CASE WHEN a.story_id IS NULL THEN 0 ELSE (
    SELECT count(*) FROM articles m WHERE m.id IN (${storyIdsSql("a")}) AND m.id <> a.id) END AS story_others`;
