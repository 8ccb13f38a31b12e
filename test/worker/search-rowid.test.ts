// The search index's rowid is published_at's second × 16 + a tiebreak. Feeds that give only a date
// put every item at the same instant (midnight): over a thousand articles in one second must still
// each get a rowid (the overflow takes the nearest free one below), and stay searchable.
import { SELF, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { ROWIDS_PER_SECOND, searchRowidAt } from "../../src/db/search";
import { importPosts } from "../../src/ingest/import-posts";

const N = 1084;
const post = (i: number) => ({
  name: `${String(i).padStart(5, "0")}_same_day.txt`,
  text: `---\ntitle: "同一天的第${i}条新闻 编号${i}号"\ndate: 2025-11-20\ncategories: samedaypaper\ntags: [同日报]\n---\n<p>同日新闻正文，编号${i}号。</p>\n`,
});

describe("more articles in one second than the rowid has tiebreaks", () => {
  it("indexes every one of them, without collisions, and finds each", async () => {
    const db = d1Runner(env.DB);
    // In chunks, as repeated refreshes would bring them.
    for (let i = 0; i < N; i += 300) {
      const summary = await importPosts(
        db,
        Array.from({ length: Math.min(300, N - i) }, (_, k) => post(i + k)),
        { timeZone: "Asia/Shanghai", now: Date.now() },
      );
      expect(summary.rejected).toEqual([]);
    }
    const { n, uniq, missing, lowest } = (await env.DB.prepare(
      "SELECT count(*) AS n, count(DISTINCT search_rowid) AS uniq, sum(search_rowid IS NULL) AS missing, min(search_rowid) AS lowest FROM articles WHERE guid LIKE '%same_day%' OR title LIKE '同一天%'",
    ).first<{ n: number; uniq: number; missing: number; lowest: number }>())!;
    expect(n).toBe(N);
    expect(missing).toBe(0);
    expect(uniq).toBe(N);
    const midnight = Date.parse("2025-11-19T16:00:00Z");
    expect(lowest).toBe(searchRowidAt(midnight) - (N - ROWIDS_PER_SECOND)); // the overflow sits just below

    // An article past the 16th is found by its own words.
    const res = await SELF.fetch(`https://news.test/api/v1/articles?q=${encodeURIComponent(`编号${N - 1}号`)}`);
    const { items } = (await res.json()) as { items: { title: string }[] };
    expect(items.map((a) => a.title)).toContain(`同一天的第${N - 1}条新闻 编号${N - 1}号`);
  });
});
