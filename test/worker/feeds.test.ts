import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";
import { importPosts } from "../../src/ingest/import-posts";
import { d1Runner } from "../../src/db/sql";
import { evictFeed } from "../../src/web/feeds";

const samples = inject("samplePosts");
const BASE = "https://news.test";
const db = d1Runner(env.DB);

beforeAll(async () => {
  await importPosts(db, samples, { timeZone: "Asia/Shanghai", now: Date.now() });
});

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
/** Drop the cached copies, as if their max-age had passed. */
const expire = (path: string, variant: "reader" | "page" = "reader") => evictFeed(`${BASE}${path}`, variant);

const TAG = encodeURIComponent("就业");
const ENDPOINTS: [string, string][] = [
  ["/feed.xml", "application/atom+xml"],
  ["/rss.xml", "application/rss+xml"],
  ["/feed.json", "application/feed+json"],
  ["/category/guilinwanbao/feed.xml", "application/atom+xml"],
  ["/category/guilinwanbao/rss.xml", "application/rss+xml"],
  ["/category/guilinwanbao/feed.json", "application/feed+json"],
  [`/tag/${TAG}/feed.xml`, "application/atom+xml"],
  [`/tag/${TAG}/rss.xml`, "application/rss+xml"],
  [`/tag/${TAG}/feed.json`, "application/feed+json"],
  ["/feed/guilinwanbao.xml", "application/atom+xml"],
  [`/feed/by_tag/${TAG}.xml`, "application/atom+xml"],
];

describe("feed endpoints", () => {
  it.each(ENDPOINTS)("%s answers %s with caching headers", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(`${type}; charset=utf-8`);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get("last-modified")).toMatch(/ GMT$/);
    expect(res.headers.get("cache-control")).toBe(
      "public, max-age=300, stale-while-revalidate=900, stale-if-error=86400",
    );
    expect(res.headers.get("vary")).toBe("Accept, Sec-Fetch-Dest");
    const body = await res.text();
    expect(body.length).toBeGreaterThan(100);
  });

  it("lists 20 items by default and honours ?limit= from 1 to 100", async () => {
    const count = async (q: string) => (await (await get(`/feed.json${q}`)).json<{ items: unknown[] }>()).items.length;
    expect(await count("")).toBe(20);
    expect(await count("?limit=1")).toBe(1);
    expect(await count("?limit=100")).toBe(samples.length);
  });

  it.each(["0", "101", "-1", "abc", "1.5", "", "1e2"])("rejects limit=%s with a clear 400", async (bad) => {
    const res = await get(`/rss.xml?limit=${bad}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toContain("limit must be an integer from 1 to 100");
  });

  it.each([
    "/category/nosuch/feed.xml",
    "/feed/nosuch.xml",
    `/tag/${encodeURIComponent("无此标签")}/rss.xml`,
    "/feed/by_tag/nosuch.xml",
  ])("answers 404 for an unknown listing: %s", async (path) => {
    expect((await get(path)).status).toBe(404);
  });

  it("feeds of a category contain only that category, with its own title", async () => {
    const feed = await (await get("/category/lijiangribao/feed.json?limit=100")).json<{
      title: string;
      items: { url: string }[];
    }>();
    expect(feed.title).toBe("漓江日报新闻 - 本地新闻聚合");
    expect(feed.items.length).toBe(10);
    expect(feed.items.every((i) => i.url.startsWith(`${BASE}/lijiangribao/`))).toBe(true);
  });
});

/** (title, link) of each item, in order, read from an Atom, RSS or JSON Feed body. */
function itemsOf(body: string, type: string): [string, string][] {
  if (type === "application/feed+json") {
    return (JSON.parse(body) as { items: { title: string; url: string }[] }).items.map((i) => [i.title, i.url]);
  }
  const pattern =
    type === "application/rss+xml"
      ? /<item>\s*<title><!\[CDATA\[(.*?)\]\]><\/title>\s*<link>([^<]+)<\/link>/g
      : /<entry>\s*<title type="html"><!\[CDATA\[(.*?)\]\]><\/title>\s*<id>[^<]*<\/id>\s*<link href="([^"]+)"\/>/g;
  const items = [...body.matchAll(pattern)].map((m): [string, string] => [m[1]!, m[2]!]);
  // Every item was read: none in a shape the pattern missed.
  expect(items).toHaveLength((body.match(type === "application/rss+xml" ? /<item>/g : /<entry>/g) ?? []).length);
  return items;
}

describe("tag feeds", () => {
  it.each(ENDPOINTS.filter(([path]) => path.includes(TAG)))(
    "%s carries exactly the tag's articles, newest first, with their titles and links",
    async (path, type) => {
      const { results } = await env.DB.prepare(
        `SELECT a.id, a.title, a.path_date, s.slug FROM articles a JOIN sources s ON s.id = a.source_id
         WHERE EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value = '就业') ORDER BY a.search_rowid DESC`,
      ).all<{ id: string; title: string; path_date: string; slug: string }>();
      expect(results.length).toBeGreaterThan(1);
      expect(results.length).toBeLessThan(20); // the whole tag fits in one feed
      const items = itemsOf(await (await get(path)).text(), type);
      expect(items).toEqual(results.map((r) => [r.title, `${BASE}/${r.slug}/${r.path_date}/${r.id}.html`]));
    },
  );
});

describe("conditional GET, as an RSS reader polls", () => {
  it("200 → 304 by ETag or by date from the cached copy → expired: 304 by ETag, 200 by date → new article → 200", async () => {
    const path = "/category/yangshuoshibao/rss.xml";
    await expire(path);
    const first = await get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    const body = await first.text();
    // Last-Modified is when this copy was rendered, never an item's upstream date.
    expect(Math.abs(Date.parse(lastModified) - Date.now())).toBeLessThan(60_000);

    // While the copy is cached, both validators answer from it.
    const byTag = await get(path, { "If-None-Match": etag });
    expect(byTag.status).toBe(304);
    expect(await byTag.text()).toBe("");
    expect(byTag.headers.get("etag")).toBe(etag);
    expect(byTag.headers.get("last-modified")).toBe(lastModified);
    expect(byTag.headers.get("cache-control")).toContain("max-age=");
    expect((await get(path, { "If-None-Match": `W/${etag}, "other"` })).status).toBe(304);
    // "Modified since" compares instants: a later date in another format still means unchanged.
    const later = new Date(Date.parse(lastModified) + 60_000).toUTCString();
    expect((await get(path, { "If-Modified-Since": lastModified })).status).toBe(304);
    expect((await get(path, { "If-Modified-Since": later })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await get(path, { "If-Modified-Since": earlier })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    expect((await get(path, { "If-None-Match": '"stale"', "If-Modified-Since": later })).status).toBe(200);
    // The same from the edge cache.
    await evictFeed(`${BASE}${path}`, "reader", { memory: true });
    const edge304 = await get(path, { "If-Modified-Since": lastModified });
    expect(edge304.status).toBe(304);
    expect(edge304.headers.get("last-modified")).toBe(lastModified);

    // Both copies expired: the tag is checked against the listing's version without rendering…
    await expire(path);
    const byVersion = await get(path, { "If-None-Match": etag });
    expect(byVersion.status).toBe(304);
    expect(byVersion.headers.get("etag")).toBe(etag);
    expect(byVersion.headers.get("last-modified")).toBeNull(); // nothing was rendered to date
    expect((await get(path, { "If-None-Match": `W/${etag}, "other"` })).status).toBe(304);
    // …but a date alone cannot be checked without a rendered copy: the feed is rendered, 200,
    // the same bytes and tag, dated anew.
    const byDate = await get(path, { "If-Modified-Since": later });
    expect(byDate.status).toBe(200);
    expect(byDate.headers.get("x-cache")).toBeNull();
    expect(byDate.headers.get("etag")).toBe(etag);
    expect(await byDate.text()).toBe(body);
    expect(Date.parse(byDate.headers.get("last-modified")!)).toBeGreaterThanOrEqual(Date.parse(lastModified));

    const fresh = {
      name: "new.txt",
      text: `---\ntitle: 阳朔新开一条骑行绿道\ndate: 2025-11-25 09:30:00 +0800\ncategories: yangshuoshibao\ntags: 阳朔时报新闻\n---\n<p>新闻正文。</p>\n`,
    };
    expect((await importPosts(db, [fresh], { timeZone: "Asia/Shanghai", now: Date.now() })).imported).toBe(1);
    await expire(path);
    const changed = await get(path, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await changed.text()).toContain("阳朔新开一条骑行绿道");
    expect(Date.parse(changed.headers.get("last-modified")!)).toBeGreaterThanOrEqual(Date.parse(lastModified));
  });

  it("serves repeated requests from the isolate's memory, then from the edge cache, without D1", async () => {
    const path = "/category/liuzhouchenbao/feed.xml";
    await expire(path);
    const miss = await get(path);
    expect(miss.headers.get("x-cache")).toBeNull();
    const body = await miss.text();
    const fromMemory = await get(path);
    expect(fromMemory.headers.get("x-cache")).toBe("memory");
    expect(await fromMemory.text()).toBe(body);
    await evictFeed(`${BASE}${path}`, "reader", { memory: true });
    const fromEdge = await get(path);
    expect(fromEdge.headers.get("x-cache")).toBe("edge");
    expect(await fromEdge.text()).toBe(body);
    expect(fromEdge.headers.get("etag")).toBe(miss.headers.get("etag"));
    expect(fromEdge.headers.get("x-rendered-at")).toBeNull();
    // Proof that D1 is not touched: with the articles gone, the cached copy is still served.
    await env.DB.prepare(
      "UPDATE articles SET title = 'changed' WHERE source_id = (SELECT id FROM sources WHERE slug = 'liuzhouchenbao')",
    ).run();
    expect(await (await get(path)).text()).toBe(body);
  });
});

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";

describe("feeds in a browser", () => {
  it("a navigation gets the feed as a readable zh-CN page under the strict CSP", async () => {
    const path = "/category/guilinwanbao/rss.xml";
    await expire(path, "page");
    const res = await get(path, { Accept: BROWSER_ACCEPT, "Sec-Fetch-Dest": "document" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    expect(res.headers.get("vary")).toBe("Accept, Sec-Fetch-Dest");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
    expect(html).toContain("<h1>桂林晚报新闻 - 本地新闻聚合</h1>");
    expect(html).toContain("订阅源（Feed）：给新闻阅读器读取的网址");
    expect(html).toContain(`<input id="feed-url" type="url" readonly="" value="${BASE}${path}"/>`);
    const encoded = encodeURIComponent(`${BASE}${path}`);
    expect(html).toContain(`href="https://feedly.com/i/subscription/feed%2F${encoded}"`);
    expect(html).toContain(`href="https://www.inoreader.com/?add_feed=${encoded}"`);
    expect(html).toContain(`href="https://www.newsblur.com/?url=${encoded}"`);
    expect(html).toContain(`href="https://theoldreader.com/feeds/subscribe?url=${encoded}"`);
    expect(html).not.toMatch(/<script(?! type="application\/ld\+json")/);
    // The items, each linking to its article, as many as the feed holds.
    const feed = await (await get("/category/guilinwanbao/feed.json")).json<{
      items: { url: string; title: string }[];
    }>();
    expect(html.match(/<article class="summary">/g)).toHaveLength(feed.items.length);
    for (const item of feed.items) expect(html).toContain(`<a href="${item.url.slice(BASE.length)}">`);
  });

  it("decides by Sec-Fetch-Dest or by an Accept that ranks HTML above every feed type", async () => {
    const isPage = async (headers: Record<string, string>) =>
      (await get("/feed.json", headers)).headers.get("content-type")!.startsWith("text/html");
    expect(await isPage({ "Sec-Fetch-Dest": "document" })).toBe(true);
    expect(await isPage({ Accept: BROWSER_ACCEPT })).toBe(true); // a browser without fetch metadata
    expect(await isPage({ Accept: "text/html" })).toBe(true);
    expect(await isPage({ Accept: "text/html;q=0.9, application/*;q=0.5" })).toBe(true);
    for (const accept of [
      "",
      "*/*",
      "application/atom+xml, application/rss+xml",
      "application/rss+xml, text/html;q=0.5",
      "text/html, application/feed+json", // a tie goes to the feed
      "text/html;q=0.9, */*",
      "text/html;q=0",
      "text/*", // text/xml is a feed type too
    ])
      expect(await isPage(accept ? { Accept: accept } : {}), accept).toBe(false);
    expect(await isPage({ Accept: "application/json", "Sec-Fetch-Dest": "empty" })).toBe(false);
  });

  it("every reader still gets the feed's exact bytes, ETag and 304, whatever a browser got before", async () => {
    const path = "/tag/%E5%B0%B1%E4%B8%9A/rss.xml?limit=3";
    const page = await get(path, { Accept: BROWSER_ACCEPT });
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const pageTag = page.headers.get("etag")!;
    expect((await get(path, { Accept: BROWSER_ACCEPT, "If-None-Match": pageTag })).status).toBe(304);
    const plain = await get(path);
    const body = await plain.text();
    const etag = plain.headers.get("etag")!;
    expect(etag).not.toBe(pageTag);
    expect(body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/);
    for (const accept of ["application/rss+xml", "*/*", "application/rss+xml, text/html;q=0.5"]) {
      const res = await get(path, { Accept: accept });
      expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe(body);
      expect((await get(path, { Accept: accept, "If-None-Match": etag })).status).toBe(304);
      // The page's tag is not the feed's: a reader holding it gets the feed.
      expect((await get(path, { Accept: accept, "If-None-Match": pageTag })).status).toBe(200);
    }
    expect(plain.headers.get("content-security-policy")).toContain("script-src 'self'"); // for the XSL
  });
});

describe("fresh after a refresh", () => {
  const newArticle = (name: string, title: string) => ({
    name,
    text: `---\ntitle: ${title}\ndate: 2026-01-02 09:30:00 +0800\ncategories: lijiangribao\ntags: 漓江日报新闻\n---\n<p>新闻正文。</p>\n`,
  });

  it("the edge copy carries only max-age, and lives no longer than that", async () => {
    const path = "/category/lijiangribao/feed.xml";
    await expire(path);
    const res = await get(path);
    expect(res.headers.get("cache-control")).toBe(
      "public, max-age=300, stale-while-revalidate=900, stale-if-error=86400",
    );
    await res.text();
    // cache.put runs after the response (waitUntil): wait for the copy to land.
    const key = new Request(`${BASE}${path}?__variant=reader`);
    let stored: Response | undefined;
    for (let i = 0; i < 50 && !stored; i++) {
      stored = await caches.default.match(key);
      if (!stored) await new Promise((r) => setTimeout(r, 20));
    }
    expect(stored).toBeDefined();
    expect(stored!.headers.get("cache-control")).toBe("public, max-age=300");
    await stored!.text();
    const fromEdge = await (async () => {
      await evictFeed(`${BASE}${path}`, "reader", { memory: true });
      return get(path);
    })();
    expect(fromEdge.headers.get("x-cache")).toBe("edge");
    // Clients get the public policy back, and none of the edge's own bookkeeping.
    expect(fromEdge.headers.get("cache-control")).toBe(
      "public, max-age=300, stale-while-revalidate=900, stale-if-error=86400",
    );
    expect(fromEdge.headers.get("x-fresh-until")).toBeNull();
    expect(fromEdge.headers.get("x-cache-control")).toBeNull();
  });

  it("a stored article is in the feeds and the page once max-age has passed, with no eviction", async () => {
    const paths = ["/category/lijiangribao/feed.xml", "/category/lijiangribao/rss.xml", "/feed.json?limit=100"];
    const before = await Promise.all(paths.map(async (p) => (await get(p)).text()));
    const browserPage = await (await get(paths[1]!, { Accept: BROWSER_ACCEPT })).text();
    expect((await get(paths[0]!)).headers.get("x-cache")).toBe("memory");
    const title = "漓江沿岸新增三处观景平台";
    expect(before.every((b) => !b.includes(title)) && !browserPage.includes(title)).toBe(true);
    expect(
      (await importPosts(db, [newArticle("fresh-1.txt", title)], { timeZone: "Asia/Shanghai", now: Date.now() }))
        .imported,
    ).toBe(1);
    // Within max-age the cached copies may still be served (that is what max-age allows)…
    expect(await (await get(paths[0]!)).text()).toBe(before[0]);
    // …and once it has passed, none is: not from memory, not from the edge cache.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 301_000 });
    try {
      for (const p of paths) {
        const res = await get(p);
        expect(res.headers.get("x-cache"), p).toBeNull();
        expect(await res.text(), p).toContain(title);
      }
      expect(await (await get(paths[1]!, { Accept: BROWSER_ACCEPT })).text()).toContain(title);
      expect(await (await get("/category/lijiangribao.html")).text()).toContain(title);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never answers 304 for a version that is gone", async () => {
    const path = "/category/lijiangribao/rss.xml?limit=5";
    const first = await get(path);
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    await first.text();
    const title = "漓江夜游航线恢复运营";
    const imported = await importPosts(db, [newArticle("fresh-2.txt", title)], {
      timeZone: "Asia/Shanghai",
      now: Date.now(),
    });
    expect(imported.imported).toBe(1);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 301_000 });
    try {
      const res = await get(path, { "If-None-Match": etag, "If-Modified-Since": lastModified });
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).not.toBe(etag);
      expect(await res.text()).toContain(title);
      // The new tag revalidates; the old one never again.
      expect((await get(path, { "If-None-Match": res.headers.get("etag")! })).status).toBe(304);
      expect((await get(path, { "If-None-Match": etag })).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("a reader sending only If-Modified-Since", () => {
  const post = (name: string, title: string, date: string, category: string) => ({
    name,
    text: `---\ntitle: ${title}\ndate: ${date}\ncategories: ${category}\ntags: ${category}\n---\n<p>新闻正文。</p>\n`,
  });
  const admin = (method: string, path: string) =>
    SELF.fetch(`${BASE}${path}`, { method, headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });

  /** Fetch `path` as a reader, change the listing, let the cached copy expire, and poll again with
   *  only the date the reader was given: it must get the changed feed, never a 304. */
  async function pollAcross(path: string, change: () => Promise<void>): Promise<{ before: string; after: string }> {
    await expire(path);
    const first = await get(path);
    expect(first.status).toBe(200);
    const since = first.headers.get("last-modified")!;
    const before = await first.text();
    // The change happens after the second the reader's copy is dated (HTTP dates have one-second
    // resolution; within one second only If-None-Match can tell two renders apart).
    await new Promise((r) => setTimeout(r, 1001 - (Date.now() % 1000)));
    await change();
    await expire(path);
    const res = await get(path, { "If-Modified-Since": since });
    expect(res.status).toBe(200);
    const after = await res.text();
    expect(after).not.toBe(before);
    const renewed = res.headers.get("last-modified")!;
    expect(Date.parse(renewed)).toBeGreaterThan(Date.parse(since));
    // The new copy is cached: another reader still holding the old date gets it too, and a
    // reader holding the new date is told it is unchanged.
    const cached = await get(path, { "If-Modified-Since": since });
    expect(cached.headers.get("x-cache")).toBe("memory");
    expect(cached.status).toBe(200);
    expect((await get(path, { "If-Modified-Since": renewed })).status).toBe(304);
    return { before, after };
  }

  it("never gets 304 after an article dated in the past is added to the listing", async () => {
    const path = "/category/guilinwanbao/feed.json?limit=100";
    const title = "桂林旧闻补录：二〇一九年的一场春雨";
    const { before, after } = await pollAcross(path, async () => {
      const imported = await importPosts(
        db,
        [post("old-dated.txt", title, "2019-03-01 08:00:00 +0800", "guilinwanbao")],
        { timeZone: "Asia/Shanghai", now: Date.now() },
      );
      expect(imported.imported).toBe(1);
    });
    expect(before).not.toContain(title);
    expect(after).toContain(title);
  });

  it("never gets 304 after a source with articles in the site feed is deleted through the admin API", async () => {
    const title = "即将删除的来源发布的新闻";
    const imported = await importPosts(db, [post("gone.txt", title, "2026-03-01 08:00:00 +0800", "lmgone")], {
      timeZone: "Asia/Shanghai",
      now: Date.now(),
    });
    expect(imported.imported).toBe(1);
    const { before, after } = await pollAcross("/feed.xml", async () => {
      expect((await admin("DELETE", "/api/v1/sources/lmgone")).status).toBe(204);
    });
    expect(before).toContain(title);
    expect(after).not.toContain(title);
  });
});

describe("pages advertise their feeds", () => {
  it("in <head> and as visible links", async () => {
    const html = await (await get("/category/guilinwanbao.html")).text();
    expect(html).toContain(
      `<link rel="alternate" type="application/atom+xml" title="桂林晚报新闻 (Atom)" href="${BASE}/category/guilinwanbao/feed.xml"/>`,
    );
    expect(html).toContain(
      `<link rel="alternate" type="application/rss+xml" title="桂林晚报新闻 (RSS)" href="${BASE}/category/guilinwanbao/rss.xml"/>`,
    );
    expect(html).toContain(
      `<link rel="alternate" type="application/feed+json" title="桂林晚报新闻 (JSON Feed)" href="${BASE}/category/guilinwanbao/feed.json"/>`,
    );
    expect(html).toContain(
      `<link rel="alternate" type="application/atom+xml" title="本地新闻聚合 (Atom)" href="${BASE}/feed.xml"/>`,
    );
    expect(html).toMatch(
      /订阅本页：<a href="\/category\/guilinwanbao\/feed.xml" type="application\/atom\+xml">Atom<\/a>/,
    );
    const home = await (await get("/")).text();
    expect(home).toContain(`href="${BASE}/feed.xml"`);
    const tag = await (await get(`/tag/${TAG}`)).text();
    expect(tag).toContain(`href="${BASE}/tag/${TAG}/rss.xml"`);
  });

  it("pages carry validators too: ETag → 304", async () => {
    const first = await get("/category/guilinwanbao.html");
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    expect(first.headers.get("cache-control")).toContain("max-age=300");
    const second = await get("/category/guilinwanbao.html", { "If-None-Match": etag });
    expect(second.status).toBe(304);
  });
});

describe("cache keys", () => {
  it("ignore parameters a feed does not read, so junk parameters neither change the feed nor bypass the cache", async () => {
    const path = "/category/lijiangribao/rss.xml";
    await expire(path);
    const first = await get(`${path}?limit=5`);
    const body = await first.text();
    const junk = await get(`${path}?utm_source=reader&limit=5&r=${Date.now()}`);
    expect(junk.headers.get("x-cache")).toBe("memory");
    expect(await junk.text()).toBe(body);
    expect(junk.headers.get("etag")).toBe(first.headers.get("etag"));
    expect(body).toContain(`<atom:link href="${BASE}${path}?limit=5" rel="self" type="application/rss+xml"/>`);
  });
});

describe("valid everywhere", () => {
  it("every Atom <source> carries <updated>, the entry's own update", async () => {
    const atom = await (await get("/category/guilinwanbao/feed.xml")).text();
    const entries = atom.split("<entry>").slice(1);
    expect(entries.length).toBeGreaterThan(2);
    for (const e of entries) {
      const updated = /<updated>([^<]+)<\/updated>/.exec(e)![1];
      const source = /<source>[\s\S]*<\/source>/.exec(e)![0];
      expect(source).toContain(`<updated>${updated}</updated>`);
    }
  });

  it("an empty feed is dated when it was made, not 1970", async () => {
    const q = encodeURIComponent("没有这样的文章zzqx");
    const atom = await (await get(`/search/feed.xml?q=${q}`)).text();
    expect(atom).not.toContain("<entry>");
    const updated = Date.parse(/<updated>([^<]+)<\/updated>/.exec(atom)![1]!);
    expect(Math.abs(updated - Date.now())).toBeLessThan(60_000);
    expect(atom).toMatch(/<updated>[^<]+\+08:00<\/updated>/);
    const rss = await (await get(`/search/rss.xml?q=${q}`)).text();
    expect(Date.parse(/<lastBuildDate>([^<]+)<\/lastBuildDate>/.exec(rss)![1]!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a listing title with markup characters or a literal entity is the same text in every format", async () => {
    const query = "&amp; <b>桂林</b>";
    const q = encodeURIComponent(query);
    const json = await (await get(`/search/feed.json?q=${q}`)).json<{ title: string }>();
    expect(json.title).toBe(`搜索：${query} - 本地新闻聚合`);
    const escaped = "搜索：&amp;amp; &lt;b&gt;桂林&lt;/b&gt; - 本地新闻聚合";
    expect(await (await get(`/search/feed.xml?q=${q}`)).text()).toContain(`<title>${escaped}</title>`);
    expect(await (await get(`/search/rss.xml?q=${q}`)).text()).toContain(`<title>${escaped}</title>`);
  });
});
