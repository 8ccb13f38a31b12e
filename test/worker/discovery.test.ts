import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

const BASE = "https://news.test";
const samples = inject("samplePosts");
const get = (path: string) => SELF.fetch(`${BASE}${path}`);
/** "YYYY-MM-DD HH:MM:SS +0000", `hours` before now. */
const hoursAgo = (hours: number) =>
  `${new Date(Date.now() - hours * 3_600_000).toISOString().slice(0, 19).replace("T", " ")} +0000`;
const aged = (hours: number) => ({
  name: `aged-${hours}.txt`,
  text: `---\ntitle: "${hours} 小时前的新闻"\ndate: ${hoursAgo(hours)}\ncategories: guilinwanbao\ntags: 桂林晚报新闻\n---\n<p>${hours} 小时前。</p>\n`,
});
const fresh = {
  name: "fresh.txt",
  text: `---\ntitle: "今天的 <新闻> & 更新"\ndate: ${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19).replace("T", " ")} +0000\ncategories: guilinwanbao\ntags: 桂林晚报新闻\n---\n<p>刚刚发生的事。</p>\n`,
};

beforeAll(async () => {
  await importPosts(d1Runner(env.DB), [...samples, fresh, aged(47), aged(49)], {
    timeZone: "Asia/Shanghai",
    now: Date.now(),
  });
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
    expect(total).toBe(samples.length + 3);
    expect((await get("/sitemaps/1999-01.xml")).status).toBe(404);
  });

  it("the news sitemap has only the last two days, with publication, date and escaped title", async () => {
    const text = await (await get("/sitemap-news.xml")).text();
    expect(text.match(/<url>/g)).toHaveLength(2);
    expect(text).toContain("<news:name>桂林晚报</news:name>");
    expect(text).toContain("<news:title>今天的 &lt;新闻&gt; &amp; 更新</news:title>");
    expect(text).toMatch(/<news:publication_date>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00<\/news:publication_date>/);
  });

  it("the news sitemap's 48-hour window: an article 47 hours old is in it, one 49 hours old is not", async () => {
    const text = await (await get("/sitemap-news.xml")).text();
    expect(text).toContain("<news:title>47 小时前的新闻</news:title>");
    expect(text).not.toContain("49 小时前的新闻");
    // The older one is still in its month's sitemap: only the news window leaves it out.
    const ids = await env.DB.prepare("SELECT id, path_date FROM articles WHERE title = ?1")
      .bind("49 小时前的新闻")
      .first<{ id: string; path_date: string }>();
    const month = ids!.path_date.slice(0, 7).replace("/", "-");
    expect(await (await get(`/sitemaps/${month}.xml`)).text()).toContain(`/${ids!.id}.html</loc>`);
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
