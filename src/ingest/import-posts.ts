// Jekyll posts → D1: parse every file, then per source one atomic batch of inserts and updates.
import type { SqlRunner } from "../db/sql";
import { planUpsert } from "../db/articles";
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

export async function importPosts(db: SqlRunner, files: readonly PostFile[], opts: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
  const bySource = new Map<string, JekyllPost[]>();
  for (const f of files) {
    const result = parseJekyllPost(f.name, f.text, opts.timeZone);
    if (!result.ok) {
      summary.rejected.push({ file: result.file, reason: result.reason });
      continue;
    }
    const list = bySource.get(result.post.source.slug) ?? [];
    list.push(result.post);
    bySource.set(result.post.source.slug, list);
  }
  const total = files.length - summary.rejected.length;
  const chunk = opts.chunkSize ?? 200;
  let done = 0;
  for (const posts of bySource.values()) {
    const source = posts[0]!.source;
    for (let i = 0; i < posts.length; i += chunk) {
      const part = posts.slice(i, i + chunk);
      const plan = await planUpsert(db, source, part.map((p) => p.article), opts.now);
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
