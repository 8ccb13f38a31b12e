// The per-month and per-source summaries behind /sitemap.xml and /api/v1/categories are kept by
// triggers (migrations/0008_listing_stats.sql): after every kind of write they must equal what an
// aggregate over the articles says.
import { SELF, env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { deleteSourceStatements } from "../../src/db/sources";
import { importPosts } from "../../src/ingest/import-posts";

const db = d1Runner(env.DB);
const samples = inject("samplePosts");
const opts = () => ({ timeZone: "Asia/Shanghai", now: Date.now() });

async function expectStatsTrue(): Promise<void> {
  const months = await env.DB.prepare(
    `SELECT substr(path_date, 1, 7) AS month, count(*) AS article_count, max(updated_at) AS last_updated FROM articles GROUP BY month ORDER BY month`,
  ).all();
  const kept = await env.DB.prepare(
    "SELECT month, article_count, last_updated FROM month_stats WHERE article_count > 0 ORDER BY month",
  ).all();
  expect(kept.results).toEqual(months.results);
  const sources = await env.DB.prepare(
    "SELECT source_id, count(*) AS article_count, max(updated_at) AS last_updated FROM articles GROUP BY source_id ORDER BY source_id",
  ).all();
  const keptSources = await env.DB.prepare(
    "SELECT source_id, article_count, last_updated FROM source_stats WHERE article_count > 0 ORDER BY source_id",
  ).all();
  expect(keptSources.results).toEqual(sources.results);
}

describe("listing summaries kept by triggers", () => {
  it("match the articles after imports, an edit in place, and a source's deletion", async () => {
    await importPosts(db, samples, opts());
    await expectStatsTrue();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM month_stats").first<{ n: number }>())!.n).toBeGreaterThan(
      0,
    );

    // An edit: the article's update time moves, and with it its month's and source's latest.
    const first = samples[0]!;
    await new Promise((r) => setTimeout(r, 5));
    await importPosts(db, [{ ...first, text: first.text.replace("</p>", "（更新）</p>") }], opts());
    await expectStatsTrue();
    const index = await (await SELF.fetch("https://news.test/sitemap.xml")).text();
    const { last } = (await env.DB.prepare("SELECT max(updated_at) AS last FROM articles").first<{ last: number }>())!;
    expect(index).toContain(new Date(last).toISOString().slice(0, 19));

    // A source deleted with its articles: counts and latest updates recomputed, empty months gone.
    const { slug } = (await env.DB.prepare("SELECT slug FROM sources ORDER BY slug LIMIT 1").first<{
      slug: string;
    }>())!;
    await db.batch(deleteSourceStatements(slug));
    await expectStatsTrue();
    const categories = (await (await SELF.fetch("https://news.test/api/v1/categories")).json()) as {
      items: { slug: string; article_count: number }[];
    };
    expect(categories.items.map((c) => c.slug)).not.toContain(slug);
    for (const c of categories.items) {
      const { n } = (await env.DB.prepare(
        "SELECT count(*) AS n FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = ?1",
      )
        .bind(c.slug)
        .first<{ n: number }>())!;
      expect(c.article_count).toBe(n);
    }
  });
});
