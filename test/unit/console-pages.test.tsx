// The console's pages on their own (render/ is pure: props in, HTML out). The worker and browser
// tests walk the console on real data; these pin what each component decides: escaping of
// upstream-controlled names, errors in Chinese beside their technical text, the sparkline's
// geometry, paging links, the preview, the forms' kept values.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import type { ConsoleSourceRow, FetchLogEntry, SourceWithState } from "../../src/core/model";
import { NEVER_FETCHED } from "../../src/core/model";
import { errorMeaning } from "../../src/render/pages/console/fetch-error";
import { NewSourcePage, type PreviewView } from "../../src/render/pages/console/new-source";
import { OpmlPage } from "../../src/render/pages/console/opml";
import { ConsoleShell, FetchError, KIND, Notice, RESULT, when } from "../../src/render/pages/console/shell";
import { SignInPage } from "../../src/render/pages/console/sign-in";
import { DeletePage, Errors, SourcePage, sourceForm } from "../../src/render/pages/console/source";
import { SourcesPage, sourcePath } from "../../src/render/pages/console/sources";
import { Sparkline } from "../../src/render/pages/console/sparkline";
import { DataTable } from "../../src/render/pages/data-table";

const config = parseConfig({ SITE_TITLE: "测试站", SITE_DESCRIPTION: "本地新闻" }, "https://news.test");
const render = async (node: unknown) => (await (await (node as Promise<{ toString(): string }>)).toString()) as string;
const HOSTILE = `<img src=x onerror="alert(1)">&"'`;
const HOSTILE_ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&quot;&#39;";
const NOW = Date.UTC(2026, 11, 6, 2, 0); // 2026-12-06 10:00 +08:00

/** The text of an element, tags stripped (for what a reader sees). */
const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("errorMeaning: a refresh's technical error in Chinese", () => {
  it.each([
    ["fetch failed", "无法连接到对方网站"],
    ["Network connection lost.", "无法连接到对方网站"],
    ["no complete answer within 15 s", "对方网站响应超时"],
    ["HTTP 404", "订阅地址不存在（已删除或已移动）"],
    ["HTTP 410 Gone", "订阅地址不存在（已删除或已移动）"],
    ["HTTP 401", "对方网站拒绝访问"],
    ["HTTP 403", "对方网站拒绝访问"],
    ["HTTP 429; Retry-After 60", "请求过于频繁，对方网站要求稍后再试"],
    ["HTTP 503", "对方网站出错"],
    ["HTTP 500", "对方网站出错"],
    ["HTTP 418", "对方网站返回了异常状态"],
    ["too many redirects (6)", "重定向有误"],
    ["body larger than 5242880 bytes", "内容过大"],
    ["robots.txt disallows https://a.example/", "对方网站的 robots.txt 不允许抓取"],
    ["not a feed: the URL returned an HTML page", "该地址是网页，不是订阅源"],
    ["not a feed: unknown root element", "不是有效的订阅源"],
    ["the source's rules are invalid: x", "抓取规则有误"],
    ["the source has no feed URL", "没有订阅地址"],
    ["the answer is not JSON", "接口返回的不是 JSON"],
    ["2 page(s) could not be read", "部分页面未能读取"],
    ["an item with no title or content", "条目没有标题或内容"],
    ["something nobody foresaw", "抓取失败"],
  ])("%s → %s", (technical, meaning) => {
    expect(errorMeaning(technical)).toBe(meaning);
  });

  it("matches the status code as a whole number at the start, not inside another text", () => {
    expect(errorMeaning("HTTP 4040")).toBe("对方网站返回了异常状态");
    expect(errorMeaning("HTTP 5000")).toBe("对方网站返回了异常状态");
    expect(errorMeaning("upstream said HTTP 404")).toBe("抓取失败");
    expect(errorMeaning("HTTP 40")).toBe("对方网站返回了异常状态");
    expect(errorMeaning("the page is not a feed")).toBe("抓取失败");
    expect(errorMeaning("xx fetch failed")).toBe("抓取失败");
  });
});

describe("the console's frame", () => {
  it("names the page, marks the current link, offers sign-out as a POST form, and is not indexed", async () => {
    const html = await render(ConsoleShell({ config, title: "<来源>", path: "/admin/new", children: "内容" }));
    expect(html).toContain("<title>&lt;来源&gt; - 测试站</title>");
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).toContain('<nav class="console-nav" aria-label="控制台">');
    expect(html).toContain('<a href="/admin/new" aria-current="page">添加来源</a>');
    expect(html).toContain('<a href="/admin">来源</a>');
    expect(html).toContain('<a href="/admin/opml">导入 OPML</a>');
    expect(html).toContain('<a href="/api/v1/docs">API 文档</a>');
    expect(html.match(/aria-current/g)).toHaveLength(1);
    expect(html).toContain('<form method="post" action="/admin/sign-out"><button type="submit">退出</button></form>');
    expect(html).toContain('<div class="console">');
    expect(html).toContain("内容");
    expect(html).toContain('<meta name="description" content="管理控制台"/>');
  });

  it("each page is its own address: canonical link and the current link in the console's navigation", async () => {
    const canonical = (html: string) => /<link rel="canonical" href="https:\/\/news\.test([^"]*)"/.exec(html)?.[1];
    const current = (html: string) => /<a href="([^"]*)" aria-current="page">/.exec(html)?.[1];
    const sources = await render(
      SourcesPage({ config, page: { rows: [], next: null }, q: "", state: "all", now: NOW }),
    );
    expect([canonical(sources), current(sources)]).toEqual(["/admin", "/admin"]);
    const add = await render(NewSourcePage({ config, form: { address: "", name: "", slug: "" }, errors: [] }));
    expect([canonical(add), current(add)]).toEqual(["/admin/new", "/admin/new"]);
    const opml = await render(OpmlPage({ config, text: "" }));
    expect([canonical(opml), current(opml)]).toEqual(["/admin/opml", "/admin/opml"]);
    expect(opml).toContain("<title>导入 OPML - 测试站</title>");
    expect(canonical(await render(SignInPage({ config })))).toBe("/admin/sign-in");
    const del = await render(DeletePage({ config, source: source(), articles: 1 }));
    expect(canonical(del)).toBe("/admin/sources/gl/delete");
    expect(canonical(await sourcePage(source()))).toBe("/admin/sources/gl");
  });

  it("the site's header lists no sources in the console", async () => {
    const html = await render(ConsoleShell({ config, title: "t", path: "/admin" }));
    expect(html).toContain('<ul class="sources"></ul>');
    expect(html).not.toContain("全部来源");
  });

  it("shows no navigation before signing in", async () => {
    const html = await render(ConsoleShell({ config, title: "t", path: "/admin/sign-in", signedIn: false }));
    expect(html).not.toContain("console-nav");
    expect(html).not.toContain("/admin/sign-out");
  });

  it("when: a time in the source's zone, a dash for never", () => {
    expect(when(NOW, "Asia/Shanghai")).toBe("2026-12-06 10:00 (+08:00)");
    expect(when(NOW, "UTC")).toBe("2026-12-06 02:00 (+00:00)");
    expect(when(null, "Asia/Shanghai")).toBe("—");
    expect(when(0, "Asia/Shanghai")).toBe("—");
    expect(when(-5, "Asia/Shanghai")).toBe("—");
    expect(when(1, "UTC")).toBe("1970-01-01 00:00 (+00:00)");
  });

  it("FetchError: the Chinese meaning, the technical text beside it, escaped", async () => {
    expect(await render(<FetchError technical={`HTTP 503 ${HOSTILE}`} />)).toBe(
      `<span class="error">对方网站出错<code class="detail">HTTP 503 ${HOSTILE_ESCAPED}</code></span>`,
    );
  });

  it("Notice: an error is an alert, anything else a status", async () => {
    expect(await render(<Notice kind="error">坏</Notice>)).toBe('<p class="notice notice-error" role="alert">坏</p>');
    expect(await render(<Notice kind="ok">好</Notice>)).toBe('<p class="notice notice-ok" role="status">好</p>');
  });

  it("names results and kinds in Chinese", () => {
    expect(RESULT).toEqual({ "200": "成功", "304": "未变化", error: "失败" });
    expect(KIND).toEqual({ feed: "订阅源", html: "网页", json: "JSON 接口" });
  });
});

describe("the sign-in page", () => {
  it("a password field for the token; an error as an alert and nothing else", async () => {
    const html = await render(SignInPage({ config }));
    expect(html).toContain('<form method="post" action="/admin/sign-in">');
    expect(html).toContain('<label for="token">管理令牌（ADMIN_TOKEN）</label>');
    expect(html).toContain(
      '<input id="token" name="token" type="password" autocomplete="current-password" required=""/>',
    );
    expect(html).toContain("<title>登录控制台 - 测试站</title>");
    expect(html).not.toContain('role="alert"');
    expect(html).not.toContain("console-nav");
    const failed = await render(SignInPage({ config, error: "令牌不正确" }));
    expect(failed).toContain('<p class="notice notice-error" role="alert">令牌不正确</p>');
  });
});

describe("Sparkline: new articles per day as an inline SVG", () => {
  it("draws one point a day, left to right across 90 px, the busiest day at the top", async () => {
    const html = await render(<Sparkline perDay={[0, 2, 4]} />);
    expect(html).toContain('viewBox="0 0 90 20"');
    expect(html).toContain('width="90"');
    expect(html).toContain('height="20"');
    expect(html).toContain('role="img"');
    expect(html).toContain('class="spark"');
    // x: 0, 45, 90; y: 19 for none, 1 for the most, halfway between for half of it.
    expect(html).toContain('<polyline points="0.0,19.0 45.0,10.0 90.0,1.0"></polyline>');
    expect(html).toContain('aria-label="近 3 天新文章共 6 篇"');
  });

  it("a quiet source is a flat line at the bottom; one day is a single point at the left", async () => {
    expect(await render(<Sparkline perDay={[0, 0]} />)).toContain('points="0.0,19.0 90.0,19.0"');
    expect(await render(<Sparkline perDay={[3]} />)).toContain('points="0.0,1.0"');
    const month = await render(<Sparkline perDay={Array.from({ length: 30 }, (_, i) => i % 2)} />);
    expect(month).toContain('aria-label="近 30 天新文章共 15 篇"');
    expect(month).toMatch(/points="0\.0,19\.0 3\.1,1\.0 6\.2,19\.0 .* 90\.0,1\.0"/);
  });
});

const row = (over: Partial<ConsoleSourceRow> = {}): ConsoleSourceRow => ({
  id: 1,
  slug: "gl",
  name: "桂林晚报",
  kind: "feed",
  timezone: "Asia/Shanghai",
  enabled: true,
  hasFeed: true,
  lastFetchAt: NOW - 3_600_000,
  lastStatus: "200",
  errorCount: 0,
  lastError: null,
  pausedAt: null,
  nextFetchAt: NOW + 1_800_000,
  perDay: [...Array.from({ length: 23 }, () => 100), 1, 1, 1, 1, 1, 1, 2],
  ...over,
});

/** The cells of the table's only body row. */
async function cells(r: ConsoleSourceRow): Promise<string[]> {
  const html = await render(SourcesPage({ config, page: { rows: [r], next: null }, q: "", state: "all", now: NOW }));
  const body = /<tbody>(.*)<\/tbody>/s.exec(html)![1]!;
  return [...body.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((m) => m[1]!);
}

describe("the sources table", () => {
  it("a row: name linked to its page, kind, last fetch and result, streak, next fetch, 7 days, sparkline", async () => {
    const c = await cells(row());
    expect(c[0]).toBe('<a href="/admin/sources/gl">桂林晚报</a> <span class="slug">gl</span>');
    expect(c[1]).toBe("订阅源");
    expect(c[2]).toBe("2026-12-06 09:00 (+08:00)");
    expect(c[3]).toBe("成功");
    expect(c[4]).toBe("0");
    expect(c[5]).toBe("2026-12-06 10:30 (+08:00)");
    expect(c[6]).toBe("8"); // the last seven days only
    expect(c[7]).toContain('aria-label="近 30 天新文章共 2308 篇"');
  });

  it("a failing source: the error in Chinese with the detail beside it; a next attempt in the past shows as now", async () => {
    const c = await cells(
      row({ lastStatus: "error", errorCount: 3, lastError: "HTTP 503", nextFetchAt: NOW - 60_000 }),
    );
    expect(c[3]).toBe('失败<span class="error">对方网站出错<code class="detail">HTTP 503</code></span>');
    expect(c[4]).toBe("3");
    expect(c[5]).toBe("2026-12-06 10:00 (+08:00)");
  });

  it("paused, disabled, never fetched, and without an address read as such", async () => {
    expect((await cells(row({ pausedAt: NOW })))[5]).toBe("已暂停");
    expect((await cells(row({ enabled: false })))[5]).toBe("已暂停");
    expect((await cells(row({ hasFeed: false })))[5]).toBe("—");
    const never = await cells(row({ lastFetchAt: null, lastStatus: null, kind: "html" }));
    expect(never[1]).toBe("网页");
    expect(never[2]).toBe("—");
    expect(never[3]).toBe("从未抓取");
  });

  it("escapes a hostile source name and slug; links by the encoded slug", async () => {
    const html = await render(
      SourcesPage({
        config,
        page: { rows: [row({ name: HOSTILE, slug: "a b" })], next: null },
        q: HOSTILE,
        state: "all",
        now: NOW,
      }),
    );
    expect(html).not.toContain("<img");
    expect(html).toContain(`>${HOSTILE_ESCAPED}</a>`);
    expect(html).toContain('href="/admin/sources/a%20b"');
    expect(html).toContain(`value="${HOSTILE_ESCAPED}"`);
    expect(sourcePath("桂林/x")).toBe("/admin/sources/%E6%A1%82%E6%9E%97%2Fx");
  });

  it("a next-page link keeps the filter and continues after the last id; none on the last page", async () => {
    const page = (q: string, state: "all" | "failing", next: number | null) =>
      render(SourcesPage({ config, page: { rows: [row()], next }, q, state, now: NOW }));
    expect(await page("", "all", 50)).toContain('<a href="/admin?after=50" rel="next">下一页</a>');
    expect(await page("桂林", "failing", 120)).toContain(
      'href="/admin?q=%E6%A1%82%E6%9E%97&amp;state=failing&amp;after=120"',
    );
    expect(await page("", "all", null)).not.toContain('rel="next"');
  });

  it("the filter form keeps the query and the chosen state; an empty page says so", async () => {
    const html = await render(
      SourcesPage({ config, page: { rows: [], next: null }, q: "桂", state: "paused", now: NOW }),
    );
    expect(html).toContain('<form class="console-filter" method="get" action="/admin" role="search">');
    expect(html).toContain('<input id="q" name="q" type="search" value="桂" maxlength="100"/>');
    expect(html).toContain('<option value="paused" selected="">已暂停</option>');
    expect(html).toContain('<option value="all">全部</option>');
    expect(html).toContain('<option value="failing">抓取失败</option>');
    expect(html).toContain('<option value="never">从未抓取</option>');
    expect(html).toContain("<p>没有符合条件的来源。</p>");
    expect(html).not.toContain("<table");
    expect(html).toContain('<a href="/admin/opml">导入 OPML</a> · <a href="/admin/sources.opml">导出 OPML</a>');
    expect(html).not.toContain('role="status"');
    const withRows = await render(
      SourcesPage({
        config,
        page: { rows: [row(), row({ id: 2, slug: "b" })], next: null },
        q: "",
        state: "all",
        now: NOW,
        notice: "已删除来源 x。",
      }),
    );
    expect(withRows).toContain('<p class="notice notice-ok" role="status">已删除来源 x。</p>');
    expect(withRows).toContain("<caption>来源（本页 2 个）</caption>");
    expect(withRows).toContain('<table class="status console-sources">');
    expect(withRows).toContain(
      "<thead><tr>" +
        ["名称", "类型", "上次抓取", "结果", "连续失败", "下次抓取", "近 7 天", "近 30 天"]
          .map((c) => `<th scope="col">${c}</th>`)
          .join("") +
        "</tr></thead>",
    );
    expect(withRows).toContain("<title>来源管理 - 测试站</title>");
  });
});

const source = (over: Partial<SourceWithState> = {}): SourceWithState => ({
  id: 7,
  slug: "gl",
  name: "桂林晚报",
  label: "桂林",
  homepage: "https://gl.example/",
  feedUrl: "https://gl.example/rss",
  timezone: "Asia/Shanghai",
  enabled: true,
  intervalMinutes: 30,
  kind: "feed",
  rules: null,
  proxyImages: false,
  generation: 0,
  state: NEVER_FETCHED,
  ...over,
});

const sourcePage = (s: SourceWithState, extra: Partial<Parameters<typeof SourcePage>[0]> = {}) =>
  render(SourcePage({ config, source: s, form: sourceForm(s), errors: [], log: [], articles: [], ...extra }));

describe("a source's page", () => {
  it("sourceForm: the settings as typed text, the rules pretty-printed, absent addresses empty", () => {
    expect(sourceForm(source())).toEqual({
      name: "桂林晚报",
      label: "桂林",
      feed_url: "https://gl.example/rss",
      homepage: "https://gl.example/",
      timezone: "Asia/Shanghai",
      interval_minutes: "30",
      proxy_images: "0",
      rules: "",
    });
    expect(sourceForm(source({ proxyImages: true })).proxy_images).toBe("1");
    const web = sourceForm(source({ kind: "html", rules: '{"list":{"links":"a"}}', feedUrl: null, homepage: null }));
    expect(web.rules).toBe('{\n  "list": {\n    "links": "a"\n  }\n}');
    expect(web.feed_url).toBe("");
    expect(web.homepage).toBe("");
  });

  it("the settings form keeps every value, escaped; rules only for web pages and JSON sources", async () => {
    const feed = await sourcePage(source({ name: HOSTILE }));
    expect(feed).not.toContain("<img");
    expect(feed).toContain(`<input id="f-name" name="name" type="text" value="${HOSTILE_ESCAPED}"/>`);
    expect(feed).toContain('<input id="f-feed_url" name="feed_url" type="url" value="https://gl.example/rss"/>');
    expect(feed).toContain('<input id="f-interval_minutes" name="interval_minutes" type="number" value="30"/>');
    expect(feed).toContain('<label for="f-timezone">时区</label>');
    expect(feed).not.toContain('name="rules"');
    expect(feed).toContain(`<title>来源：${HOSTILE_ESCAPED} - 测试站</title>`);
    const web = await sourcePage(source({ kind: "json" }), {
      form: { ...sourceForm(source()), rules: '{"items": </textarea><script>' },
    });
    expect(web).toContain('<label for="f-rules">抓取规则（JSON）</label>');
    expect(web).toContain("{&quot;items&quot;: &lt;/textarea&gt;&lt;script&gt;");
    expect(web).not.toContain("<script>");
    expect(web).toContain("类型：JSON 接口");
  });

  it("actions: refresh, pause or resume by state, delete behind its own page", async () => {
    const running = await sourcePage(source());
    expect(running).toContain('<form method="post" action="/admin/sources/gl/refresh">');
    expect(running).toContain(
      '<form method="post" action="/admin/sources/gl/pause"><button type="submit">暂停抓取</button>',
    );
    expect(running).toContain('<a href="/admin/sources/gl/delete">删除……</a>');
    expect(running).toContain("状态：正常");
    for (const paused of [source({ enabled: false }), source({ state: { ...NEVER_FETCHED, pausedAt: NOW } })]) {
      const html = await sourcePage(paused);
      expect(html).toContain(
        '<form method="post" action="/admin/sources/gl/resume"><button type="submit">恢复抓取</button>',
      );
      expect(html).toContain("状态：已暂停");
    }
  });

  it("the error streak and last error in Chinese with the detail", async () => {
    const html = await sourcePage(source({ state: { ...NEVER_FETCHED, errorCount: 4, lastError: "fetch failed" } }));
    expect(text(html)).toContain("连续失败 4 次 · 最近错误：无法连接到对方网站fetch failed");
    expect(await sourcePage(source())).not.toContain("最近错误");
  });

  it("a notice: the outcome of an action, an error with its Chinese meaning and detail", async () => {
    const ok = await sourcePage(source(), { notice: { kind: "ok", text: "抓取完成：新增 3 篇" } });
    expect(ok).toContain('<p class="notice notice-ok" role="status">抓取完成：新增 3 篇</p>');
    const failed = await sourcePage(source(), { notice: { kind: "error", text: "抓取失败：", detail: "HTTP 404" } });
    expect(failed).toContain(
      '<p class="notice notice-error" role="alert">抓取失败：<span class="error">订阅地址不存在（已删除或已移动）<code class="detail">HTTP 404</code></span></p>',
    );
  });

  it("the last fetches: time in the source's zone, result, counts, the error in Chinese", async () => {
    const log: FetchLogEntry[] = [
      { at: NOW, status: "error", new: 0, updated: 0, unchanged: 0, durationMs: 10, error: "HTTP 429" },
      { at: NOW - 60_000, status: "200", new: 3, updated: 1, unchanged: 5, durationMs: 10, error: null },
      { at: NOW - 120_000, status: "304", new: 0, updated: 0, unchanged: 0, durationMs: 10, error: null },
    ];
    const html = await sourcePage(source(), { log });
    expect(html).toContain('<h2 id="fetches">最近 3 次抓取</h2>');
    expect(html).toContain(
      "<tr><td>2026-12-06 10:00 (+08:00)</td><td>失败</td><td>0</td><td>0</td><td>0</td><td>" +
        '<span class="error">请求过于频繁，对方网站要求稍后再试<code class="detail">HTTP 429</code></span></td></tr>',
    );
    expect(html).toContain(
      "<tr><td>2026-12-06 09:59 (+08:00)</td><td>成功</td><td>3</td><td>1</td><td>5</td><td>—</td></tr>",
    );
    expect(html).toContain("<td>未变化</td>");
    expect(html).toContain(
      "<thead><tr>" +
        ["时间", "结果", "新增", "更新", "未变", "错误"].map((c) => `<th scope="col">${c}</th>`).join("") +
        "</tr></thead>",
    );
    const none = await sourcePage(source());
    expect(none).toContain("<p>尚无抓取记录。</p>");
    expect(none).toContain("<p>尚无文章。</p>");
    expect(none).toContain('<h2 id="fetches">最近 0 次抓取</h2>');
  });

  it("the newest articles link to their public pages, dated in the source's zone, titles escaped", async () => {
    const html = await sourcePage(source(), {
      articles: [{ id: "0123456789abcdef", pathDate: "2026/12/06", title: HOSTILE, publishedAt: NOW }],
    });
    expect(html).toContain(
      `<a href="/gl/2026/12/06/0123456789abcdef.html">${HOSTILE_ESCAPED}</a> <span class="date">2026-12-06 10:00 (+08:00)</span>`,
    );
  });

  it("Errors: each failing field named in Chinese and by its key, with the reason", async () => {
    expect(await render(<Errors errors={[]} />)).toBe("");
    const html = await render(
      <Errors
        errors={[
          { field: "rules.list.links", reason: "不是有效的 CSS 选择器" },
          { field: "slug", reason: "taken" },
          { field: "other", reason: "<b>" },
        ]}
      />,
    );
    expect(html).toContain('<div class="notice notice-error" role="alert"><p>未保存：以下字段有误。</p>');
    expect(html).toContain(
      '<li>抓取规则（JSON） <code>rules.list.links</code>：<code class="detail">不是有效的 CSS 选择器</code></li>',
    );
    expect(html).toContain("<li>标识 <code>slug</code>：");
    expect(html).toContain('<li>字段 <code>other</code>：<code class="detail">&lt;b&gt;</code></li>');
  });

  it("the settings form shows refused fields above it", async () => {
    const html = await sourcePage(source(), { errors: [{ field: "timezone", reason: "not a zone" }] });
    expect(html).toMatch(
      /<h2 id="settings">设置<\/h2><div class="notice notice-error" role="alert">.*时区 <code>timezone<\/code>/,
    );
  });

  it("the delete confirmation says how many articles go with the source", async () => {
    const html = await render(DeletePage({ config, source: source({ name: HOSTILE }), articles: 42 }));
    expect(html).toContain(`<h1>删除来源“${HOSTILE_ESCAPED}”？</h1>`);
    expect(html).toContain("将同时删除该来源的 <strong>42</strong> 篇文章，此操作无法撤销。");
    expect(html).toContain(
      '<form method="post" action="/admin/sources/gl/delete"><button type="submit">确认删除</button>',
    );
    expect(html).toContain('<a href="/admin/sources/gl">取消</a>');
    expect(html).toContain(`<title>删除来源：${HOSTILE_ESCAPED} - 测试站</title>`);
  });
});

const preview = (over: Partial<PreviewView> = {}): PreviewView => ({
  feedUrl: "https://gl.example/rss",
  page: null,
  others: [],
  notFeed: false,
  error: null,
  title: "桂林晚报",
  encoding: { encoding: "gb18030", by: "content-type" },
  items: [
    { title: "第一条", published: "2026-12-06T10:00:00+08:00", url: null },
    { title: HOSTILE, published: null, url: null },
    { title: "第三条", published: "2026-12-06T09:30:15.123+08:00", url: null },
  ],
  timezone: "Asia/Shanghai",
  ...over,
});
const newPage = (p?: PreviewView, extra: Partial<Parameters<typeof NewSourcePage>[0]> = {}) =>
  render(
    NewSourcePage({
      config,
      form: { address: "https://gl.example/", name: "桂林", slug: "gl" },
      errors: [],
      preview: p,
      ...extra,
    }),
  );

describe("adding a source", () => {
  it("before a preview: the address, name and slug, and only the preview button", async () => {
    const html = await newPage();
    expect(html).toContain('<input id="n-address" name="address" type="url" required="" value="https://gl.example/"/>');
    expect(html).toContain('<input id="n-name" name="name" type="text" value="桂林"/>');
    expect(html).toContain('value="gl" pattern="[a-z0-9][a-z0-9_\\-]{0,63}"');
    expect(html).toContain('<button type="submit" name="action" value="preview">预览</button>');
    expect(html).not.toContain('value="save"');
    expect(html).not.toContain('id="preview"');
  });

  it("a preview: the feed, its title, the encoding and where it was found, items dated in the source's zone", async () => {
    const html = await newPage(preview());
    expect(html).toContain(
      '<button type="submit" name="action" value="preview">预览</button> <button type="submit" name="action" value="save">保存</button>',
    );
    expect(html).toContain("订阅源：<code>https://gl.example/rss</code>（日期按 Asia/Shanghai 显示）");
    expect(html).toContain("<dt>标题</dt><dd>桂林晚报</dd>");
    expect(html).toContain("<dt>编码</dt><dd>GB18030（HTTP 响应头 Content-Type）</dd>");
    expect(html).toContain('<li>第一条 <span class="date">2026-12-06 10:00（+08:00）</span></li>');
    expect(html).toContain(`<li>${HOSTILE_ESCAPED} <span class="date">无日期</span></li>`);
    expect(html).toContain('<span class="date">2026-12-06 09:30（+08:00）</span>');
    expect(html).not.toContain("<img");
    expect(html).not.toContain("该地址是网页");
  });

  it.each([
    ["bom", "UTF-8（字节顺序标记（BOM））", "utf-8"],
    ["xml-declaration", "BIG5（XML 声明）", "big5"],
    ["meta", "GB18030（网页的 &lt;meta charset&gt;）", "gb18030"],
    ["utf-8-bytes", "UTF-8（内容本身是 UTF-8（与声明的编码不符，按内容））", "utf-8"],
    ["sniffed", "GB18030（未声明，按内容识别）", "gb18030"],
    ["default", "UTF-8（未声明，按 UTF-8）", "utf-8"],
    ["something-new", "UTF-8（something-new）", "utf-8"],
  ])("the encoding found by %s reads %s", async (by, shown, encoding) => {
    expect(await newPage(preview({ encoding: { encoding, by } }))).toContain(`<dt>编码</dt><dd>${shown}</dd>`);
  });

  it("a feed without a title or a known encoding says so; a feed without items too", async () => {
    const html = await newPage(preview({ title: null, encoding: null, items: [] }));
    expect(html).toContain("<dd>（订阅源没有标题）</dd>");
    expect(html).toContain("<dt>编码</dt><dd>—</dd>");
    expect(html).toContain("<p>订阅源中暂时没有条目。</p>");
    expect(html).not.toContain("<ol");
  });

  it("a page's address: which feed was chosen and the others it advertises", async () => {
    const one = await newPage(preview({ page: "https://gl.example/" }));
    expect(text(one)).toContain("该地址是网页（https://gl.example/），已选用它提供的订阅源。");
    const several = await newPage(
      preview({ page: "https://gl.example/", others: ["https://gl.example/atom", "https://gl.example/feed.json"] }),
    );
    expect(several).toContain(
      '已选用它提供的订阅源；它还提供了 2 个：<code class="detail">https://gl.example/atom</code><code class="detail">https://gl.example/feed.json</code>。',
    );
  });

  it("neither a feed nor a page advertising one: said so, with what was tried; no save button", async () => {
    const html = await newPage(preview({ notFeed: true, error: "该地址是网页，未声明订阅源", items: [] }));
    expect(html).toContain(
      '<p class="notice notice-error" role="alert">该地址既不是订阅源，也不是提供订阅源的网页，未保存。<code class="detail">该地址是网页，未声明订阅源</code></p>',
    );
    expect(html).not.toContain('value="save"');
    expect(html).not.toContain("<dt>标题</dt>");
  });

  it("a preview that failed: the error in Chinese with the detail, no save button", async () => {
    const html = await newPage(preview({ error: "HTTP 503", items: [] }));
    expect(html).toContain(
      '<p class="notice notice-error" role="alert">无法预览，未保存：<span class="error">对方网站出错<code class="detail">HTTP 503</code></span></p>',
    );
    expect(html).not.toContain('value="save"');
    expect(html).not.toContain("订阅源中暂时没有条目");
  });

  it("a taken slug and refused fields are said above the form", async () => {
    const html = await newPage(preview(), {
      message: "标识“gl”已被其他来源使用，请换一个。",
      errors: [{ field: "slug", reason: "must match ^[a-z0-9]" }],
    });
    expect(html).toContain('<p class="notice notice-error" role="alert">标识“gl”已被其他来源使用，请换一个。</p>');
    expect(html).toContain("<li>标识 <code>slug</code>：");
    expect(html).toContain("<title>添加来源 - 测试站</title>");
  });
});

describe("the OPML page", () => {
  it("a form for a file or pasted text, the export link, the pasted text kept and escaped", async () => {
    const html = await render(OpmlPage({ config, text: "<opml>&" }));
    expect(html).toContain(
      '<form class="console-form" method="post" action="/admin/opml" enctype="multipart/form-data">',
    );
    expect(html).toContain('<input id="o-file" name="file" type="file" accept=".opml,.xml,text/x-opml,text/xml"/>');
    expect(html).toContain('<textarea id="o-text" name="text" rows="10">&lt;opml&gt;&amp;</textarea>');
    expect(html).toContain('<a href="/admin/sources.opml">导出全部来源（OPML）</a>');
    expect(html).not.toContain("<table");
    expect(html).not.toContain('role="status"');
  });

  it("an invalid document: said in Chinese, the parser's detail beside it", async () => {
    const html = await render(
      OpmlPage({
        config,
        text: "x",
        error: { text: "OPML 文档无效，未做任何改动。", detail: "not an OPML document: <x>" },
      }),
    );
    expect(html).toContain(
      '<p class="notice notice-error" role="alert">OPML 文档无效，未做任何改动。<code class="detail">not an OPML document: &lt;x&gt;</code></p>',
    );
  });

  it("a row per outline: added (linked), already present, invalid with the reason; the count of added", async () => {
    const html = await render(
      OpmlPage({
        config,
        text: "",
        results: [
          { title: "灵川日报", xmlUrl: "https://a.example/rss", outcome: "added", slug: "lingchuan" },
          { title: "", xmlUrl: "https://b.example/rss", outcome: "present", slug: "b" },
          { title: HOSTILE, xmlUrl: "ftp://c.example/", outcome: "invalid", reason: "feed_url must be http(s)" },
          { title: "", xmlUrl: null, outcome: "invalid", reason: "没有订阅地址（xmlUrl）" },
        ],
      }),
    );
    expect(html).toContain('<p class="notice notice-ok" role="status">共 4 项，新增 1 个来源。</p>');
    expect(html).toContain(
      '<caption>导入结果</caption><thead><tr><th scope="col">名称</th><th scope="col">订阅地址</th><th scope="col">结果</th></tr></thead>',
    );
    expect(html).toContain(
      '<tr><td><a href="/admin/sources/lingchuan">灵川日报</a></td><td>https://a.example/rss</td><td>已添加</td></tr>',
    );
    expect(html).toContain(
      '<tr><td><a href="/admin/sources/b">b</a></td><td>https://b.example/rss</td><td>已存在</td></tr>',
    );
    expect(html).toContain(
      `<tr><td>${HOSTILE_ESCAPED}</td><td>ftp://c.example/</td><td>无效<code class="detail">feed_url must be http(s)</code></td></tr>`,
    );
    expect(html).toContain(
      '<tr><td>—</td><td>—</td><td>无效<code class="detail">没有订阅地址（xmlUrl）</code></td></tr>',
    );
    expect(html).not.toContain("<img");
  });
});

describe("DataTable", () => {
  it("a scrolling wrapper, the caption, a header cell per column, the rows", async () => {
    expect(
      await render(
        <DataTable caption="表" columns={["甲", "乙"]} variant="wide">
          <tr>
            <td>1</td>
          </tr>
        </DataTable>,
      ),
    ).toBe(
      '<div class="table-wrap"><table class="status wide"><caption>表</caption><thead><tr><th scope="col">甲</th><th scope="col">乙</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></div>',
    );
    expect(await render(<DataTable columns={["甲"]} />)).toBe(
      '<div class="table-wrap"><table class="status"><thead><tr><th scope="col">甲</th></tr></thead><tbody></tbody></table></div>',
    );
  });
});
