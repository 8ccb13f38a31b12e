// Sources without feeds, through the admin API and the cron, on a real D1: web pages read by
// selectors (pagination, GBK, bare local dates, lazy images, hostile HTML), an app's JSON API, a
// summary-only feed completed from its item pages; robots.txt and per-host manners.
// The local fixture site is test/fixtures/site/, served behind fetch with ETags and 304s.
import { SELF, createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index";
import { politeFetch } from "../../src/ingest/manners";
import { resetIsolateState } from "../../src/state";

const BASE = "https://news.test";
const TOKEN = env.ADMIN_TOKEN;
const SITE = "https://lingui.example.com";
const fixtures = inject("siteFixtures");
const bytesOf = (name: string) => Uint8Array.from(atob(fixtures[name]!), (c) => c.charCodeAt(0));

/** The fixture site: path → bytes (editable per test), with ETags and conditional GET. */
let files: Map<string, Uint8Array>;
let requests: { url: string; status: number }[];

async function etagOf(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
  return `"${[...d].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

beforeEach(async () => {
  resetIsolateState();
  requests = [];
  files = new Map();
  const map: Record<string, string> = {
    [`${SITE}/list.html`]: "list.html",
    [`${SITE}/list-2.html`]: "list-2.html",
    [`${SITE}/robots.txt`]: "robots.txt",
    [`${SITE}/private/list.html`]: "private-list.html",
    "https://app.guilin.example.com/api/news": "api.json",
    "https://quanzhou.example.com/feed.xml": "summary.xml",
    "https://quanzhou.example.com/full/1.html": "full/1.html",
    "https://quanzhou.example.com/full/2.html": "full/2.html",
  };
  for (const n of [1, 2, 3, 4, 5]) map[`${SITE}/news/a${n}.html`] = `news/a${n}.html`;
  for (const [url, name] of Object.entries(map)) files.set(url, bytesOf(name));
  await env.DB.batch(
    ["search_index", "articles", "source_pages", "sources"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    const body = files.get(req.url);
    let res: Response;
    if (!body) res = new Response("not found", { status: 404 });
    else {
      const etag = await etagOf(body);
      const type =
        req.url.endsWith(".json") || req.url.endsWith("/news")
          ? "application/json"
          : req.url.endsWith(".xml")
            ? "application/rss+xml"
            : req.url.endsWith(".txt")
              ? "text/plain"
              : "text/html";
      res =
        req.headers.get("if-none-match") === etag
          ? new Response(null, { status: 304, headers: { etag } })
          : new Response(body, { headers: { etag, "content-type": type } });
    }
    requests.push({ url: req.url, status: res.status });
    return res;
  });
});
afterEach(() => vi.restoreAllMocks());

const admin = (method: string, path: string, body?: unknown) =>
  SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const HTML_RULES = {
  list: { links: "ul.news-list li > a", next: "a.next", max_pages: 3 },
  article: {
    title: "h1.title",
    date: ".meta .date",
    body: "div.content",
    author: ".author",
    image: "meta[property='og:image']@content",
  },
};
const lingui = (rules: unknown = HTML_RULES) => ({
  slug: "linguinews",
  name: "临桂新闻网",
  kind: "html",
  feed_url: `${SITE}/list.html`,
  rules,
});

/** One cron tick, then wait until every due source has been refreshed by the queue consumer. */
async function tick(): Promise<void> {
  const before = await fetchedAt();
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
  for (let i = 0; i < 200; i++) {
    const after = await fetchedAt();
    if ([...after].every(([slug, at]) => at !== null && at !== before.get(slug))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the refresh did not finish");
}
async function fetchedAt(): Promise<Map<string, number | null>> {
  const { results } = await env.DB.prepare("SELECT slug, last_fetch_at FROM sources WHERE enabled = 1").all<{
    slug: string;
    last_fetch_at: number | null;
  }>();
  return new Map(results.map((r) => [r.slug, r.last_fetch_at]));
}
const makeDue = () => env.DB.prepare("UPDATE sources SET next_fetch_at = 0").run();
const health = async (slug: string) =>
  (
    (await (await SELF.fetch(`${BASE}/api/v1/sources/health`)).json()) as { sources: Record<string, unknown>[] }
  ).sources.find((s) => s.slug === slug)!;
const articles = async (slug: string) =>
  (
    await env.DB.prepare(
      "SELECT a.id, a.guid, a.title, a.content_html, a.author, a.image, a.published_at, a.published_offset, a.original_url FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = ?1 ORDER BY a.published_at DESC",
    )
      .bind(slug)
      .all<Record<string, string | number | null>>()
  ).results;

describe("admin API: kinds and rules", () => {
  it.each([
    [{ ...lingui(), rules: undefined }, "rules.list"],
    [lingui({ ...HTML_RULES, list: { links: "ul..x a" } }), "rules.list.links"],
    [lingui({ ...HTML_RULES, article: { ...HTML_RULES.article, body: "div:has(p)" } }), "rules.article.body"],
    [lingui({ ...HTML_RULES, list: { ...HTML_RULES.list, max_pages: 50 } }), "rules.list.max_pages"],
    [lingui({ ...HTML_RULES, colour: "red" }), "rules.colour"],
    [
      {
        slug: "api",
        name: "API",
        kind: "json",
        feed_url: "https://app.guilin.example.com/api/news",
        rules: { items: "data.list", title: "title" },
      },
      "rules.id",
    ],
    [
      { slug: "summ", name: "摘要", feed_url: "https://quanzhou.example.com/feed.xml", rules: { full_text: {} } },
      "rules.full_text.body",
    ],
  ])("%j → 400 naming %s", async (body, field) => {
    const res = await admin("POST", "/api/v1/sources", body);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; errors: { field: string }[] };
    expect(problem.errors[0]!.field).toBe(field);
    expect(problem.detail).toContain(field);
  });

  it("dry-run shows what the rules extract from the live pages, and saves nothing", async () => {
    const res = await admin("POST", "/api/v1/sources/dry-run", lingui());
    expect(res.status).toBe(200);
    const preview = (await res.json()) as {
      error: null;
      items: { title: string; published: string | null; url: string }[];
    };
    expect(preview.items.map((i) => i.title)).toEqual([
      "临桂区新建两座口袋公园",
      "临桂区中小学开展消防演练",
      "会仙湿地迎来越冬候鸟",
      "临桂米粉节吸引上万名游客",
      "一篇带有危险代码的稿件 & 测试",
    ]);
    expect(preview.items[0]!.published).toBe("2025-11-20T08:10:00+08:00");
    expect((await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())!.n).toBe(0);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM source_pages").first<{ n: number }>())!.n).toBe(0);

    const wrong = await admin(
      "POST",
      "/api/v1/sources/dry-run",
      lingui({ ...HTML_RULES, list: { links: "ol.nothing a" } }),
    );
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { error: string }).error).toMatch(
      /rules\.list\.links "ol\.nothing a" matched no links/,
    );
  });
});

describe("an html source through the cron", () => {
  it("stores every article of both list pages, decoded, dated, sanitized; then only revalidates", async () => {
    expect((await admin("POST", "/api/v1/sources", lingui())).status).toBe(201);
    await tick();
    expect(await health("linguinews")).toMatchObject({
      last_result: "200",
      last_error: null,
      last_counts: { new: 5, updated: 0, unchanged: 0 },
    });
    const stored = await articles("linguinews");
    const by = (t: string) => stored.find((a) => String(a.title).startsWith(t))!;

    // UTF-8 page, date with its own offset, author, og:image.
    expect(by("临桂区新建两座口袋公园")).toMatchObject({
      guid: `${SITE}/news/a1.html`,
      original_url: `${SITE}/news/a1.html`,
      author: "记者 秦晓雨",
      image: "https://img.lingui.example.com/park.jpg",
      published_offset: 480,
    });
    expect(by("临桂区新建两座口袋公园").content_html).toContain("<p>近日，临桂区在世纪大道");
    expect(by("临桂区新建两座口袋公园").content_html).not.toContain("版权所有");
    // GBK page declared only by <meta http-equiv>: decoded, including a GBK-only character.
    expect(by("临桂区中小学开展消防演练").content_html).toContain("镕（GBK 才有的字）");
    expect(new Date(by("临桂区中小学开展消防演练").published_at as number).toISOString()).toBe(
      "2025-11-19T08:30:00.000Z",
    );
    // A bare local time in prose: the source's zone (Asia/Shanghai).
    expect(new Date(by("会仙湿地").published_at as number).toISOString()).toBe("2025-11-18T01:05:00.000Z");
    expect(by("会仙湿地").guid).toBe(`${SITE}/news/a3.html`); // the #fragment is not part of the identity
    // Lazy image becomes a real, absolute src; the tracking pixel is gone.
    const a4 = String(by("临桂米粉节").content_html);
    expect(a4).toMatch(/<img[^>]* src="https:\/\/lingui\.example\.com\/images\/rice-noodle\.jpg"/);
    expect(a4).not.toContain("data:image");
    expect(a4).not.toContain("pixel.gif");
    // Hostile HTML removed, not shown as text.
    const a5 = String(by("一篇带有危险代码的稿件").content_html);
    expect(a5).toContain("正文第一段");
    expect(a5).not.toMatch(/script|iframe|onclick|javascript:|&lt;|style=/i);

    // The article page shows the attribution: source name and original URL.
    const page = (await (await SELF.fetch(`${BASE}/api/v1/articles?category=linguinews&limit=10`)).json()) as {
      items: { url: string; original_url: string }[];
    };
    const html = await (await SELF.fetch(page.items[0]!.url)).text();
    expect(html).toContain("临桂新闻网");
    expect(html).toContain(page.items[0]!.original_url);

    // A second run: conditional requests only, all answered 304; nothing written.
    requests = [];
    await makeDue();
    await tick();
    expect(requests.filter((r) => !r.url.endsWith("/robots.txt")).every((r) => r.status === 304)).toBe(true);
    expect(await health("linguinews")).toMatchObject({
      last_result: "304",
      last_counts: { new: 0, updated: 0, unchanged: 0 },
    });
    expect(await articles("linguinews")).toEqual(stored);
  });

  it("updates a changed page in place, and reports a page that no longer matches without losing anything", async () => {
    await admin("POST", "/api/v1/sources", lingui());
    await tick();
    const before = await articles("linguinews");
    const a1 = before.find((a) => a.guid === `${SITE}/news/a1.html`)!;

    files.set(
      `${SITE}/news/a1.html`,
      new TextEncoder().encode(
        new TextDecoder().decode(files.get(`${SITE}/news/a1.html`)!).replaceAll("两座口袋公园", "三座口袋公园"),
      ),
    );
    await makeDue();
    await tick();
    expect(await health("linguinews")).toMatchObject({ last_result: "200", last_counts: { new: 0, updated: 1 } });
    const edited = (await articles("linguinews")).find((a) => a.guid === a1.guid)!;
    expect(edited.id).toBe(a1.id); // same permalink
    expect(edited.title).toBe("临桂区新建三座口袋公园");

    // The paper redesigns its list page: the rules match nothing. Recorded, nothing lost.
    files.set(
      `${SITE}/list.html`,
      new TextEncoder().encode(
        "<html><body><div class='new-design'><a href='/news/a6.html'>新</a></div></body></html>",
      ),
    );
    await makeDue();
    await tick();
    const h = await health("linguinews");
    expect(h.last_result).toBe("error");
    expect(h.last_error).toMatch(/rules\.list\.links .* matched no links .* no longer matches the rules/);
    expect(await articles("linguinews")).toHaveLength(5);

    // A new article on a redesigned page: that page is reported, the others are kept.
    files.set(
      `${SITE}/news/a6.html`,
      new TextEncoder().encode("<html><body><h2>新版页面</h2><section>正文</section></body></html>"),
    );
    files.set(
      `${SITE}/list.html`,
      new TextEncoder().encode(
        new TextDecoder().decode(bytesOf("list.html")).replace("<li>", '<li><a href="/news/a6.html">新版</a></li><li>'),
      ),
    );
    await makeDue();
    await tick();
    const h2 = await health("linguinews");
    expect(h2.last_result).toBe("200");
    expect(h2.last_error).toMatch(/a6\.html: rules\.article\.title "h1\.title" matched nothing/);
    expect(await articles("linguinews")).toHaveLength(5);
  });

  it("honours robots.txt: a disallowed list page is not fetched and the source says why", async () => {
    await admin("POST", "/api/v1/sources", { ...lingui(), feed_url: `${SITE}/private/list.html` });
    await tick();
    expect((await health("linguinews")).last_error).toBe(`robots.txt disallows ${SITE}/private/list.html`);
    expect(requests.map((r) => r.url)).not.toContain(`${SITE}/private/list.html`);
  });
});

describe("a json source", () => {
  it("maps the API's fields: ids, titles, bodies, epoch and local dates", async () => {
    const res = await admin("POST", "/api/v1/sources", {
      slug: "guilinapp",
      name: "桂林晚报客户端",
      kind: "json",
      feed_url: "https://app.guilin.example.com/api/news",
      rules: {
        items: "data.list",
        id: "infoCode",
        title: "title",
        date: "publishTime",
        body: "content",
        link: "shareUrl",
        author: "editor",
      },
    });
    expect(res.status).toBe(201);
    await tick();
    const stored = await articles("guilinapp");
    expect(stored.map((a) => a.guid)).toEqual(["NW20251121090000123456", "NW20251120153000654321"]);
    expect(new Date(stored[0]!.published_at as number).toISOString()).toBe("2025-11-21T01:00:00.000Z");
    expect(new Date(stored[1]!.published_at as number).toISOString()).toBe("2025-11-20T07:30:00.000Z");
    expect(stored[0]).toMatchObject({
      author: "韦丽",
      original_url: "https://app.guilin.example.com/NewsShare.html?infoCode=NW20251121090000123456",
    });

    files.set("https://app.guilin.example.com/api/news", new TextEncoder().encode('{"data":{"items":[]}}'));
    await makeDue();
    await tick();
    expect((await health("guilinapp")).last_error).toMatch(/rules\.items "data\.list" is not an array/);
    expect(await articles("guilinapp")).toHaveLength(2);
  });
});

/** The summary-only feed, its item pages completed by full_text rules. */
const addQuanzhou = () =>
  admin("POST", "/api/v1/sources", {
    slug: "quanzhou",
    name: "全州日报",
    feed_url: "https://quanzhou.example.com/feed.xml",
    rules: { full_text: { body: "div.article-body" } },
  });

describe("full text for a summary-only feed", () => {
  it("fetches each new item's page once and stores its body", async () => {
    await addQuanzhou();
    await tick();
    const stored = await articles("quanzhou");
    expect(stored).toHaveLength(2);
    expect(stored[0]!.content_html).toContain("今年全县禾花鱼养殖面积超过十万亩");
    expect(stored[0]!.content_html).not.toContain("分享到");
    expect(stored[1]!.content_html).toContain("纪念馆还推出了情景剧");

    requests = [];
    files.set(
      "https://quanzhou.example.com/feed.xml",
      new TextEncoder().encode(
        new TextDecoder()
          .decode(bytesOf("summary.xml"))
          .replace(
            "<item>",
            "<item><title>新的一条</title><link>https://quanzhou.example.com/full/3.html</link><guid>qz-3</guid><description>只有摘要。</description></item><item>",
          ),
      ),
    );
    await makeDue();
    await tick();
    // Only the new item's page is fetched (it 404s: the item keeps the feed's summary after the retries).
    expect(requests.map((r) => r.url).filter((u) => u.includes("/full/"))).toEqual([
      "https://quanzhou.example.com/full/3.html",
    ]);
    expect(await articles("quanzhou")).toEqual(stored); // not yet stored: its page gets two more tries
    expect((await health("quanzhou")).last_error).toMatch(/full\/3\.html: HTTP 404/);
    for (let i = 0; i < 2; i++) {
      await makeDue();
      await tick();
    }
    const after = await articles("quanzhou");
    expect(after).toHaveLength(3);
    expect(after.find((a) => a.guid === "qz-3")!.content_html).toContain("只有摘要");

    // A new item that links to a page read before (a live page, a section): still stored.
    files.set(
      "https://quanzhou.example.com/feed.xml",
      new TextEncoder().encode(
        new TextDecoder()
          .decode(bytesOf("summary.xml"))
          .replace(
            "<item>",
            "<item><title>禾花鱼（续）</title><link>https://quanzhou.example.com/full/1.html</link><guid>qz-4</guid><description>续篇。</description></item><item>",
          ),
      ),
    );
    await makeDue();
    await tick();
    const more = await articles("quanzhou");
    expect(more.find((a) => a.guid === "qz-4")?.content_html).toContain("今年全县禾花鱼养殖面积超过十万亩");
  });
});

describe("full text: item identity", () => {
  it("fetches the page of a guid-less item whose link has a #fragment once across two refreshes", async () => {
    const feed = (extra: string) =>
      new TextEncoder().encode(
        `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>全州日报</title><link>https://quanzhou.example.com/</link><description>摘要源</description>${extra}<item><title>全州县禾花鱼丰收</title><link>https://quanzhou.example.com/full/1.html#top</link><pubDate>Fri, 21 Nov 2025 09:00:00 +0800</pubDate><description>全州县禾花鱼迎来丰收……</description></item></channel></rss>`,
      );
    files.set("https://quanzhou.example.com/feed.xml", feed(""));
    await addQuanzhou();
    await tick();
    expect((await articles("quanzhou"))[0]!.guid).toBe("https://quanzhou.example.com/full/1.html#top");
    // The feed changes (a new item), so the second refresh reads every item again.
    files.set(
      "https://quanzhou.example.com/feed.xml",
      feed(
        "<item><title>研学活动</title><link>https://quanzhou.example.com/full/2.html</link><guid>qz-2</guid><description>研学。</description></item>",
      ),
    );
    await makeDue();
    await tick();
    const pageReads = requests.map((r) => r.url).filter((u) => u.includes("/full/1.html"));
    expect(pageReads).toEqual(["https://quanzhou.example.com/full/1.html"]);
    const stored = await articles("quanzhou");
    expect(stored).toHaveLength(2);
    expect(stored.find((a) => a.guid === "https://quanzhou.example.com/full/1.html#top")!.content_html).toContain(
      "今年全县禾花鱼养殖面积超过十万亩",
    );
  });
});

describe("manners", () => {
  it("keeps at most N requests in flight per host and spaces their starts; other hosts are not held up", async () => {
    let inFlight = 0;
    let peak = 0;
    const starts: Record<string, number[]> = {};
    const slow: typeof fetch = async (input) => {
      const host = new URL(String(input)).host;
      (starts[host] ??= []).push(Date.now());
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 60));
      inFlight--;
      return new Response("ok");
    };
    const polite = politeFetch(slow, { perHostConcurrency: 2, minDelayMs: 40 });
    await Promise.all(
      [...Array(6)].map((_, i) => polite(`https://one.example/${i}`)).concat([polite("https://two.example/")]),
    );
    expect(peak).toBeLessThanOrEqual(3); // two on one.example, one on two.example
    const one = starts["one.example"]!;
    for (let i = 1; i < one.length; i++) expect(one[i]! - one[i - 1]!).toBeGreaterThanOrEqual(35);
    // two.example does not wait behind one.example's queue: it starts before one.example's second.
    expect(starts["two.example"]![0]!).toBeLessThanOrEqual(one[1]!);
  });
});
