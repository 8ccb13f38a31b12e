// The page renderers on their own (render/ is pure: props in, HTML out). The worker tests check
// the pages through the worker on real data; these pin what each component decides.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { STYLESHEET_PATH } from "../../src/core/urls";
import type { Article, ArticleBrief, FeedDocument, SourceWithState } from "../../src/core/model";
import { ArticlePage } from "../../src/render/pages/article";
import { DirectoryPage } from "../../src/render/pages/directory";
import { ErrorPage } from "../../src/render/pages/error";
import { FeedPage } from "../../src/render/pages/feed-page";
import { Layout, absoluteUrl } from "../../src/render/pages/layout";
import { Listing, Pager, TagList } from "../../src/render/pages/listing";
import { SearchPage } from "../../src/render/pages/search";
import { StatusPage } from "../../src/render/pages/status";

const config = parseConfig({ SITE_TITLE: "测试站", SITE_DESCRIPTION: "本地新闻" }, "https://news.test");
const nav = { sources: [{ slug: "gl", name: "桂林晚报" }], more: false };
const T = Date.UTC(2022, 1, 21, 2, 27, 50); // 2022-02-21 10:27:50 +08:00
const source = { slug: "gl", name: "桂林晚报", label: "桂林晚报新闻" };
const brief: ArticleBrief = {
  id: "0123456789abcdef",
  pathDate: "2022/02/21",
  title: "居民<家门口>就业",
  summary: "摘要 & 更多",
  published: { ms: T, offset: 480 },
  source,
  tags: ["桂林晚报新闻", "C++ & 就业"],
};
const article: Article = {
  ...brief,
  guid: "g",
  version: "v",
  originalUrl: "https://paper.example/a?x=1&y=2",
  contentHtml: "<p>正文，社区就业服务。</p>",
  updated: { ms: T + 60_000, offset: 480 },
  author: "记者甲",
  image: "/media/a.jpg",
};
const render = async (node: unknown) => (await (await (node as Promise<{ toString(): string }>)).toString()) as string;

describe("Layout", () => {
  it("titles the home page with the site alone, other pages with theirs first, and escapes both", async () => {
    const home = await render(Layout({ config, nav, meta: { title: "x", description: "d", path: "/" } }));
    expect(home).toContain("<title>测试站</title>");
    expect(home).not.toContain('title="测试站 (Atom)"'); // the home page's own feeds come from its listing
    const page = await render(
      Layout({ config, nav, meta: { title: "<标题>", description: "描述 & 更多", path: "/x", noindex: true } }),
    );
    expect(page).toContain("<title>&lt;标题&gt; - 测试站</title>");
    expect(page).toContain('<meta name="description" content="描述 &amp; 更多"/>');
    expect(page).toContain('<meta name="robots" content="noindex"/>');
    expect(page).toContain('<link rel="canonical" href="https://news.test/x"/>');
    expect(page).toContain('<meta property="og:type" content="website"/>');
    expect(page).not.toContain("og:image");
    // Every other page offers the whole site's feeds too.
    expect(page).toContain(
      '<link rel="alternate" type="application/rss+xml" title="测试站 (RSS)" href="https://news.test/rss.xml"/>',
    );
    expect(home).not.toContain('<meta name="robots"');
  });

  it("marks the current source, adds it when it is not among the first, and links the directory when there are more", async () => {
    const html = await render(
      Layout({
        config,
        nav: { sources: nav.sources, more: true },
        current: { slug: "lz", name: "柳州日报" },
        meta: { title: "t", description: "d", path: "/category/" },
      }),
    );
    expect(html).toContain('<li><a href="/category/gl.html">桂林晚报</a></li>');
    expect(html).toContain('<li><a href="/category/lz.html" aria-current="page">柳州日报</a></li>');
    expect(html).toContain('<li><a href="/category/" aria-current="page">全部来源</a></li>');
    const inNav = await render(
      Layout({
        config,
        nav,
        current: { slug: "gl", name: "桂林晚报" },
        meta: { title: "t", description: "d", path: "/a" },
      }),
    );
    expect(inNav.match(/href="\/category\/gl.html"/g)).toHaveLength(1);
    expect(inNav).not.toContain("全部来源");
  });

  it("writes JSON-LD that cannot close its script element", async () => {
    const html = await render(
      Layout({
        config,
        nav,
        meta: { title: "t", description: "d", path: "/a", jsonLd: { headline: "</script><b>\u2028\u2029" } },
      }),
    );
    expect(html).toContain(
      '<script type="application/ld+json">{"headline":"\\u003c/script>\\u003cb>\\u2028\\u2029"}</script>',
    );
  });

  it("makes paths absolute on the site's origin and leaves absolute URLs alone", () => {
    expect(absoluteUrl(config, "/a")).toBe("https://news.test/a");
    expect(absoluteUrl(config, "https://img.example/a.jpg")).toBe("https://img.example/a.jpg");
    expect(absoluteUrl(config, "http://img.example/a.jpg")).toBe("http://img.example/a.jpg");
  });
});

describe("Listing", () => {
  const listing = (over: Partial<Parameters<typeof Listing>[0]> = {}) =>
    render(
      Listing({
        config,
        nav,
        page: { items: [brief], next: null },
        basePath: "/tag/x",
        isFirstPage: true,
        heading: "标签：x",
        meta: {
          title: "标签：x",
          description: "d",
          path: "/tag/x",
          feeds: { title: "x", paths: { atom: "/a", rss: "/r", json: "/j" } },
        },
        ...over,
      }),
    );

  it("shows each article with its link, time in its offset, source, summary and tags, escaped", async () => {
    const html = await listing();
    expect(html).toContain(
      '<article class="summary"><h2><a href="/gl/2022/02/21/0123456789abcdef.html">居民&lt;家门口&gt;就业</a></h2>' +
        '<p class="meta"><time datetime="2022-02-21T10:27:50+08:00">2022-02-21 10:27 (+08:00)</time>' +
        '<span aria-hidden="true"> · </span><a href="/category/gl.html">桂林晚报</a></p>' +
        '<p class="excerpt">摘要 &amp; 更多</p><ul class="tags" aria-label="标签">' +
        '<li><a href="/tag/%E6%A1%82%E6%9E%97%E6%99%9A%E6%8A%A5%E6%96%B0%E9%97%BB" rel="tag">桂林晚报新闻</a></li>' +
        '<li><a href="/tag/C%2B%2B%20%26%20%E5%B0%B1%E4%B8%9A" rel="tag">C++ &amp; 就业</a></li></ul></article>',
    );
    expect(html).toContain("<h1>标签：x</h1>");
    expect(html).toContain('<a href="/r" type="application/rss+xml">');
    expect(html).not.toContain('class="intro"');
    expect(html).not.toContain("暂无文章");
  });

  it("says when it is empty, shows an intro, and pages on with a cursor link", async () => {
    const html = await listing({
      page: { items: [], next: { ms: T, id: "0123456789abcdef" } },
      intro: "来自桂林晚报的本地新闻。",
      isFirstPage: false,
    });
    expect(html).toContain('<p class="empty">暂无文章。</p>');
    expect(html).toContain('<p class="intro">来自桂林晚报的本地新闻。</p>');
    expect(html).toContain('<a href="/tag/x">« 最新文章</a>');
    expect(html).toContain(`<a rel="next" href="/tag/x?before=${T.toString(36)}-0123456789abcdef">更早的文章 »</a>`);
  });

  it("leaves out what is not there: no summary, no tags, no pager links on a single page", async () => {
    const html = await listing({ page: { items: [{ ...brief, summary: "", tags: [] }], next: null } });
    expect(html).not.toContain('class="excerpt"');
    expect(html).not.toContain('class="tags"');
    expect(html).toContain('<nav class="pager" aria-label="分页"></nav>');
    expect(await render(TagList({ tags: [] }))).toBe("");
    expect(await render(Pager({ first: null, next: null }))).toBe('<nav class="pager" aria-label="分页"></nav>');
  });
});

describe("ArticlePage", () => {
  const page = (a: Article, older = null as null | { id: string; pathDate: string; title: string }, newer = older) =>
    render(ArticlePage({ config, nav, article: a, older, newer }));

  it("shows the article whole, with its source, author, tags, original link and NewsArticle data", async () => {
    const html = await page(article, { id: "1111111111111111", pathDate: "2022/02/20", title: "前一篇" }, null);
    expect(html).toContain("<h1>居民&lt;家门口&gt;就业</h1>");
    expect(html).toContain('<time datetime="2022-02-21T10:27:50+08:00">2022-02-21 10:27 (+08:00)</time>');
    expect(html).toContain('来源：<a href="/category/gl.html">桂林晚报</a><span> · 作者：记者甲</span>');
    expect(html).toContain('<div class="post-body"><p>正文，社区就业服务。</p></div>');
    expect(html).toContain(
      '<a href="https://paper.example/a?x=1&amp;y=2" rel="noopener noreferrer nofollow">原文链接</a>',
    );
    expect(html).toContain('上一篇：<a rel="prev" href="/gl/2022/02/20/1111111111111111.html">前一篇</a>');
    expect(html).not.toContain("下一篇");
    expect(html).toContain('<meta property="og:type" content="article"/>');
    expect(html).toContain('<meta property="og:image" content="https://news.test/media/a.jpg"/>');
    expect(html).toContain('<meta name="description" content="摘要 &amp; 更多"/>');
    expect(html).toContain('<a href="/category/gl.html">返回桂林晚报新闻</a>');
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(ld).toEqual({
      "@context": "https://schema.org",
      "@type": "NewsArticle",
      headline: "居民<家门口>就业",
      description: "摘要 & 更多",
      datePublished: "2022-02-21T10:27:50+08:00",
      dateModified: "2022-02-21T10:28:50+08:00",
      inLanguage: "zh-CN",
      mainEntityOfPage: "https://news.test/gl/2022/02/21/0123456789abcdef.html",
      url: "https://news.test/gl/2022/02/21/0123456789abcdef.html",
      image: ["https://news.test/media/a.jpg"],
      author: { "@type": "Person", name: "记者甲" },
      publisher: { "@type": "NewsMediaOrganization", name: "桂林晚报" },
      isBasedOn: "https://paper.example/a?x=1&y=2",
      keywords: "桂林晚报新闻,C++ & 就业",
    });
  });

  it("without author, summary, image, original link or tags: the source stands in, nothing is invented", async () => {
    const html = await page({ ...article, author: null, summary: "", image: null, originalUrl: null, tags: [] }, null, {
      id: "2222222222222222",
      pathDate: "2022/02/22",
      title: "后一篇",
    });
    expect(html).not.toContain("作者：");
    expect(html).not.toContain("原文链接");
    expect(html).not.toContain("og:image");
    expect(html).toContain('<meta name="description" content="桂林晚报：居民&lt;家门口&gt;就业"/>');
    expect(html).toContain('下一篇：<a rel="next" href="/gl/2022/02/22/2222222222222222.html">后一篇</a>');
    expect(html).not.toContain("上一篇");
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(ld.author).toEqual({ "@type": "Organization", name: "桂林晚报" });
    for (const k of ["description", "image", "isBasedOn", "keywords"]) expect(ld).not.toHaveProperty(k);
  });
});

describe("SearchPage", () => {
  const search = (over: Partial<Parameters<typeof SearchPage>[0]> = {}) =>
    render(
      SearchPage({
        config,
        nav,
        query: "就业",
        terms: ["就业"],
        page: { items: [article], next: null },
        isFirstPage: true,
        ...over,
      }),
    );

  it("highlights the words in titles and excerpts, and offers the query's feeds", async () => {
    const html = await search();
    expect(html).toContain("<title>搜索：就业 - 测试站</title>");
    expect(html).toContain('<a href="/gl/2022/02/21/0123456789abcdef.html">居民&lt;家门口&gt;<mark>就业</mark></a>');
    expect(html).toContain('<p class="excerpt">正文，社区<mark>就业</mark>服务。</p>');
    expect(html).toContain('<time datetime="2022-02-21T10:27:50+08:00">2022-02-21 10:27 (+08:00)</time>');
    expect(html).toContain('<a href="/search/rss.xml?q=%E5%B0%B1%E4%B8%9A" type="application/rss+xml">');
    expect(html).toContain('<link rel="canonical" href="https://news.test/search?q=%E5%B0%B1%E4%B8%9A"/>');
    expect(html).toContain('value="就业"');
    expect(html).not.toContain("没有找到");
    expect(html).not.toContain('role="alert"');
  });

  it("says when nothing matches, shows an error, and pages on", async () => {
    expect(await search({ page: { items: [], next: null } })).toContain(
      '<p class="empty">没有找到包含“就业”的文章。</p>',
    );
    const err = await search({ page: null, error: "搜索词需要包含文字或数字。" });
    expect(err).toContain('<p class="error" role="alert">搜索词需要包含文字或数字。</p>');
    expect(err).not.toContain('class="article-list"');
    expect(err).not.toContain("/search/rss.xml");
    const paged = await search({
      page: { items: [article], next: { ms: 5, id: "0123456789abcdef" } },
      isFirstPage: false,
    });
    expect(paged).toContain('<a href="/search?q=%E5%B0%B1%E4%B8%9A">« 最新结果</a>');
    expect(paged).toContain(
      '<a rel="next" href="/search?q=%E5%B0%B1%E4%B8%9A&amp;before=5-0123456789abcdef">更早的结果 »</a>',
    );
    const empty = await search({ query: "", terms: [], page: null });
    expect(empty).toContain("<title>搜索 - 测试站</title>");
    expect(empty).toContain('<meta name="description" content="搜索本站文章"/>');
    expect(empty).toContain('<link rel="canonical" href="https://news.test/search"/>');
  });

  it("falls back to the summary for an excerpt when the body has no text", async () => {
    const html = await search({ page: { items: [{ ...article, contentHtml: "<p></p>" }], next: null } });
    expect(html).toContain('<p class="excerpt">摘要 &amp; 更多</p>');
  });
});

describe("DirectoryPage and ErrorPage", () => {
  it("lists sources with counts and their latest update in their own zone, and pages on", async () => {
    const html = await render(
      DirectoryPage({
        config,
        nav,
        entries: [
          { id: 1, slug: "gl", name: "桂林晚报", articleCount: 3, lastUpdated: T, timezone: "Asia/Shanghai" },
          { id: 2, slug: "ny", name: "纽约", articleCount: 0, lastUpdated: null, timezone: "America/New_York" },
        ] as never,
        next: 2,
        isFirstPage: false,
      }),
    );
    expect(html).toContain(
      '<a href="/category/gl.html">桂林晚报</a><span class="meta"> 3 篇，最近更新 2022-02-21 10:27 (+08:00)</span>',
    );
    expect(html).toContain('<a href="/category/ny.html">纽约</a><span class="meta"> 0 篇</span>');
    expect(html).toContain('<a href="/category/">« 第一页</a>');
    expect(html).toContain('<a rel="next" href="/category/?after=2">更多来源 »</a>');
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    const none = await render(DirectoryPage({ config, nav, entries: [], next: null, isFirstPage: true }));
    expect(none).toContain('<p class="empty">暂无新闻来源。</p>');
    expect(none).not.toContain('<meta name="robots"');
  });

  it.each([
    [404, "页面不存在"],
    [400, "请求有误"],
    [500, "服务器出错了"],
    [418, "出错了"],
  ])("a %i page says %s, with the message and a way home, never indexed", async (status, heading) => {
    const html = await render(ErrorPage({ config, nav, status, message: "没有这篇文章。", path: "/x" }));
    expect(html).toContain(`<h1>${heading}</h1><p>没有这篇文章。</p><p><a href="/">返回首页</a></p>`);
    expect(html).toContain('<meta name="robots" content="noindex"/>');
  });
});

describe("StatusPage", () => {
  const source = (over: Partial<SourceWithState>, state: Partial<SourceWithState["state"]> = {}): SourceWithState => ({
    id: 1,
    slug: "gl",
    name: "桂林晚报",
    label: "桂林晚报新闻",
    homepage: null,
    feedUrl: "https://gl.example/rss",
    timezone: "Asia/Shanghai",
    enabled: true,
    intervalMinutes: 15,
    kind: "feed",
    rules: null,
    generation: 0,
    proxyImages: false,
    ...over,
    state: {
      etag: null,
      lastModified: null,
      nextFetchAt: T + 900_000,
      lastFetchAt: T,
      lastStatus: "200",
      errorCount: 0,
      lastError: null,
      pausedAt: null,
      lastDurationMs: 1,
      lastCounts: null,
      bodyHash: null,
      ...state,
    },
  });

  it("shows each source's last fetch, result, failures and next fetch in its own zone", async () => {
    const html = await render(
      StatusPage({
        config,
        nav,
        now: T + 3_600_000,
        adminTokenSet: true,
        sources: [
          source({}),
          source(
            { slug: "bad", name: "坏" },
            { lastStatus: "error", lastError: "HTTP 500", errorCount: 3, pausedAt: T },
          ),
          source({ slug: "off", name: "停", enabled: false }, { lastStatus: "304" }),
          source({ slug: "none", name: "无", feedUrl: null }, { lastStatus: null, lastFetchAt: null }),
        ],
      }),
    );
    const rows = html.match(/<tr><th scope="row">.*?<\/tr>/g)!;
    expect(rows).toEqual([
      '<tr><th scope="row"><a href="/category/gl.html">桂林晚报</a></th><td>2022-02-21 10:27 (+08:00)</td><td>成功（有内容）</td><td>0</td><td>2022-02-21 11:27 (+08:00)</td><td>正常</td></tr>',
      '<tr><th scope="row"><a href="/category/bad.html">坏</a></th><td>2022-02-21 10:27 (+08:00)</td><td>失败<span class="error">：对方网站出错<code class="detail">HTTP 500</code></span></td><td>3</td><td>—</td><td>已暂停（连续失败过多）</td></tr>',
      '<tr><th scope="row"><a href="/category/off.html">停</a></th><td>2022-02-21 10:27 (+08:00)</td><td>成功（未变化）</td><td>0</td><td>—</td><td>已停用</td></tr>',
      '<tr><th scope="row"><a href="/category/none.html">无</a></th><td>—</td><td>尚未抓取</td><td>0</td><td>—</td><td>无订阅源</td></tr>',
    ]);
    expect(html).toContain("<title>来源状态 - 测试站</title>");
  });
});

describe("what each page puts in <head>", () => {
  it("a search page is never indexed, titles itself by the query and offers its feeds", async () => {
    const html = await render(
      SearchPage({ config, nav, query: "就业", terms: ["就业"], page: { items: [], next: null }, isFirstPage: true }),
    );
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).toContain('<meta name="description" content="“就业”的搜索结果"/>');
    expect(html).toContain("<h1>搜索：就业</h1>");
    expect(html).toContain(
      '<link rel="alternate" type="application/atom+xml" title="搜索：就业 (Atom)" href="https://news.test/search/feed.xml?q=%E5%B0%B1%E4%B8%9A"/>',
    );
    expect(html).toContain(
      '<link rel="alternate" type="application/feed+json" title="搜索：就业 (JSON Feed)" href="https://news.test/search/feed.json?q=%E5%B0%B1%E4%B8%9A"/>',
    );
    const form = await render(SearchPage({ config, nav, query: "", terms: [], page: null, isFirstPage: true }));
    expect(form).toContain("<h1>搜索</h1>");
    expect(form).not.toContain("搜索： (Atom)");
  });

  it("an article page offers its source's feeds, in <head> and as links", async () => {
    const html = await render(ArticlePage({ config, nav, article, older: null, newer: null }));
    expect(html).toContain(
      '<link rel="alternate" type="application/rss+xml" title="桂林晚报新闻 (RSS)" href="https://news.test/category/gl/rss.xml"/>',
    );
    expect(html).toContain('<a href="/category/gl/feed.json" type="application/feed+json">');
  });

  it("the directory and status pages are titled and described; status is never indexed", async () => {
    const dir = await render(DirectoryPage({ config, nav, entries: [], next: null, isFirstPage: true }));
    expect(dir).toContain("<title>全部来源 - 测试站</title>");
    expect(dir).toContain('<meta name="description" content="测试站收录的全部新闻来源"/>');
    expect(dir).not.toContain('rel="next"');
    const status = await render(StatusPage({ config, nav, now: T, adminTokenSet: true, sources: [] }));
    expect(status).toContain('<meta name="description" content="各新闻来源的抓取状态"/>');
    expect(status).toContain('<meta name="robots" content="noindex"/>');
  });

  it("writes nothing in place of what a page lacks (no stray text between head elements)", async () => {
    const html = await render(Layout({ config, nav, meta: { title: "t", description: "d", path: "/" } }));
    expect(html).toContain('<meta name="description" content="d"/><link rel="canonical"');
    expect(html).toContain('content="https://news.test/"/><link rel="icon"');
    expect(html).toContain(`<link rel="stylesheet" href="${STYLESHEET_PATH}"/></head>`);
    expect(html).toContain('</a></li></ul></nav><form class="site-search"');
  });

  it("puts a page's own feeds in <head> first, then the whole site's", async () => {
    const html = await render(
      Layout({
        config,
        nav,
        meta: {
          title: "t",
          description: "d",
          path: "/tag/x",
          feeds: { title: "标签", paths: { atom: "/a", rss: "/r", json: "/j" } },
        },
      }),
    );
    const titles = [...html.matchAll(/<link rel="alternate" type="[^"]+" title="([^"]+)"/g)].map((m) => m[1]);
    expect(titles).toEqual([
      "标签 (Atom)",
      "标签 (RSS)",
      "标签 (JSON Feed)",
      "测试站 (Atom)",
      "测试站 (RSS)",
      "测试站 (JSON Feed)",
    ]);
  });

  it("marks the current source among several without adding it twice; absolute URLs only when they start so", async () => {
    const two = {
      sources: [
        { slug: "gl", name: "桂林晚报" },
        { slug: "lz", name: "柳州日报" },
      ],
      more: false,
    };
    const html = await render(
      Layout({
        config,
        nav: two,
        current: { slug: "lz", name: "柳州日报" },
        meta: { title: "t", description: "d", path: "/a" },
      }),
    );
    expect(html.match(/href="\/category\/lz.html"/g)).toHaveLength(1);
    expect(absoluteUrl(config, "/go?u=https://x.example/")).toBe("https://news.test/go?u=https://x.example/");
  });
});

describe("FeedPage (a feed opened in a browser)", () => {
  const feedDoc = (over: Partial<FeedDocument> = {}): FeedDocument => ({
    title: "桂林晚报新闻 - 测试站",
    description: "桂林晚报的最新本地新闻",
    homePageUrl: "https://news.test/category/gl.html",
    selfUrl: "https://news.test/category/gl/rss.xml",
    baseUrl: "https://news.test",
    language: "zh-CN",
    ttlMinutes: 15,
    updated: { ms: T, offset: 480 },
    items: [article],
    ...over,
  });
  const page = (format: "atom" | "rss" | "json", doc = feedDoc()) =>
    render(FeedPage({ config, nav, format, doc, path: "/category/gl/rss.xml" }));

  it("says what a feed is, gives its address to copy and subscribe links, and lists its items", async () => {
    const html = await page("rss");
    expect(html).toContain("这是一个RSS 2.0");
    expect(html).toContain(
      '<input id="feed-url" type="url" readonly="" value="https://news.test/category/gl/rss.xml"/>',
    );
    const feedUrl = encodeURIComponent("https://news.test/category/gl/rss.xml");
    expect(html).toContain(
      `<a href="https://feedly.com/i/subscription/feed%2F${feedUrl}" rel="nofollow noopener">Feedly</a>` +
        `<span aria-hidden="true"> · </span><a href="https://www.inoreader.com/?add_feed=${feedUrl}" rel="nofollow noopener">Inoreader</a>` +
        `<span aria-hidden="true"> · </span><a href="https://www.newsblur.com/?url=${feedUrl}" rel="nofollow noopener">NewsBlur</a>` +
        `<span aria-hidden="true"> · </span><a href="https://theoldreader.com/feeds/subscribe?url=${feedUrl}" rel="nofollow noopener">The Old Reader</a>`,
    );
    expect(html).toContain('<a href="/category/gl.html">在网站上浏览 »</a>');
    expect(html).toContain("<h1>桂林晚报新闻 - 测试站</h1>");
    expect(html).toContain('<p class="intro">桂林晚报的最新本地新闻</p>');
    expect(html).toContain("<title>订阅源：桂林晚报新闻 - 测试站 - 测试站</title>");
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).toContain('<a href="/gl/2022/02/21/0123456789abcdef.html">居民&lt;家门口&gt;就业</a>');
    expect(html).toContain('<nav class="pager" aria-label="分页"></nav>');
    expect(await page("atom")).toContain("这是一个Atom");
    expect(await page("json")).toContain("这是一个JSON Feed");
  });

  it("pages with site-relative links, back to the first page only when this is not it", async () => {
    const html = await page(
      "atom",
      feedDoc({
        items: [],
        selfUrl: "https://news.test/feed.xml?before=b",
        links: { first: "https://news.test/feed.xml", next: "https://news.test/feed.xml?before=c" },
      }),
    );
    expect(html).toContain('<p class="empty">暂无文章。</p>');
    expect(html).toContain('<a href="/feed.xml">« 最新文章</a>');
    expect(html).toContain('<a rel="next" href="/feed.xml?before=c">更早的文章 »</a>');
    const first = await page(
      "atom",
      feedDoc({ selfUrl: "https://news.test/feed.xml", links: { first: "https://news.test/feed.xml" } }),
    );
    expect(first).not.toContain("« 最新文章");
    const elsewhere = await page("atom", feedDoc({ links: { next: "https://other.example/feed.xml?p=2" } }));
    expect(elsewhere).toContain('<a rel="next" href="https://other.example/feed.xml?p=2">');
  });
});
