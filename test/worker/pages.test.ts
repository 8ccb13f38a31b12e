import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { importPosts } from "../../src/ingest/import-posts";
import { d1Runner } from "../../src/db/sql";
import { NEEDS_SEED } from "../needs-shared";

const samples = inject("samplePosts");
// The real seed post from ../shared, when it is there; the samples cover everything else.
const seed = inject("seedPost");
const BASE = "https://news.test";

const hostile = {
  name: "hostile.txt",
  text: `---
title: "<script>alert('标题')</script> & 特殊字符"
date: 2025-06-01 09:00:00 +0800
categories: guilinwanbao
tags: [桂林晚报新闻, "C++ & <测试>"]
---
<p>正文<img src="https://img.example.com/hostile.jpg" onerror="alert(1)" onclick="alert(2)"><iframe src="https://evil.example/"></iframe></p>
`,
};

beforeAll(async () => {
  const s = await importPosts(d1Runner(env.DB), [...samples, ...(seed ? [seed] : []), hostile], {
    timeZone: "Asia/Shanghai",
    now: Date.now(),
  });
  expect(s.rejected).toEqual([]);
});

const get = (path: string) => SELF.fetch(`${BASE}${path}`, { redirect: "manual" });
const hrefs = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]!.replace(/&amp;/g, "&"));
const ARTICLE_LINK = /<h2><a href="(\/[a-z0-9]+\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{16}\.html)"/g;
const NEXT_LINK = /<a rel="next" href="([^"]+)"/g;

/** Follow "更早的文章" from a listing's first page; every article link in order. */
async function walk(path: string): Promise<{ links: string[]; pages: number }> {
  const links: string[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const res = await get(next);
    expect(res.status).toBe(200);
    const html = await res.text();
    links.push(...hrefs(html, ARTICLE_LINK));
    next = hrefs(html, NEXT_LINK)[0];
    pages++;
    expect(pages).toBeLessThan(50);
  }
  return { links, pages };
}

async function total(sql: string, ...params: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>())!.n;
}

describe("sample corpus", () => {
  it("has at least 30 posts from at least 3 sources, all imported", async () => {
    expect(samples.length).toBeGreaterThanOrEqual(30);
    expect(await total("SELECT count(DISTINCT source_id) AS n FROM articles")).toBeGreaterThanOrEqual(3);
    // Every sample, the hostile post and the seed post when it is there.
    expect(await total("SELECT count(*) AS n FROM articles")).toBe(samples.length + 1 + (seed ? 1 : 0));
  });
});

describe("home page", () => {
  it("is Chinese, titled, canonical, with OpenGraph and 20 newest articles", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html; charset=UTF-8/i);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
    expect(html).toContain("<title>本地新闻聚合</title>");
    expect(html).toContain('<meta name="description" content="汇集各地方报纸的本地新闻"/>');
    expect(html).toContain(`<link rel="canonical" href="${BASE}/"/>`);
    expect(html).toContain('<meta property="og:title"');
    expect(html).toContain('<main id="main">');
    expect(hrefs(html, ARTICLE_LINK)).toHaveLength(20);
  });

  it("pages through every article exactly once, newest first", async () => {
    const { links, pages } = await walk("/");
    expect(pages).toBe(Math.ceil((samples.length + 2) / 20));
    expect(new Set(links).size).toBe(links.length);
    expect(links.length).toBe(await total("SELECT count(*) AS n FROM articles"));
    const { results } = await env.DB.prepare("SELECT id FROM articles ORDER BY published_at DESC, id DESC").all<{
      id: string;
    }>();
    expect(links.map((l) => l.slice(-21, -5))).toEqual(results.map((r) => r.id));
  });

  it("answers a forged cursor with a Chinese 400 page, not a 500", async () => {
    for (const bad of ["garbage", "zzzzzzzzzzzzz-0123456789abcdef", "1-xyz", "%00"]) {
      const res = await get(`/?before=${bad}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("分页参数 before 无效");
    }
  });
});

describe("category page", () => {
  it("lives at the original site's URL and lists only that source, paginated", async () => {
    const res = await get("/category/guilinwanbao.html");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>桂林晚报新闻</h1>");
    expect(html).toContain('aria-current="page"');
    const { links } = await walk("/category/guilinwanbao.html");
    expect(links.length).toBe(
      await total(
        "SELECT count(*) AS n FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = 'guilinwanbao'",
      ),
    );
    expect(links.every((l) => l.startsWith("/guilinwanbao/"))).toBe(true);
  });

  it("is a Chinese 404 for an unknown source or a path without .html", async () => {
    for (const path of ["/category/nosuchpaper.html", "/category/guilinwanbao"]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain("页面不存在");
      expect(html).toContain('<html lang="zh-CN">');
    }
  });
});

describe("tag page", () => {
  it("works with a percent-encoded Chinese tag and lists only tagged articles", async () => {
    const res = await get(`/tag/${encodeURIComponent("就业")}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>标签：就业</h1>");
    const listed = hrefs(html, ARTICLE_LINK);
    expect(listed.length).toBe(
      await total("SELECT count(*) AS n FROM articles a, json_each(a.tags) j WHERE j.value = '就业'"),
    );
    expect(listed.length).toBeGreaterThan(0);
  });

  it("pages through a large tag without gaps", async () => {
    const { links } = await walk(`/tag/${encodeURIComponent("桂林晚报新闻")}`);
    expect(new Set(links).size).toBe(links.length);
    expect(links.length).toBe(
      await total("SELECT count(*) AS n FROM articles a, json_each(a.tags) j WHERE j.value = '桂林晚报新闻'"),
    );
  });

  it("is a 404 for an unknown tag", async () => {
    expect((await get(`/tag/${encodeURIComponent("不存在的标签")}`)).status).toBe(404);
  });
});

describe("article page", () => {
  const pathOf = async (title: string) => {
    const row = await env.DB.prepare("SELECT id, path_date FROM articles WHERE title = ?1")
      .bind(title)
      .first<{ id: string; path_date: string }>();
    return `/guilinwanbao/${row!.path_date}/${row!.id}.html`;
  };
  const seedPath = () => pathOf("居民“家门口”实现充分就业");
  // samples/posts/001_…: the same source as the seed post, shipped with the repository.
  const samplePath = () => pathOf("秀峰区一社区开办“家门口”招聘会 百余岗位供居民挑选");

  it.skipIf(!seed)(`shows the seed post as the original site did (${NEEDS_SEED})`, async () => {
    const path = await seedPath();
    expect(path).toMatch(/^\/guilinwanbao\/2022\/02\/21\/[0-9a-f]{16}\.html$/);
    const res = await get(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>居民“家门口”实现充分就业</h1>");
    expect(html).toContain('<time datetime="2022-02-21T10:27:50+08:00">2022-02-21 10:27 (+08:00)</time>');
    expect(html).toContain('<a href="/category/guilinwanbao.html">桂林晚报</a>');
    expect(html).toContain(`<a href="/tag/${encodeURIComponent("桂林晚报新闻")}" rel="tag">桂林晚报新闻</a>`);
    expect(html).toContain("空明社区党委书记夏改青介绍");
    expect(html).toContain(
      'href="http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202212282859530" rel="noopener noreferrer nofollow">原文链接</a>',
    );
    expect(html).toMatch(
      /<a href="\/category\/guilinwanbao.html">返回桂林晚报新闻<\/a><span aria-hidden="true">｜<\/span><a href="\/">返回首页<\/a>/,
    );
    expect(html).toContain(`<link rel="canonical" href="${BASE}${path}"/>`);
    expect(html).toContain('<meta property="og:type" content="article"/>');
  });

  it("carries NewsArticle JSON-LD with the source's offset", async () => {
    const html = await (await get(await samplePath())).text();
    const json = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!;
    const ld = JSON.parse(json);
    expect(ld["@type"]).toBe("NewsArticle");
    expect(ld.headline).toBe("秀峰区一社区开办“家门口”招聘会 百余岗位供居民挑选");
    expect(ld.datePublished).toBe("2025-09-02T08:35:12+08:00");
    expect(ld.publisher.name).toBe("桂林晚报");
    expect(ld.isBasedOn).toBe("https://news.example.com/guilinwanbao/2025/0902/NW20250902083512152840.html");
  });

  it("links the previous and next article of the same category", async () => {
    const { links } = await walk("/category/lijiangribao.html");
    const middle = links[1]!;
    const html = await (await get(middle)).text();
    expect(hrefs(html, /上一篇：<a rel="prev" href="([^"]+)"/g)).toEqual([links[2]]);
    expect(hrefs(html, /下一篇：<a rel="next" href="([^"]+)"/g)).toEqual([links[0]]);
  });

  it("redirects a wrong category or date to the one canonical address", async () => {
    const path = await samplePath();
    const res = await get(path.replace("/guilinwanbao/2025/09/02/", "/lijiangribao/2021/01/01/"));
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(path);
  });

  it("is a Chinese 404 for an unknown id", async () => {
    const res = await get("/guilinwanbao/2022/02/21/0000000000000000.html");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("页面不存在");
  });
});

describe("escaping", () => {
  it("renders a hostile title and tag as text, and the body without script or handlers", async () => {
    const row = await env.DB.prepare("SELECT id, path_date FROM articles WHERE guid = 'jekyll:hostile.txt'").first<{
      id: string;
      path_date: string;
    }>();
    const html = await (await get(`/guilinwanbao/${row!.path_date}/${row!.id}.html`)).text();
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&#39;标题&#39;)&lt;/script&gt; &amp; 特殊字符");
    expect(html).toContain("C++ &amp; &lt;测试&gt;");
    // The image has a resolvable address, so it stays: its handlers are removed from it.
    const img = /<img [^>]*src="https:\/\/img\.example\.com\/hostile\.jpg"[^>]*>/.exec(html)?.[0];
    expect(img).toBeDefined();
    expect(img).not.toMatch(/\son\w+=/);
    expect(html).not.toMatch(/onerror|onclick|alert\([12]\)|<iframe/);
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!;
    expect(ld).not.toContain("</script");
    expect(JSON.parse(ld).headline).toBe("<script>alert('标题')</script> & 特殊字符");
  });

  it("escapes the same title on listings", async () => {
    const html = await (await get("/category/guilinwanbao.html")).text();
    expect(html).toContain("&lt;script&gt;alert(&#39;标题&#39;)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert");
  });
});

describe("security headers", () => {
  it("sends a strict CSP and the usual hardening headers on pages and errors", async () => {
    for (const path of ["/", "/category/nosuchpaper.html", "/?before=bad"]) {
      const res = await get(path);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("img-src 'self' https:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src|unsafe-inline/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });
});
