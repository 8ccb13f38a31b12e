// The header's categories stay small however many sources the site has, and the directory at
// /category/ reaches every source, a page at a time.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it, onTestFinished, vi } from "vitest";
import { importPosts } from "../../src/ingest/import-posts";
import { NAV_SOURCES, ensureSourceStatement } from "../../src/db/sources";
import { d1Runner } from "../../src/db/sql";

const samples = inject("samplePosts");
const BASE = "https://news.test";
const get = (path: string) => SELF.fetch(`${BASE}${path}`, { redirect: "manual" });
const headerLinks = (html: string) =>
  [
    ...(/<nav aria-label="新闻来源">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "").matchAll(
      /<a href="([^"]+)"( aria-current="page")?>([^<]*)<\/a>/g,
    ),
  ].map((m) => ({
    href: m[1]!,
    current: Boolean(m[2]),
    text: m[3]!,
  }));

async function sourcesById(): Promise<{ id: number; slug: string; name: string; n: number }[]> {
  const { results } = await env.DB.prepare(
    "SELECT s.id, s.slug, s.name, (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS n FROM sources s ORDER BY s.id",
  ).all<{ id: number; slug: string; name: string; n: number }>();
  return results;
}

beforeAll(async () => {
  await importPosts(d1Runner(env.DB), samples, { timeZone: "Asia/Shanghai", now: Date.now() });
});

describe("header categories", () => {
  it("lists every source and no directory link while the site has only a few", async () => {
    const all = await sourcesById();
    expect(all.length).toBeLessThanOrEqual(NAV_SOURCES);
    const links = headerLinks(await (await get("/")).text());
    expect(links.map((l) => l.href)).toEqual(all.map((s) => `/category/${s.slug}.html`));
    expect(links.map((l) => l.text)).toEqual(all.map((s) => s.name));
  });

  it("shows the first sources and a link to all of them when there are many", async () => {
    // 205 more sources: past the header's limit and past one directory page (200).
    const now = Date.now();
    await d1Runner(env.DB).batch(
      Array.from({ length: 205 }, (_, i) => {
        const n = String(i).padStart(3, "0");
        return ensureSourceStatement(
          { slug: `paper${n}`, name: `第${n}报`, label: `第${n}报新闻` },
          "Asia/Shanghai",
          now,
        );
      }),
    );
    const all = await sourcesById();
    // Pages are cached for max-age (as feeds): the new header shows once it has passed.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 301_000 });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    for (const path of ["/", "/tag/%E5%B0%B1%E4%B8%9A", "/search?q=%E6%A1%82%E6%9E%97", "/no-such-page"]) {
      const links = headerLinks(await (await get(path)).text());
      expect(
        links.slice(0, NAV_SOURCES).map((l) => l.href),
        path,
      ).toEqual(all.slice(0, NAV_SOURCES).map((s) => `/category/${s.slug}.html`));
      expect(links.slice(NAV_SOURCES), path).toEqual([{ href: "/category/", current: false, text: "全部来源" }]);
    }
  });

  it("adds a category page's own source to the header, marked as the current page", async () => {
    const all = await sourcesById();
    const late = all[all.length - 1]!;
    const res = await get(`/category/${late.slug}.html`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("暂无文章。");
    const links = headerLinks(html);
    expect(links).toHaveLength(NAV_SOURCES + 2);
    expect(links.filter((l) => l.current)).toEqual([
      { href: `/category/${late.slug}.html`, current: true, text: late.name },
    ]);
    // A source among the first ones is marked where it stands, not added again.
    const early = headerLinks(await (await get(`/category/${all[1]!.slug}.html`)).text());
    expect(early).toHaveLength(NAV_SOURCES + 1);
    expect(early[1]).toEqual({ href: `/category/${all[1]!.slug}.html`, current: true, text: all[1]!.name });
  });
});

describe("directory of sources", () => {
  it("pages through every source exactly once, in the header's order, with its article count", async () => {
    const all = await sourcesById();
    const seen: { slug: string; text: string }[] = [];
    let next: string | undefined = "/category/";
    let pages = 0;
    while (next) {
      const res = await get(next);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("<h1>全部来源</h1>");
      if (pages > 0) expect(html).toContain('<meta name="robots" content="noindex"/>');
      const list = /<ul class="directory">([\s\S]*?)<\/ul>/.exec(html)![1]!;
      for (const m of list.matchAll(
        /<li><a href="\/category\/([^"]+)\.html">[^<]*<\/a><span class="meta"> ([^<]*)<\/span><\/li>/g,
      )) {
        seen.push({ slug: m[1]!, text: m[2]! });
      }
      next = /<a rel="next" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
      pages++;
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBe(2);
    expect(seen.map((s) => s.slug)).toEqual(all.map((s) => s.slug));
    for (const [i, s] of all.entries())
      expect(seen[i]!.text.startsWith(`${s.n} 篇`), `${s.slug}: ${seen[i]!.text}`).toBe(true);
    // Sources with articles say when they were last updated, in their own zone.
    expect(seen.find((s) => s.slug === "guilinwanbao")!.text).toMatch(
      /^\d+ 篇，最近更新 \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(\+08:00\)$/,
    );
  });

  it("redirects /category to the directory and refuses a forged page parameter", async () => {
    const moved = await get("/category");
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("/category/");
    expect((await get("/category?after=5")).headers.get("location")).toBe("/category/?after=5");
    for (const bad of ["abc", "0", "-1", "1e3", "99999999999999999999"]) {
      const res = await get(`/category/?after=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(await res.text()).toContain("分页参数 after 无效");
    }
    // Past the last source: an empty page, not an error.
    const past = await get("/category/?after=999999");
    expect(past.status).toBe(200);
    expect(await past.text()).toContain("暂无新闻来源。");
  });
});
