// Jekyll posts → D1: parse every file, read what is stored in one round trip, then per source
// atomic batches of inserts and updates. Unchanged posts write nothing.
import type { SqlRunner } from "../db/sql";
import { planUpsert, readKnownHashes } from "../db/article-writes";
import { ensureSourceStatement } from "../db/sources";
import { type JekyllPost, parseJekyllPost } from "./jekyll";

export interface PostFile {
  readonly name: string;
  readonly text: string;
}

export interface ImportSummary {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: { file: string; reason: string }[];
}

export interface ImportOptions {
  readonly timeZone: string;
  readonly now: number;
  /** Items per write batch; bounds the size of one D1 batch (or one SQL file in the CLI). */
  readonly chunkSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function importPosts(
  db: SqlRunner,
  files: readonly PostFile[],
  opts: ImportOptions,
): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
  // slug → guid → post. Two files with the same upstream identity are one article: the later wins.
  const bySource = new Map<string, Map<string, JekyllPost>>();
  for (const f of files) {
    const result = parseJekyllPost(f.name, f.text, opts.timeZone);
    if (!result.ok) {
      summary.rejected.push({ file: result.file, reason: result.reason });
      continue;
    }
    const { post } = result;
    const posts = bySource.get(post.source.slug) ?? new Map<string, JekyllPost>();
    posts.set(post.article.guid, post);
    bySource.set(post.source.slug, posts);
  }
  const known = await readKnownHashes(db, new Map([...bySource].map(([slug, posts]) => [slug, [...posts.keys()]])));
  const total = [...bySource.values()].reduce((n, posts) => n + posts.size, 0);
  const chunk = opts.chunkSize ?? 200;
  let done = 0;
  for (const postMap of bySource.values()) {
    const posts = [...postMap.values()];
    const source = posts[0]!.source;
    for (let i = 0; i < posts.length; i += chunk) {
      const part = posts.slice(i, i + chunk);
      const plan = await planUpsert(
        known,
        source,
        part.map((p) => p.article),
        opts.now,
      );
      if (plan.statements.length > 0) {
        await db.batch([ensureSourceStatement(source, opts.timeZone, opts.now), ...plan.statements]);
      }
      summary.imported += plan.inserted;
      summary.updated += plan.updated;
      summary.unchanged += plan.unchanged;
      done += part.length;
      opts.onProgress?.(done, total);
    }
  }
  return summary;
}
