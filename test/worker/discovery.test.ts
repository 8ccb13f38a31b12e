import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

const BASE = "https://news.test";
const samples = inject("samplePosts");
const get = (path: string) => SELF.fetch(`${BASE}${path}`);
const fresh = {
  name: "fresh.txt",
  text: `---\ntitle: "今天的 <新闻> & 更新"\ndate: ${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19).replace("T", " ")} +0000\ncategories: guilinwanbao\ntags: 桂林晚报新闻\n---\n<p>刚刚发生的事。</p>\n`,
};

beforeAll(async () => {
  await importPosts(d1Runner(env.DB), [...samples, fresh], { timeZone: "Asia/Shanghai", now: Date.now() });
});

describe("discovery", () => {
  it("robots.txt points at the sitemaps", async () => {
    const text = await (await get("/robots.txt")).text();
    expect(text).toContain(`Sitemap: ${BASE}/sitemap.xml`);
    expect(text).toContain(`Sitemap: ${BASE}/sitemap-news.xml`);
    expect(text).toContain("Disallow: /api/v1/sources");
  });

  it("the sitemap index lists one sitemap per month, and each lists exactly that month's articles", async () => {
    const index = await (await get("/sitemap.xml")).text();
    const months = [...index.matchAll(/<loc>https:\/\/news\.test\/sitemaps\/(\d{4}-\d{2})\.xml<\/loc>/g)].map(
      (m) => m[1]!,
    );
    expect(months.length).toBeGreaterThanOrEqual(3);
    let total = 0;
    for (const month of months) {
      const res = await get(`/sitemaps/${month}.xml`);
      expect(res.status).toBe(200);
      const urls = [...(await res.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
      expect(urls.every((u) => u.includes(`/${month.replace("-", "/")}/`))).toBe(true);
      total += urls.length;
    }
    expect(total).toBe(samples.length + 1);
    expect((await get("/sitemaps/1999-01.xml")).status).toBe(404);
  });

  it("the news sitemap has only the last two days, with publication, date and escaped title", async () => {
    const text = await (await get("/sitemap-news.xml")).text();
    expect(text.match(/<url>/g)).toHaveLength(1);
    expect(text).toContain("<news:name>桂林晚报</news:name>");
    expect(text).toContain("<news:title>今天的 &lt;新闻&gt; &amp; 更新</news:title>");
    expect(text).toMatch(/<news:publication_date>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00<\/news:publication_date>/);
  });

  it("OPML lists every category's feed", async () => {
    const res = await get("/opml.xml");
    expect(res.headers.get("content-type")).toMatch(/^text\/x-opml/);
    const text = await res.text();
    for (const slug of ["guilinwanbao", "lijiangribao", "yangshuoshibao", "liuzhouchenbao"]) {
      expect(text).toContain(`xmlUrl="${BASE}/category/${slug}/rss.xml"`);
    }
  });
});
