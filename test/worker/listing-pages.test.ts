// Listing pages past their first page, and the times they show: a tag with more than one page of
// articles (some published in the same second, so the cursor's id half matters), and every
// listing showing the source's own offset (+08:00), never UTC.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

const BASE = "https://news.test";
const TAG = "分页标签";
const get = (path: string) => SELF.fetch(`${BASE}${path}`, { redirect: "manual" });
const hrefs = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!.replace(/&amp;/g, "&"));
const ARTICLE_LINK = /<h2><a href="(\/[a-z0-9]+\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\.html)"/g;
const NEXT_LINK = /<a rel="next" href="([^"]+)"/g;

// 45 posts: more than two pages of 20. Pairs share a publication second, so a page boundary
// falls between two articles of the same time.
const POSTS = Array.from({ length: 45 }, (_, i) => {
  const hour = 9 - Math.floor(i / 2); // 09:00, 09:00, 08:00, 08:00, … (the day before for later ones)
  const at = new Date(Date.UTC(2025, 5, 1, hour - 8, 0, 0)); // wall clock in +08:00
  const wall = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
  return {
    name: `paging-${String(i).padStart(2, "0")}.txt`,
    text: `---\ntitle: "分页测试第${i}篇"\ndate: ${wall} +0800\ncategories: fenyebao\ntags: [分页报新闻, ${TAG}]\n---\n<p>分页测试正文${i}。</p>\n`,
  };
});

beforeAll(async () => {
  const s = await importPosts(d1Runner(env.DB), POSTS, { timeZone: "Asia/Shanghai", now: Date.now() });
  expect(s.rejected).toEqual([]);
});

/** Follow "更早的文章" from a listing's first page; every article link in order, page by page. */
async function walk(path: string): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | undefined = path;
  while (next) {
    const res = await get(next);
    expect(res.status, next).toBe(200);
    const html = await res.text();
    pages.push(hrefs(html, ARTICLE_LINK));
    next = hrefs(html, NEXT_LINK)[0];
    expect(pages.length).toBeLessThan(10);
  }
  return pages;
}

describe("tag page paging", () => {
  it("follows the next link through a tag of three pages: no article repeated, none skipped, newest first", async () => {
    const pages = await walk(`/tag/${encodeURIComponent(TAG)}`);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    const { results } = await env.DB.prepare(
      // Newest first: by the search rowid, time-ordered (same-millisecond ties in the order stored).
      `SELECT a.id FROM articles a WHERE EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = ?1)
       ORDER BY a.search_rowid DESC`,
    )
      .bind(TAG)
      .all<{ id: string }>();
    expect(results).toHaveLength(45);
    expect(pages.flat().map((l) => l.slice(-21, -5))).toEqual(results.map((r) => r.id));
  });
});

describe("listing pages show times in the source's offset", () => {
  // The newest post: 2025-06-01 09:00 in Guilin, 01:00 UTC.
  const NEWEST = '<time datetime="2025-06-01T09:00:00+08:00">2025-06-01 09:00 (+08:00)</time>';

  it.each([
    ["the home page", "/"],
    ["the category page", "/category/fenyebao.html"],
    ["the tag page", `/tag/${encodeURIComponent(TAG)}`],
    ["the search page", `/search?q=${encodeURIComponent("分页测试")}`],
  ])("%s shows the newest article at 09:00 +08:00, not 01:00 UTC", async (_name, path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(NEWEST);
    expect(html).not.toMatch(/\+00:00/);
  });

  it("the directory shows the source's latest update at 09:00 +08:00", async () => {
    const html = await (await get("/category/")).text();
    const entry = /<a href="\/category\/fenyebao\.html">[^<]*<\/a><span class="meta">([^<]*)<\/span>/.exec(html);
    expect(entry?.[1]).toBe(" 45 篇，最近更新 2025-06-01 09:00 (+08:00)");
  });
});
