import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
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
const expire = (path: string, browser = false) => evictFeed(`${BASE}${path}`, browser);

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
    expect(res.headers.get("vary")).toBe("Accept");
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

describe("conditional GET, as an RSS reader polls", () => {
  it("200 → 304 by ETag → 304 by date → new article → 200 with a new ETag", async () => {
    const path = "/category/yangshuoshibao/rss.xml";
    const first = await get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;

    for (const fromEdge of [true, false]) {
      if (!fromEdge) await expire(path);
      const byTag = await get(path, { "If-None-Match": etag });
      expect(byTag.status).toBe(304);
      expect(await byTag.text()).toBe("");
      expect(byTag.headers.get("etag")).toBe(etag);
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
    }

    await expire(path);
    const again = await get(path);
    expect(again.headers.get("etag")).toBe(etag); // re-rendered, same content, same tag

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
    expect(Date.parse(changed.headers.get("last-modified")!)).toBeGreaterThan(Date.parse(lastModified));
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
    await evictFeed(`${BASE}${path}`, false, { memory: true });
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

describe("feeds in a browser", () => {
  it("gives a browser the same bytes as XML with the XSL stylesheet, and a reader its feed type", async () => {
    await expire("/rss.xml", true);
    await expire("/rss.xml");
    const browser = await get("/rss.xml", {
      Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    });
    const reader = await get("/rss.xml", { Accept: "application/rss+xml, application/xml;q=0.9" });
    expect(browser.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(reader.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const [b, r] = [await browser.text(), await reader.text()];
    expect(b).toBe(r);
    expect(r).toContain('<?xml-stylesheet href="/assets/feed.xsl" type="text/xsl"?>');
    expect(browser.headers.get("content-security-policy")).toContain("script-src 'self'");
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
