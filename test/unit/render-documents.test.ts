// The small fixed-shape documents (robots.txt, sitemaps, OPML) and the API's JSON shapes. The
// shapes are protocols (sitemaps.org, Google News, OPML 2.0) or the documented API: written out
// whole here, so any change to them is a decision, not an accident.
import { describe, expect, it } from "vitest";
import type { Article, SourceWithState } from "../../src/core/model";
import { articleJson, sourceHealthJson, sourceJson } from "../../src/render/api";
import {
  NEWS_MAX_URLS,
  NEWS_WINDOW_MS,
  SITEMAP_MAX_URLS,
  renderNewsSitemap,
  renderOpml,
  renderRobots,
  renderSitemap,
  renderSitemapIndex,
} from "../../src/render/discovery";

const BASE = "https://news.test";
const T = Date.UTC(2022, 1, 21, 2, 27, 50); // 2022-02-21 10:27:50 +08:00
const entry = {
  id: "0123456789abcdef",
  pathDate: "2022/02/21",
  sourceSlug: "gl",
  sourceName: "桂林<晚报>",
  title: `“就业” & 'a' <b>`,
  published: T,
  publishedOffset: 480,
  updated: T + 61_500,
};

describe("discovery documents", () => {
  it("robots.txt allows the site, keeps crawlers off the admin API and search, names both sitemaps", () => {
    expect(renderRobots(BASE)).toBe(
      "User-agent: *\nAllow: /\nDisallow: /api/v1/sources\nDisallow: /search\n\n" +
        `Sitemap: ${BASE}/sitemap.xml\nSitemap: ${BASE}/sitemap-news.xml\n`,
    );
  });

  it("the sitemap index names one sitemap per month with its last change, in whole seconds", () => {
    expect(
      renderSitemapIndex(BASE, [
        { month: "2022/02", lastModified: T + 999 },
        { month: "2021/12", lastModified: 0 },
      ]),
    ).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>${BASE}/sitemaps/2022-02.xml</loc><lastmod>2022-02-21T02:27:50Z</lastmod></sitemap>
  <sitemap><loc>${BASE}/sitemaps/2021-12.xml</loc><lastmod>1970-01-01T00:00:00Z</lastmod></sitemap>
</sitemapindex>
`,
    );
  });

  it("a monthly sitemap lists each article's permalink and last change, escaped", () => {
    expect(renderSitemap(`${BASE}/a&b`, [entry])).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${BASE}/a&amp;b/gl/2022/02/21/0123456789abcdef.html</loc><lastmod>2022-02-21T02:28:51Z</lastmod></url>
</urlset>
`,
    );
  });

  it("the news sitemap gives publication, date in the source's offset, and the escaped title", () => {
    expect(renderNewsSitemap(BASE, [entry])).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>${BASE}/gl/2022/02/21/0123456789abcdef.html</loc>
    <news:news>
      <news:publication><news:name>桂林&lt;晚报&gt;</news:name><news:language>zh</news:language></news:publication>
      <news:publication_date>2022-02-21T10:27:50+08:00</news:publication_date>
      <news:title>“就业” &amp; &apos;a&apos; &lt;b&gt;</news:title>
    </news:news>
  </url>
</urlset>
`,
    );
  });

  it("keeps the protocols' limits", () => {
    expect(SITEMAP_MAX_URLS).toBe(50_000);
    expect(NEWS_MAX_URLS).toBe(1_000);
    expect(NEWS_WINDOW_MS).toBe(2 * 24 * 3_600_000);
  });

  it("OPML lists every category's RSS feed and page under the site", () => {
    expect(renderOpml(BASE, `站点 & "新闻"`, [{ slug: "gl", name: "桂林晚报", label: "桂林<晚报>新闻" }], T)).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>站点 &amp; &quot;新闻&quot;</title>
    <dateCreated>Mon, 21 Feb 2022 02:27:50 GMT</dateCreated>
  </head>
  <body>
    <outline text="站点 &amp; &quot;新闻&quot;" title="站点 &amp; &quot;新闻&quot;">
    <outline type="rss" text="桂林&lt;晚报&gt;新闻" title="桂林晚报" xmlUrl="${BASE}/category/gl/rss.xml" htmlUrl="${BASE}/category/gl.html"/>
    </outline>
  </body>
</opml>
`,
    );
  });
});

describe("API shapes", () => {
  const source = (
    over: Partial<SourceWithState> = {},
    state: Partial<SourceWithState["state"]> = {},
  ): SourceWithState => ({
    id: 1,
    slug: "gl",
    name: "桂林晚报",
    label: "桂林晚报新闻",
    homepage: "https://gl.example/",
    feedUrl: "https://gl.example/rss?key=secret",
    timezone: "Asia/Shanghai",
    enabled: true,
    intervalMinutes: 15,
    kind: "feed",
    rules: null,
    generation: 0,
    proxyImages: false,
    ...over,
    state: {
      etag: '"e"',
      lastModified: "Mon, 21 Feb 2022 02:27:50 GMT",
      nextFetchAt: T + 900_000,
      lastFetchAt: T,
      lastStatus: "200",
      errorCount: 0,
      lastError: null,
      pausedAt: null,
      lastDurationMs: 120,
      lastCounts: { new: 1, updated: 2, unchanged: 3 },
      bodyHash: "h",
      ...state,
    },
  });

  it("public health: no feed URL or validators, times in the source's zone, next attempt not in the past", () => {
    expect(sourceHealthJson(source(), T)).toMatchObject({
      slug: "gl",
      name: "桂林晚报",
      enabled: true,
      paused: false,
      last_fetch_at: "2022-02-21T10:27:50+08:00",
      last_result: "200",
      error_streak: 0,
      last_error: null,
      last_counts: { new: 1, updated: 2, unchanged: 3 },
      last_duration_ms: 120,
      next_attempt_at: "2022-02-21T10:42:50+08:00",
    });
    // Overdue: the next attempt is now, not a time gone by.
    expect(sourceHealthJson(source(), T + 3_600_000).next_attempt_at).toBe("2022-02-21T11:27:50+08:00");
    expect(sourceHealthJson(source({}, { lastFetchAt: null }), T).last_fetch_at).toBeNull();
    expect(sourceHealthJson(source({}, { lastFetchAt: 0 }), T).last_fetch_at).toBeNull();
    expect(sourceHealthJson(source({ timezone: "UTC" }), T).last_fetch_at).toBe("2022-02-21T02:27:50+00:00");
  });

  it.each([
    ["disabled", source({ enabled: false })],
    ["paused", source({}, { pausedAt: T })],
    ["without a feed", source({ feedUrl: null })],
  ])("schedules nothing for a source %s", (_name, s) => {
    const h = sourceHealthJson(s, T);
    expect(h.next_attempt_at).toBeNull();
    expect(h.paused).toBe(s.state.pausedAt !== null);
  });

  it("the admin view adds the settings and the rules as JSON", () => {
    expect(sourceJson(source({ kind: "html", rules: '{"list":{"links":"a"}}' }), T)).toEqual({
      slug: "gl",
      name: "桂林晚报",
      label: "桂林晚报新闻",
      feed_url: "https://gl.example/rss?key=secret",
      kind: "html",
      rules: { list: { links: "a" } },
      homepage: "https://gl.example/",
      timezone: "Asia/Shanghai",
      interval_minutes: 15,
      enabled: true,
      proxy_images: false,
      health: sourceHealthJson(source(), T),
    });
    expect(sourceJson(source(), T).rules).toBeNull();
  });

  const article: Article = {
    id: "0123456789abcdef",
    guid: "g",
    pathDate: "2022/02/21",
    version: "v",
    originalUrl: "https://gl.example/a",
    title: "标题",
    summary: "摘要",
    contentHtml: '<p><a href="/x">x</a><img src="/i.png"></p>',
    published: { ms: T, offset: 480 },
    updated: { ms: T + 60_000, offset: 480 },
    author: "记者",
    image: "/media/i.png",
    tags: ["桂林晚报新闻"],
    source: { slug: "gl", name: "桂林晚报", label: "桂林晚报新闻" },
  };

  it("an article: permalink, category, dates with their offset, site-relative images made absolute", () => {
    expect(articleJson(article, BASE, false)).toMatchObject({
      id: "0123456789abcdef",
      title: "标题",
      url: `${BASE}/gl/2022/02/21/0123456789abcdef.html`,
      original_url: "https://gl.example/a",
      category: "gl",
      category_name: "桂林晚报",
      tags: ["桂林晚报新闻"],
      summary: "摘要",
      author: "记者",
      image: `${BASE}/media/i.png`,
      published_at: "2022-02-21T10:27:50+08:00",
      updated_at: "2022-02-21T10:28:50+08:00",
    });
    expect(articleJson({ ...article, image: "https://img.example/i.png" }, BASE, false).image).toBe(
      "https://img.example/i.png",
    );
    expect(articleJson({ ...article, image: null }, BASE, false).image).toBeNull();
  });

  it("an article says whether its title was derived, and lists its media as url, type and length", () => {
    expect(articleJson(article, BASE, false)).toMatchObject({ title_derived: false, enclosures: [] });
    expect(articleJson({ ...article, titleDerived: false }, BASE, false).title_derived).toBe(false);
    const derived = articleJson(
      {
        ...article,
        titleDerived: true,
        enclosures: [
          { url: "https://gl.example/a.mp3", type: "audio/mpeg", length: 1234 },
          { url: "https://gl.example/b.jpg", type: null, length: null },
        ],
      },
      BASE,
      false,
    );
    expect(derived.title_derived).toBe(true);
    expect(derived.enclosures).toEqual([
      { url: "https://gl.example/a.mp3", type: "audio/mpeg", length: 1234 },
      { url: "https://gl.example/b.jpg", type: null, length: null },
    ]);
    expect(articleJson(article, BASE, false)).not.toHaveProperty("content_html");
  });

  it("public health hides a secret in the last error's URL; the admin view shows the error as recorded", () => {
    const failing = source(
      {},
      { lastStatus: "error", errorCount: 2, lastError: "HTTP 500 https://gl.example/rss?key=secret" },
    );
    expect(sourceHealthJson(failing, T).last_error).toBe("HTTP 500 https://gl.example/rss?key=***");
    expect(JSON.stringify(sourceHealthJson(failing, T))).not.toContain("secret");
    expect(sourceJson(failing, T).health.last_error).toBe("HTTP 500 https://gl.example/rss?key=secret");
  });

  it("public health carries the last body's decoding warning, and null when there was none", () => {
    const warned = source({}, { decodeWarning: "无法识别编码，已用替换字符读取" });
    expect(sourceHealthJson(warned, T).decode_warning).toBe("无法识别编码，已用替换字符读取");
    expect(sourceHealthJson(source(), T).decode_warning).toBeNull();
  });

  it("an article with its body: links in it made absolute", () => {
    expect(articleJson(article, BASE, true).content_html).toBe(
      `<p><a href="${BASE}/x">x</a><img src="${BASE}/i.png"></p>`,
    );
  });
});
