// D1 bills every row written, each index entry included (meta.rows_written). A new article's
// budget, counted through the real refresh on the real local D1 the way bench:ingest counts it:
// heading a story, and joining one (no more: nothing of the head is rewritten). A change that makes a new article write more fails here.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { generateCorpus, textOf } from "../../bench/dedupe-data";
import { getSourceWithState } from "../../src/db/sources";
import { type SqlRunner, d1Runner } from "../../src/db/sql";
import { storyOthersStatement } from "../../src/db/stories";
import type { RefreshDeps } from "../../src/ingest/gather";
import { refreshSource } from "../../src/ingest/refresh";

/** What one new article writes, part by part (bench/README.md "D1 rows written and read"). */
const PER_ARTICLE = {
  row: 1,
  /** Index entries: id (primary key), (source_id, guid), search_rowid. */
  articleIndexes: 3,
  /** The search index's one row: its words and its labels (FTS5 counts one row). */
  search: 1,
};
const BASE = PER_ARTICLE.row + PER_ARTICLE.articleIndexes + PER_ARTICLE.search;
/** Once per batch, whatever its size: the month, source and source-month summaries (UPSERTs; a
 *  paper's first batch writes 5 here, later ones 3). Per article this is bench:ingest's 0.06. */
const SUMMARIES = 5;

/** A D1 binding that sums rows written over its batches, as bench/ingest-worker.ts does. */
function counting(): { runner: SqlRunner; written: () => number } {
  let written = 0;
  const wrapped = {
    prepare: (query: string) => env.DB.prepare(query),
    async batch(stmts: D1PreparedStatement[]) {
      const results = await env.DB.batch(stmts);
      for (const r of results) written += r.meta.rows_written ?? 0;
      return results;
    },
  } as unknown as D1Database;
  return { runner: d1Runner(wrapped), written: () => written };
}

const N = 10;
const originals = generateCorpus({ seed: 7, days: 1, perDay: N * 3, sources: 3 })
  .filter((a) => a.kind === "original")
  .slice(0, N);

const rss = (items: { guid: string; title: string; at: number; text: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://paper.test/</link><description>d</description>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://paper.test/${i.guid}</link><guid>${i.guid}</guid><pubDate>${new Date(i.at).toUTCString()}</pubDate><description><![CDATA[<p>${i.text}</p>]]></description></item>`,
    )
    .join("")}</channel></rss>`;

/** Rows written by one refresh of `slug` serving `body`. */
async function refreshRows(slug: string, body: string): Promise<{ written: number; fresh: number }> {
  const { runner, written } = counting();
  const deps: RefreshDeps = {
    db: runner,
    fetch: async () => new Response(body, { headers: { "content-type": "application/rss+xml" } }),
    now: () => Date.now(),
    limits: { userAgent: "edge-news-test", timeoutMs: 1000, maxBytes: 1024 * 1024, maxRedirects: 0 },
    log: () => undefined,
  };
  const outcome = await refreshSource(deps, (await getSourceWithState(d1Runner(env.DB), slug))!);
  expect(outcome.status, JSON.stringify(outcome)).toBe("200");
  return { written: written(), fresh: outcome.new };
}

async function addSource(slug: string) {
  await env.DB.prepare(
    "INSERT INTO sources (slug, name, label, feed_url, timezone, created_at) VALUES (?1, ?1, ?1, ?2, 'Asia/Shanghai', 0)",
  )
    .bind(slug, `https://${slug}.test/feed.xml`)
    .run();
}

describe("rows written per new article", () => {
  it(`heading its own story or joining one: at most ${BASE} (story keys and the member's label are tokens of its search row)`, async () => {
    await addSource("budget-heads");
    await addSource("budget-members");
    const heads = originals.map((a, i) => ({ guid: `h${i}`, title: a.title, at: a.publishedMs, text: textOf(a) }));
    // Every paper's refresh writes rows of its own (its state); an unchanged one measures them.
    const first = await refreshRows("budget-heads", rss(heads));
    expect(first.fresh).toBe(N);
    const own = (await refreshRows("budget-heads", rss(heads))).written;

    const keys = await env.DB.prepare(
      "SELECT count(story_keys) AS k FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = 'budget-heads') AND story_id = id",
    ).first<{ k: number }>();
    // Each of the N distinct stories is headed by its article, which stores its keys.
    expect(keys!.k).toBe(N);
    expect(first.written - own).toBeLessThanOrEqual(N * BASE + SUMMARIES);

    // Another paper reprints every story verbatim an hour later: each joins, writing no key.
    const reprints = heads.map((h, i) => ({ ...h, guid: `m${i}`, at: h.at + 3_600_000 }));
    const joined = await refreshRows("budget-members", rss(reprints));
    expect(joined.fresh).toBe(N);
    const members = await env.DB.prepare(
      "SELECT count(*) AS n, count(story_keys) AS k FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = 'budget-members') AND story_id <> id",
    ).first<{ n: number; k: number }>();
    expect(members).toEqual({ n: N, k: 0 });
    expect(joined.written - own).toBeLessThanOrEqual(N * BASE + SUMMARIES);
    // Nothing of the story was given up for it: each head's page finds its reprint.
    for (let i = 0; i < N; i++) {
      const [head, member] = await Promise.all(
        [`h${i}`, `m${i}`].map(
          async (guid) =>
            (await env.DB.prepare("SELECT id FROM articles WHERE guid = ?1").bind(guid).first<{ id: string }>())!.id,
        ),
      );
      expect((await d1Runner(env.DB).all<{ id: string }>(storyOthersStatement(head!))).map((r) => r.id)).toEqual([
        member,
      ]);
    }
  });
});
