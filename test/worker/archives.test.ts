// RFC 5005: paged feeds (first/next) and monthly archive documents (prev-archive/next-archive,
// fh:archive), walked as a reader would.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

const BASE = "https://news.test";
const samples = inject("samplePosts");
const text = async (url: string) => {
  const res = await SELF.fetch(url);
  expect(res.status, url).toBe(200);
  return res.text();
};
const link = (xml: string, rel: string) =>
  new RegExp(`<link rel="${rel}" href="([^"]+)"/>`).exec(xml)?.[1]?.replace(/&amp;/g, "&") ?? null;
const entryIds = (xml: string) => [...xml.matchAll(/<entry>[\s\S]*?<id>([^<]+)<\/id>/g)].map((m) => m[1]!);

beforeAll(async () => {
  await importPosts(d1Runner(env.DB), samples, { timeZone: "Asia/Shanghai", now: Date.now() });
});

async function count(sql: string): Promise<number> {
  return (await env.DB.prepare(sql).first<{ n: number }>())!.n;
}

describe("paged feeds", () => {
  it("a feed that does not hold everything links first and next, and next pages through every item once", async () => {
    const seen: string[] = [];
    let url: string | null = `${BASE}/category/guilinwanbao/feed.xml?limit=3`;
    let pages = 0;
    while (url) {
      const xml = await text(url);
      expect(link(xml, "first")).toBe(`${BASE}/category/guilinwanbao/feed.xml?limit=3`);
      expect(xml).not.toContain("<fh:complete/>");
      seen.push(...entryIds(xml));
      url = link(xml, "next");
      pages++;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(
      await count(
        "SELECT count(*) AS n FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = 'guilinwanbao'",
      ),
    );
  });

  it("a listing that fits in one document is marked fh:complete, with no paging or archive links", async () => {
    const xml = await text(`${BASE}/tag/${encodeURIComponent("民生")}/feed.xml`);
    expect(xml).toContain("<fh:complete/>");
    expect(link(xml, "next")).toBeNull();
    expect(link(xml, "prev-archive")).toBeNull();
  });

  it("rejects a forged before= with a clear 400", async () => {
    const res = await SELF.fetch(`${BASE}/feed.xml?before=forged`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("before is not a cursor");
  });
});

describe("monthly archives", () => {
  it.each([
    ["site", `${BASE}/feed.xml?limit=5`, "SELECT count(*) AS n FROM articles"],
    [
      "category",
      `${BASE}/category/lijiangribao/feed.xml?limit=5`,
      "SELECT count(*) AS n FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = 'lijiangribao'",
    ],
  ])(
    "following prev-archive from the %s feed reaches every article exactly once",
    async (_name, subscription, total) => {
      const current = await text(subscription);
      let url = link(current, "prev-archive");
      expect(url).toMatch(/\/archive\/\d{4}-\d{2}\/feed\.xml$/);
      const seen: string[] = [];
      let newer: string | null = null;
      while (url) {
        const xml = await text(url);
        expect(xml).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
        expect(xml).toContain("<fh:archive/>");
        expect(link(xml, "current")).toBe(subscription.replace("?limit=5", ""));
        expect(link(xml, "next-archive")).toBe(newer);
        seen.push(...entryIds(xml));
        newer = url;
        url = link(xml, "prev-archive");
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(await count(total));
    },
  );

  it("past months are cached for a day; unknown months are empty archives, not errors", async () => {
    const res = await SELF.fetch(`${BASE}/archive/2025-09/rss.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("max-age=86400");
    expect(await res.text()).toContain("<fh:archive/>");
    expect((await SELF.fetch(`${BASE}/category/nosuch/archive/2025-09/feed.xml`)).status).toBe(404);
  });
});
