// Which story each new article of a refresh belongs to: sketch its text (core/story-sketch.ts),
// read the stored articles found through the sketch's probes within the window (one statement for
// the whole refresh, db/stories.ts), and join the closest story at or above the threshold — else
// the article heads a story of its own. New articles of the same refresh are candidates for each
// other too (a paper carrying one story under two addresses).
import type { ArticleInput } from "../core/model";
import { articleId } from "../core/ids";
import { htmlToText } from "../core/text";
import { DEFAULT_STORY_WINDOW_DAYS, chooseStory, encodeSketch, storySketch } from "../core/story-sketch";
import { type StoredCandidate, type StoryColumns, readStoryCandidates } from "../db/stories";
import type { SqlRunner } from "../db/sql";

export const DEFAULT_STORY_WINDOW_MS = DEFAULT_STORY_WINDOW_DAYS * 86_400_000;

/** The story columns of each new article, by guid; an article too short to judge has none. */
export async function assignStories(
  db: SqlRunner,
  sourceSlug: string,
  fresh: readonly ArticleInput[],
  windowMs: number = DEFAULT_STORY_WINDOW_MS,
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
  const pool: StoredCandidate[] = [...stored];
  // Oldest first, so that within a refresh the earlier article heads the story.
  sketched.sort((x, y) => x.a.published.ms - y.a.published.ms);
  for (const { a, sketch } of sketched) {
    const id = await articleId(sourceSlug, a.guid);
    const probes = new Set(sketch.probes);
    const candidates = pool.filter(
      (c) =>
        c.id !== id &&
        Math.abs(c.publishedMs - a.published.ms) <= windowMs &&
        ((c.key !== null && probes.has(c.key)) || (c.leadKey !== null && probes.has(c.leadKey))),
    );
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
    pool.push({
      id,
      storyId: columns.storyId,
      publishedMs: a.published.ms,
      hashes: sketch.hashes,
      count: sketch.count,
      key: columns.key,
      leadKey: columns.leadKey,
    });
  }
  return out;
}
