// Which story each new article of a refresh belongs to: sketch its text (core/story-sketch.ts),
// read the stored articles found through the sketch's probes within the window (one statement for
// the whole refresh, db/stories.ts), and join the closest story at or above the threshold — else
// the article heads a story of its own. New articles of the same refresh are candidates for each
// other too (a paper carrying one story under two addresses).
import type { ArticleInput } from "../core/model";
import { articleId } from "../core/ids";
import { htmlToText } from "../core/text";
import {
  DEFAULT_STORY_WINDOW_DAYS,
  type StoryCandidate,
  type StorySketch,
  chooseStory,
  decodeSketch,
  encodeSketch,
  storySketch,
} from "../core/story-sketch";
import { type StoryColumns, readStoryCandidates } from "../db/stories";
import type { SqlRunner } from "../db/sql";

export const DEFAULT_STORY_WINDOW_MS = DEFAULT_STORY_WINDOW_DAYS * 86_400_000;

/** A candidate of this refresh: stored (its sketch decoded on first use; null when the stored
 *  value is damaged) or new in the same refresh (its sketch in hand). */
interface PoolEntry {
  readonly id: string;
  readonly storyId: string;
  readonly publishedMs: number;
  readonly key: number | null;
  readonly leadKey: number | null;
  stored: string | null;
  sketch: Pick<StorySketch, "hashes" | "count"> | null;
}

/** The story columns of each new article, by guid; an article too short to judge has none.
 *  `ids` (by guid) are the articles' ids when the caller has them already (articleId otherwise). */
export async function assignStories(
  db: SqlRunner,
  sourceSlug: string,
  fresh: readonly ArticleInput[],
  windowMs: number = DEFAULT_STORY_WINDOW_MS,
  ids: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, StoryColumns>> {
  const out = new Map<string, StoryColumns>();
  const sketched = fresh
    .map((a) => ({ a, sketch: storySketch(a.plainText ?? htmlToText(a.contentHtml)) }))
    .filter((x): x is { a: ArticleInput; sketch: NonNullable<typeof x.sketch> } => x.sketch !== null);
  if (sketched.length === 0) return out;
  const times = sketched.map((x) => x.a.published.ms);
  const stored = await readStoryCandidates(
    db,
    sketched.flatMap((x) => x.sketch.probes),
    Math.min(...times) - windowMs,
    Math.max(...times) + windowMs,
  );
  // The pool in the order candidates are met (stored first, then this refresh's, oldest first),
  // and where each key is: an article reads the entries of its probes, not the whole pool.
  const pool: PoolEntry[] = [];
  const byKey = new Map<number, number[]>();
  const add = (e: PoolEntry) => {
    const at = pool.push(e) - 1;
    for (const k of e.leadKey !== null && e.leadKey !== e.key ? [e.key, e.leadKey] : [e.key]) {
      if (k === null) continue;
      const list = byKey.get(k);
      if (list) list.push(at);
      else byKey.set(k, [at]);
    }
  };
  for (const c of stored) add({ ...c, stored: c.sketch, sketch: null });
  // Oldest first, so that within a refresh the earlier article heads the story.
  sketched.sort((x, y) => x.a.published.ms - y.a.published.ms);
  for (const { a, sketch } of sketched) {
    const id = ids.get(a.guid) ?? (await articleId(sourceSlug, a.guid));
    const found = new Set<number>();
    for (const p of sketch.probes) for (const at of byKey.get(p) ?? []) found.add(at);
    const candidates: StoryCandidate[] = [];
    for (const at of [...found].sort((x, y) => x - y)) {
      const c = pool[at]!;
      if (c.id === id || Math.abs(c.publishedMs - a.published.ms) > windowMs) continue;
      if (c.stored !== null) {
        c.sketch = decodeSketch(c.stored);
        c.stored = null;
      }
      if (c.sketch) candidates.push({ ...c, hashes: c.sketch.hashes, count: c.sketch.count });
    }
    const joined = chooseStory(sketch, candidates);
    // Only the head of a story is found through the key indexes: a later reprint is compared
    // with the head, and an article that joins writes no index entry (bench:dedupe measures
    // what that costs in recall; migrations/0017_fewer_rows_per_article.sql).
    const columns: StoryColumns = {
      storyId: joined?.storyId ?? id,
      sketch: encodeSketch(sketch),
      key: joined ? null : sketch.key,
      leadKey: joined ? null : sketch.leadKey,
    };
    out.set(a.guid, columns);
    add({
      id,
      storyId: columns.storyId,
      publishedMs: a.published.ms,
      key: columns.key,
      leadKey: columns.leadKey,
      stored: null,
      sketch,
    });
  }
  return out;
}
