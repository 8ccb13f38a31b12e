// What real feeds send, one fixture per class (test/fixtures/feeds/README.md): each subscribed
// through the admin API, refreshed through the real path (fetch → decode → parse → normalize →
// D1), and read back through the JSON API and all three of our feed formats. Upstreams are the
// fixtures behind the worker's fetch; our RSS and Atom are read back with feedsmith, a real parser.
import { SELF, env } from "cloudflare:test";
import { parseFeed } from "feedsmith";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";

const BASE = "https://news.test";
const auth = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
const fixtures = inject("feedFixtures");
const bytes = (name: string) => Uint8Array.from(atob(fixtures[name]!), (c) => c.charCodeAt(0));

/** url → [fixture, content type]; anything else is a 404. */
let upstream: Record<string, [string, string]> = {};
let requested: string[] = [];

function call(method: string, path: string, body?: unknown) {
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeEach(async () => {
  upstream = {};
  requested = [];
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
  ]);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new Request(input as RequestInfo, init as RequestInit).url;
    requested.push(url);
    const route = upstream[url];
    if (!route) return new Response("not found", { status: 404 });
    return new Response(bytes(route[0]), { headers: { "content-type": route[1] } });
  });
});
afterEach(() => vi.restoreAllMocks());

interface ApiArticle {
  id: string;
  title: string;
  title_derived: boolean;
  url: string;
  original_url: string | null;
  summary: string;
  image: string | null;
  enclosures: { url: string; type: string | null; length: number | null }[];
  published_at: string;
  updated_at: string;
  content_html?: string;
}

/** Subscribe `slug` to the fixture served at `url`, refresh it, and read everything back. */
async function ingest(slug: string, fixture: string, contentType = "application/xml") {
  const url = `https://up.example.com/${slug}/feed`;
  upstream[url] = [fixture, contentType];
  const created = await call("POST", "/api/v1/sources", { slug, name: `${slug}报`, feed_url: url });
  expect(created.status).toBe(201);
  const outcome = (await (await call("POST", `/api/v1/sources/${slug}/refresh`)).json()) as Record<string, unknown>;
  const list = (await (
    await SELF.fetch(`${BASE}/api/v1/articles?category=${slug}&limit=50&include=content`)
  ).json()) as {
    items: ApiArticle[];
  };
  const rssText = await (await SELF.fetch(`${BASE}/category/${slug}/rss.xml`)).text();
  const atomText = await (await SELF.fetch(`${BASE}/category/${slug}/feed.xml`)).text();
  const json = (await (await SELF.fetch(`${BASE}/category/${slug}/feed.json`)).json()) as {
    items: Record<string, unknown>[];
  };
  const rss = parseFeed(rssText).feed as { items?: Record<string, unknown>[] };
  const atom = parseFeed(atomText).feed as { entries?: Record<string, unknown>[] };
  const byTitle = (t: string) => list.items.find((a) => a.title === t);
  return {
    outcome,
    items: list.items,
    byTitle,
    rssText,
    atomText,
    rss: rss.items ?? [],
    atom: atom.entries ?? [],
    json,
  };
}

const health = async (slug: string) =>
  (
    (await (await SELF.fetch(`${BASE}/api/v1/sources/health`)).json()) as { sources: Record<string, unknown>[] }
  ).sources.find((s) => s.slug === slug);

describe("untitled items", () => {
  it("keeps every item that carries something, derives its title, skips the empty one and counts it", async () => {
    const r = await ingest("photos", "untitled.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 6, empty: 1 });
    expect(r.items).toHaveLength(6);
    expect(r.items.every((a) => a.title_derived)).toBe(true);
    // Text: its first sentence, cut on a character boundary at 40 characters.
    const note = r.items.find((a) => a.published_at === "2025-11-18T11:20:00+08:00")!;
    expect(Array.from(note.title)).toHaveLength(40);
    expect(note.title).toMatch(/^今天早上漓江上起了大雾，兴坪到杨堤段的游船推迟到十点以后才开.*…$/);
    // No text: the source's name and the local date and time.
    const photo = r.items.find((a) => a.published_at === "2025-11-18T09:30:00+08:00")!;
    expect(photo).toMatchObject({ title: "photos报 2025-11-18 09:30", image: "https://photo.example.com/img/1.jpg" });
    const mediaOnly = r.items.find((a) => a.published_at === "2025-11-18T10:05:00+08:00")!;
    expect(mediaOnly.title).toBe("photos报 2025-11-18 10:05");
    expect(mediaOnly.enclosures).toEqual([
      { url: "https://photo.example.com/img/2.jpg", type: "image/jpeg", length: null },
    ]);
    const linkOnly = r.items.find((a) => a.original_url === "https://photo.example.com/p/5.html")!;
    expect(linkOnly.title).toBe("photos报 2025-11-18 13:00");
    // A body that is only a <video> (which the sanitizer removes): kept as its media.
    const videoOnly = r.items.find((a) => a.published_at === "2025-11-18T12:30:00+08:00")!;
    expect(videoOnly.enclosures).toEqual([
      { url: "https://photo.example.com/v/7.webm", type: "video/webm", length: null },
    ]);
    expect(await (await SELF.fetch(videoOnly.url)).text()).toContain(
      '<video controls="" preload="none" src="https://photo.example.com/v/7.webm">',
    );
    expect(await health("photos")).toMatchObject({ last_result: "200", last_counts: { new: 6, empty: 1 } });

    // RSS: no <title> where the upstream had none and a description stands in; a title else.
    expect(r.rss).toHaveLength(6);
    const rssNote = r.rss.find((i) => String(i.description ?? "").includes("今天早上漓江"))!;
    expect(rssNote.title).toBeUndefined();
    expect(r.rss.filter((i) => i.title !== undefined).length).toBeGreaterThan(0); // items without a description
    for (const i of r.rss) expect(i.title ?? i.description).toBeTruthy();
    // Atom requires a title: the derived one. JSON Feed: none (optional there).
    expect(r.atom.map((e) => (e.title as { value: string }).value)).toContain(note.title);
    expect(r.json.items.every((i) => i.title === undefined)).toBe(true);
    expect(r.json.items.every((i) => typeof i.content_html === "string")).toBe(true);
  });

  it("a feed made only of empty items is a successful refresh with nothing stored", async () => {
    const r = await ingest("nothing", "empty-items.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 0, empty: 2 });
    expect(r.items).toEqual([]);
    expect(await health("nothing")).toMatchObject({ last_result: "200", error_streak: 0, last_error: null });
  });
});

describe("links", () => {
  it("a permalink guid (isPermaLink absent or true, absolute http(s)) is the link; not otherwise", async () => {
    const r = await ingest("lingui", "permalink-guid.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 4 });
    expect(r.byTitle("四塘镇新修乡村公路通车")!.original_url).toBe("https://lingui.example.net/news/2025/11/1001.html");
    expect(r.byTitle("会仙湿地迎来越冬候鸟")!.original_url).toBe("https://lingui.example.net/news/2025/11/1002.html");
    expect(r.byTitle("临桂区举办冬季招聘会")!.original_url).toBeNull();
    expect(r.byTitle("义江缘景区冬季开放时间调整")!.original_url).toBeNull();
    const json = r.json.items.find((i) => i.title === "四塘镇新修乡村公路通车")!;
    expect(json.external_url).toBe("https://lingui.example.net/news/2025/11/1001.html");
  });
});

describe("dates", () => {
  it("reads every date element, with one precedence for published and for updated", async () => {
    const r = await ingest("gongcheng", "dcterms-dates.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 6 });
    const dates = (t: string) => [r.byTitle(t)!.published_at, r.byTitle(t)!.updated_at];
    expect(dates("恭城油茶节开幕")).toEqual(["2025-11-10T08:00:00+08:00", "2025-11-10T08:00:00+08:00"]);
    expect(dates("莲花镇柿子丰收")).toEqual(["2025-11-11T09:15:00+08:00", "2025-11-12T18:30:00+08:00"]);
    expect(dates("西岭镇修缮古戏台")).toEqual(["2025-11-13T07:45:00+00:00", "2025-11-13T07:45:00+00:00"]);
    expect(dates("县城新增公交线路")).toEqual(["2025-11-14T10:00:00+08:00", "2025-11-15T10:00:00+08:00"]);
    expect(dates("嘉会镇举办农民运动会")).toEqual(["2025-11-16T08:00:00+08:00", "2025-11-16T20:00:00+08:00"]);
    expect(dates("平安乡开通农村快递点")[0]).toBe("2025-11-17T12:00:00+08:00");
    const atom = r.atom.find((e) => (e.title as { value: string }).value === "莲花镇柿子丰收")!;
    expect([atom.published, atom.updated]).toEqual(["2025-11-11T09:15:00+08:00", "2025-11-12T18:30:00+08:00"]);
    const rss = r.rss.find((i) => i.title === "县城新增公交线路")!;
    expect(rss.pubDate).toBe("Fri, 14 Nov 2025 10:00:00 +0800");
  });

  it("Atom 0.3: created is published when there is no issued, modified is updated", async () => {
    const r = await ingest("pingle", "atom03-created.xml");
    expect(r.items[0]).toMatchObject({
      published_at: "2025-11-17T08:00:00+08:00",
      updated_at: "2025-11-18T09:00:00+08:00",
    });
  });
});

describe("enclosures", () => {
  it("keeps audio, video and other media with type and length, plays them, and writes them in every format", async () => {
    const r = await ingest("radio", "podcast.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 3 });
    const ep = r.byTitle("第 12 期：漓江冬季枯水期怎么游")!;
    expect(ep.enclosures).toEqual([
      { url: "https://media.example.com/ep12.mp3", type: "audio/mpeg", length: 24576000 },
    ]);
    expect(r.byTitle("节目单（PDF）")!.enclosures[0]).toMatchObject({ type: "application/pdf", length: 81920 });

    const page = await SELF.fetch(ep.url);
    const html = await page.text();
    expect(html).toContain('<audio controls="" preload="none" src="https://media.example.com/ep12.mp3">');
    expect(page.headers.get("content-security-policy")).toMatch(/media-src 'self' https:/);
    const video = await (await SELF.fetch(r.byTitle("视频：象鼻山夜景")!.url)).text();
    expect(video).toContain('<video controls="" preload="none" src="https://media.example.com/v3.mp4">');

    const rssEp = r.rss.find((i) => i.title === "第 12 期：漓江冬季枯水期怎么游")!;
    expect(rssEp.enclosures).toEqual([
      { url: "https://media.example.com/ep12.mp3", length: 24576000, type: "audio/mpeg" },
    ]);
    const atomVideo = r.atom.find((e) => (e.title as { value: string }).value === "视频：象鼻山夜景")!;
    expect((atomVideo.links as Record<string, unknown>[]).filter((l) => l.rel === "enclosure")).toEqual([
      { href: "https://media.example.com/v3.mp4", rel: "enclosure", type: "video/mp4", length: 52428800 },
    ]);
    const jsonDoc = r.json.items.find((i) => i.title === "节目单（PDF）")!;
    expect(jsonDoc.attachments).toEqual([
      { url: "https://media.example.com/schedule-11.pdf", mime_type: "application/pdf", size_in_bytes: 81920 },
    ]);
  });
});

describe("less common forms", () => {
  it("Atom 0.3 content in base64 is decoded", async () => {
    const r = await ingest("lipu", "atom03-base64.xml");
    expect(r.items[0]!.content_html).toContain("<p>阿尔法：<b>base64</b> 编码的正文。</p>");
    expect(r.json.items[0]!.content_html).toContain("base64</b> 编码的正文");
    expect(String((r.atom[0]!.content as { value: string }).value)).toContain("编码的正文");
    expect(r.rssText).toContain("编码的正文");
  });

  it("xml:base on the RSS root resolves links, media and relative URLs in bodies", async () => {
    const r = await ingest("quanzhou", "rss-xml-base.xml");
    const a = r.items[0]!;
    expect(a.original_url).toBe("https://quanzhou.example.net/news/2025/11/x1.html");
    expect(a.content_html).toContain('src="https://quanzhou.example.net/news/img/x1.jpg"');
    expect(a.content_html).toContain('href="https://quanzhou.example.net/about.html"');
    expect(a.enclosures[0]!.url).toBe("https://quanzhou.example.net/news/audio/x1.mp3");
    expect(r.rss[0]!.enclosures).toEqual([
      { url: "https://quanzhou.example.net/news/audio/x1.mp3", length: 1000, type: "audio/mpeg" },
    ]);
  });

  it("RSS <summary>, media:group and media:description stand in for a missing description", async () => {
    const r = await ingest("xingan", "rss-summary-media.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 3 });
    expect(r.byTitle("灵渠冬季景观")!.summary).toBe("灵渠两岸的冬季景色，一年中最安静的时候。");
    expect(r.byTitle("猫儿山雾凇")!.summary).toBe("猫儿山顶出现今冬第一场雾凇。");
    expect(r.byTitle("猫儿山雾凇")!.enclosures[0]).toMatchObject({ type: "video/mp4", length: 3000000 });
    expect(r.byTitle("兴安米粉节")!.summary).toBe("米粉节现场，二十家老店同台。");
    expect(r.byTitle("兴安米粉节")!.enclosures[0]).toMatchObject({ type: "video/*" });
    expect(r.json.items.map((i) => i.summary)).toContain("猫儿山顶出现今冬第一场雾凇。");
  });

  it("items whose body is only in <body>, <xhtml:body> or <fullitem> parse", async () => {
    const r = await ingest("ziyuan", "rss-body.xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 3 });
    expect(r.byTitle("资江漂流冬季停运")!.content_html).toContain("资江漂流自十二月起停运。");
    expect(r.byTitle("八角寨景区免票日")!.content_html).toContain("每月第一个周一免票。");
    expect(r.byTitle("资源县召开冬季防火会议")!.content_html).toContain("<b>冬季防火</b>");
    expect(r.atom).toHaveLength(3);
    expect(r.rss).toHaveLength(3);
  });
});

describe("encodings", () => {
  it("an ISO-8859-1 label decodes as windows-1252: quotes and dashes, not C1 controls", async () => {
    const r = await ingest("weekly", "windows-1252.xml", "application/rss+xml");
    expect(r.items[0]!.title).toBe("\u201cLi River\u201d cruise \u2014 winter timetable\u2026");
    expect(r.items[0]!.summary).toBe("It\u2019s the \u2018quiet\u2019 season; caf\u00e9s stay open.");
    expect(r.items[0]!.title).not.toMatch(/[\u0080-\u009f]/);
    expect(r.rssText).toContain("\u201cLi River\u201d");
  });

  it("GBK with no label anywhere is recognised", async () => {
    const r = await ingest("guanyang", "gbk-unlabelled.xml", "application/xml");
    expect(r.items[0]!.title).toBe("灌阳雪梨获评地理标志产品");
    expect(await health("guanyang")).toMatchObject({ decode_warning: null });
  });

  it("bytes no encoding fits: read as UTF-8 with replacement, and a warning on the source's health", async () => {
    const r = await ingest("broken", "undecodable.xml", "application/xml");
    expect(r.outcome).toMatchObject({ status: "200", new: 1 });
    expect(r.items[0]!.title).toContain("\uFFFD");
    const h = await health("broken");
    expect(String(h?.decode_warning)).toContain("UTF-8");
    expect(await (await SELF.fetch(`${BASE}/status`)).text()).toContain("编码警告");
    // The next body that decodes clears it.
    upstream["https://up.example.com/broken/feed"] = ["rss20.xml", "application/rss+xml"];
    expect(await (await call("POST", "/api/v1/sources/broken/refresh")).json()).toMatchObject({
      status: "200",
      new: 3,
    });
    expect(await health("broken")).toMatchObject({ decode_warning: null });
  });
});

describe("subscribing by a site's address", () => {
  const SITE = "https://longsheng.example.org/";
  beforeEach(() => {
    upstream[SITE] = ["site-with-feeds.html", "text/html; charset=utf-8"];
    upstream["https://longsheng.example.org/broken-feed.xml"] = ["site-without-feeds.html", "text/html"];
    upstream["https://longsheng.example.org/feeds/rss.xml"] = ["rss20.xml", "application/rss+xml"];
    upstream["https://longsheng.example.org/feeds/feed.json"] = ["jsonfeed11.json", "application/feed+json"];
  });

  it("finds the advertised feeds, takes the first that parses, stores its URL and lists the others", async () => {
    const res = await call("POST", "/api/v1/sources", { slug: "longsheng", name: "龙胜新闻", feed_url: SITE });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      feed_url: "https://longsheng.example.org/feeds/rss.xml",
      homepage: SITE,
      discovery: {
        requested_url: SITE,
        feed_url: "https://longsheng.example.org/feeds/rss.xml",
        other_feeds: ["https://longsheng.example.org/broken-feed.xml", "https://longsheng.example.org/feeds/feed.json"],
      },
    });
    const outcome = (await (await call("POST", "/api/v1/sources/longsheng/refresh")).json()) as Record<string, unknown>;
    expect(outcome).toMatchObject({ status: "200", new: 3 });
  });

  it("the dry run does the same and shows the chosen feed's items", async () => {
    const res = await call("POST", "/api/v1/sources/dry-run", { name: "龙胜新闻", feed_url: SITE });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: unknown[]; discovery: Record<string, unknown> };
    expect(body.items).toHaveLength(3);
    expect(body.discovery.feed_url).toBe("https://longsheng.example.org/feeds/rss.xml");
  });

  it("falls back to the usual paths; a page with no feed anywhere → 422 with a clear message", async () => {
    upstream["https://plain.example.org/"] = ["site-without-feeds.html", "text/html"];
    upstream["https://plain.example.org/index.xml"] = ["atom10.xml", "application/atom+xml"];
    const found = await call("POST", "/api/v1/sources", {
      slug: "plain",
      name: "某网站",
      feed_url: "https://plain.example.org/",
    });
    expect(found.status).toBe(201);
    expect(await found.json()).toMatchObject({ feed_url: "https://plain.example.org/index.xml" });

    upstream["https://none.example.org/"] = ["site-without-feeds.html", "text/html"];
    const none = await call("POST", "/api/v1/sources", {
      slug: "none",
      name: "无源",
      feed_url: "https://none.example.org/",
    });
    expect(none.status).toBe(422);
    expect(((await none.json()) as { detail: string }).detail).toContain("未声明订阅源");
    expect(requested).toContain("https://none.example.org/feed.xml");
    expect((await call("GET", "/api/v1/sources/none")).status).toBe(404);
    const dry = await call("POST", "/api/v1/sources/dry-run", { name: "无源", feed_url: "https://none.example.org/" });
    expect(dry.status).toBe(422);
  });
});
