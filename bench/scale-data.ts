// Bulk loader for bench:scale: n synthetic Chinese articles (bench/search-data.ts's generator) into
// a local D1 file, fast enough for a million. The rows are exactly what ingest writes: the app's
// own statements (ensureSourceStatement, upsertArticleStatements) with their parameters inlined
// (scripts/wrangler-runner.ts's inlineParams, as the import CLI does), piped into the sqlite3 CLI
// in transactions of 10,000 articles, instead of one D1 round trip per batch (~400 articles/s).
// Debian's sqlite3 (3.40) predates FTS5's contentless_delete, so it cannot write the search index
// or the label index (search_labels, which every listing reads):
// the search statements are left out here and bench/scale-worker.ts fills the index afterwards
// through the app's own backfill (indexMissing), inside workerd.
import { spawn } from "node:child_process";
import type { ArticleInput, SourceRef } from "../src/core/model";
import { articleId } from "../src/core/ids";
import { contentHash, statsStatements, upsertArticleStatements } from "../src/db/article-writes";
import type { StoryColumns } from "../src/db/stories";
import { encodeSketch, storySketch } from "../src/core/story-sketch";
import { ensureSourceStatement } from "../src/db/sources";
import { inlineParams } from "../scripts/wrangler-runner";
import { SOURCE_COUNT, generateArticle, sourceOf } from "./search-data";

/** The big paper: a quarter of all articles, so a category page 1,000 pages deep exists from
 *  ~80,000 articles on (20 a page). The rest spread over the other 199 sources. */
export const BIG_SOURCE = 0;
const TRANSACTION = 10_000;

/** Article i of n as bench:scale stores it: every 4th moves to the big paper (guid, URL and
 *  source tag follow it), the rest as the search bench generates them. */
export function scaleArticle(i: number, n: number): { source: SourceRef; input: ArticleInput } {
  const { sourceIndex, input } = generateArticle(i, n);
  if (i % 4 !== 0 || sourceIndex === BIG_SOURCE) return { source: sourceOf(sourceIndex), input };
  const source = sourceOf(BIG_SOURCE);
  return {
    source,
    input: {
      ...input,
      guid: `${source.slug}-${i}`,
      originalUrl: `https://${source.slug}.example.cn/news/${i}.html`,
      tags: [source.label, ...input.tags.slice(1)],
    },
  };
}

/** One article in this many is a reprint: it joins the story of the article before it. */
const REPRINT_EVERY = 5;

/** Article i's story columns as ingest stores them with STORY_GROUPING on (every new article has
 *  them): its own sketch, heading its own story with its keys, except every REPRINT_EVERY-th,
 *  which joins the story of article i − 1 (no keys; its head's id, a label of its search row).
 *  So a grouped listing pays for every row's story as a deployment's does. */
async function scaleStory(i: number, n: number, id: string, input: ArticleInput): Promise<StoryColumns | null> {
  const sketch = storySketch(input.plainText ?? "");
  if (sketch === null) return null;
  if (i % REPRINT_EVERY !== REPRINT_EVERY - 1)
    return { storyId: id, sketch: encodeSketch(sketch), key: sketch.key, leadKey: sketch.leadKey };
  const head = scaleArticle(i - 1, n);
  return {
    storyId: await articleId(head.source.slug, head.input.guid),
    sketch: encodeSketch(sketch),
    key: null,
    leadKey: null,
  };
}

/** Write articles [0, n) and their sources into the SQLite file `file` (migrations already
 *  applied, no worker holding it open). Resolves with the seconds it took. */
export async function bulkLoad(
  file: string,
  n: number,
  progress: (done: number, seconds: number) => void,
): Promise<number> {
  const start = performance.now();
  const child = spawn("sqlite3", ["-bail", file], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number>((r) => child.on("exit", (code) => r(code ?? 1)));
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      if (child.exitCode !== null) reject(new Error(`sqlite3 exited: ${stderr}`));
      else if (child.stdin.write(s)) resolve();
      else child.stdin.once("drain", resolve);
    });
  // Durability is not wanted for a file we can rebuild; the journal mode is left as workerd set it.
  await write("PRAGMA synchronous = OFF;\nBEGIN;\n");
  const now = Date.now();
  for (let k = 0; k < SOURCE_COUNT; k++)
    await write(`${inlineParams(ensureSourceStatement(sourceOf(k), "Asia/Shanghai", now))};\n`);
  for (let i = 0; i < n; i++) {
    const { source, input } = scaleArticle(i, n);
    const id = await articleId(source.slug, input.guid);
    // Stored as an update would store it (no search rowid yet: the backfill gives it one), with
    // the listing summaries folded in as planUpsert does.
    const stmts = [
      ...upsertArticleStatements(
        source,
        input,
        id,
        await contentHash(input),
        now,
        false,
        await scaleStory(i, n, id, input),
      ),
      ...statsStatements([id], now),
    ];
    let text = "";
    for (const s of stmts)
      if (!/search_index|search_labels|UPDATE articles/.test(s.sql)) text += `${inlineParams(s)};\n`;
    await write(text);
    if ((i + 1) % TRANSACTION === 0) {
      await write("COMMIT;\nBEGIN;\n");
      progress(i + 1, (performance.now() - start) / 1000);
    }
  }
  await write("COMMIT;\n");
  child.stdin.end();
  const code = await exited;
  if (code !== 0 || stderr) throw new Error(`sqlite3 failed (${code}): ${stderr}`);
  return (performance.now() - start) / 1000;
}
