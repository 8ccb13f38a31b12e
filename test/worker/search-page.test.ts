import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

const BASE = "https://news.test";
const get = (path: string) => SELF.fetch(`${BASE}${path}`);
const q = (s: string) => encodeURIComponent(s);

beforeAll(async () => {
  await importPosts(d1Runner(env.DB), inject("samplePosts"), { timeZone: "Asia/Shanghai", now: Date.now() });
});

describe("/search", () => {
  it("shows a form when there is no query, and a search box on every page", async () => {
    const res = await get("/search");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form class="search-form" action="/search" method="get" role="search">');
    expect(await (await get("/")).text()).toContain(
      '<form class="site-search" action="/search" method="get" role="search">',
    );
  });

  it("lists matches newest first with the words highlighted, and offers feeds for the query", async () => {
    const html = await (await get(`/search?q=${q("就业")}`)).text();
    expect(html).toContain("<h1>搜索：就业</h1>");
    expect(html).toContain("<mark>就业</mark>");
    expect(html).toContain(`href="/search/feed.xml?q=${q("就业")}"`);
    expect(html).toContain(
      `<link rel="alternate" type="application/rss+xml" title="搜索：就业 (RSS)" href="${BASE}/search/rss.xml?q=${q("就业")}"/>`,
    );
    const dates = [...html.matchAll(/<time datetime="([^"]+)"/g)].map((m) => Date.parse(m[1]!));
    expect(dates.length).toBeGreaterThan(1);
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
  });

  it("says so when nothing matches, and escapes the query everywhere", async () => {
    const res = await get(`/search?q=${q("<script>火星</script>")}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<script>火星");
    expect(html).toContain("没有找到包含“&lt;script&gt;火星&lt;/script&gt;”的文章。");
  });

  it("answers a query with nothing searchable with a 400 page, not a 500", async () => {
    const res = await get(`/search?q=${q("***")}`);
    expect(res.status).toBe(400);
    // An error page carries no validator: nothing may keep or revalidate it.
    expect(res.headers.get("etag")).toBeNull();
    expect(await res.text()).toContain("搜索词需要包含文字或数字。");
  });
});

describe("search feeds", () => {
  it("serves the query as Atom, RSS and JSON Feed, with the query in the self link", async () => {
    const atom = await (await get(`/search/feed.xml?q=${q("社区")}`)).text();
    expect(atom).toContain(`<link rel="self" href="${BASE}/search/feed.xml?q=${q("社区")}"/>`);
    expect(atom).toContain("<title>搜索：社区 - 本地新闻聚合</title>");
    expect((atom.match(/<entry>/g) ?? []).length).toBeGreaterThan(0);
    const json = (await (await get(`/search/feed.json?q=${q("社区")}`)).json()) as {
      items: { title: string; content_html: string }[];
    };
    expect(json.items.every((i) => `${i.title}${i.content_html}`.includes("社区"))).toBe(true);
    expect((await get(`/search/rss.xml?q=${q("社区")}`)).status).toBe(200);
  });

  it("the RSS search feed carries every article containing the word, and only them", async () => {
    // What a search for 社区 must find, read independently of the index: the word in a title,
    // a body or a tag.
    const { results } = await env.DB.prepare(
      `SELECT a.id, a.title, a.path_date, s.slug FROM articles a JOIN sources s ON s.id = a.source_id
       WHERE a.title LIKE '%社区%' OR a.content_html LIKE '%社区%'
          OR EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value LIKE '%社区%')`,
    ).all<{ id: string; title: string; path_date: string; slug: string }>();
    const total = (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
    expect(results.length).toBeGreaterThan(1);
    expect(results.length).toBeLessThan(total);
    const res = await get(`/search/rss.xml?q=${q("社区")}&limit=100`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const rss = await res.text();
    const items = [...rss.matchAll(/<item>\s*<title><!\[CDATA\[(.*?)\]\]><\/title>\s*<link>([^<]+)<\/link>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(items).toHaveLength((rss.match(/<item>/g) ?? []).length);
    expect(items.sort()).toEqual(results.map((r) => `${r.title} ${BASE}/${r.slug}/${r.path_date}/${r.id}.html`).sort());
  });

  it.each(["", "***", "长".repeat(101)])("rejects q=%j with a clear 400", async (bad) => {
    const res = await get(`/search/rss.xml?q=${q(bad)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("q must be");
  });
});
