// The refresh pipeline on a real local D1, with upstreams served by an injected fetch from our
// fixtures (test/fixtures/feeds) — formats, encodings, identity, dates, hostile HTML and faults.
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config";
import { d1Runner } from "../../src/db/sql";
import { getSourceWithState } from "../../src/db/sources";
import { refreshDeps, refreshDueSources } from "../../src/ingest/cron";
import type { ParsedItem } from "../../src/ingest/parse";
import type { RefreshDeps } from "../../src/ingest/gather";
import { PIPELINE_VERSION, hashItem } from "../../src/ingest/pipeline-hash";
import { refreshSource } from "../../src/ingest/refresh";
import { PAUSE_AFTER_FAILURES } from "../../src/ingest/schedule";

const fixtures = inject("feedFixtures");
const bytes = (name: string) => Uint8Array.from(atob(fixtures[name]!), (c) => c.charCodeAt(0));
const fixtureText = (name: string) => new TextDecoder().decode(bytes(name));
const db = d1Runner(env.DB);
const config = parseConfig({ REFRESH_MAX_SOURCES: "50" }, "https://news.test");

type Route = (req: Request) => Response | Promise<Response>;
let routes: Record<string, Route> = {};
let clock = Date.UTC(2025, 10, 20, 2, 0, 0);
let fetched: string[] = [];

const upstream: typeof fetch = async (input, init) => {
  const req = new Request(input as RequestInfo, init as RequestInit);
  fetched.push(req.url);
  const route = routes[req.url];
  if (!route) return new Response("not found", { status: 404 });
  return route(req);
};

const deps = (): RefreshDeps => ({
  db,
  fetch: upstream,
  now: () => clock,
  limits: { userAgent: "edge-news-test", timeoutMs: 300, maxBytes: 1024 * 1024, maxRedirects: 3 },
  log: () => undefined,
});

const serve =
  (name: string, headers: Record<string, string> = {}): Route =>
  () =>
    new Response(bytes(name), { headers: { "content-type": "application/xml", ...headers } });

async function addSource(
  slug: string,
  feedUrl: string,
  extra: Partial<{ timezone: string; label: string; name: string }> = {},
) {
  await env.DB.prepare(
    "INSERT INTO sources (slug, name, label, feed_url, timezone, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
  )
    .bind(slug, extra.name ?? `${slug}报`, extra.label ?? `${slug}新闻`, feedUrl, extra.timezone ?? "Asia/Shanghai")
    .run();
  return (await getSourceWithState(db, slug))!;
}

async function articles(slug: string) {
  return (
    await env.DB.prepare(
      `SELECT a.id, a.guid, a.title, a.original_url, a.content_html, a.summary, a.published_at, a.published_offset, a.date_source, a.author, a.image,
         coalesce(a.tags, '[]') AS tags
       FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = ?1 ORDER BY a.guid`,
    )
      .bind(slug)
      .all<Record<string, string | number | null>>()
  ).results;
}

const iso = (ms: number, offset: number) => {
  const d = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${d}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
};

beforeEach(async () => {
  routes = {};
  fetched = [];
  clock = Date.UTC(2025, 10, 20, 2, 0, 0);
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
    // The cron's claims of the sources just deleted: the next test's get the same ids and generation.
    env.DB.prepare("UPDATE refresh_claims SET claimed = '[]'"),
  ]);
});

describe("formats", () => {
  it.each([
    ["rss091.xml", 2],
    ["rdf.xml", 2],
    ["rss20.xml", 3],
    ["atom10.xml", 3],
    ["atom03.xml", 2],
    ["jsonfeed10.json", 2],
    ["jsonfeed11.json", 2],
    ["bare-ampersand.xml", 2],
    ["summary-only.xml", 3],
  ])("%s → %i articles with titles, links and bodies", async (name, count) => {
    routes["https://up.example.com/feed"] = serve(name);
    const source = await addSource("src", "https://up.example.com/feed");
    const outcome = await refreshSource(deps(), source);
    expect(outcome).toMatchObject({ status: "200", new: count, updated: 0, unchanged: 0 });
    const rows = await articles("src");
    expect(rows).toHaveLength(count);
    for (const r of rows) {
      expect(String(r.title).length).toBeGreaterThan(0);
      expect(String(r.content_html).length).toBeGreaterThan(0);
      expect(JSON.parse(String(r.tags))[0]).toBe("src新闻");
    }
  });

  it("RSS 2.0: guid identity, categories as tags, author, image, CST as +08:00, ttl in the schedule", async () => {
    routes["https://up.example.com/rss"] = serve("rss20.xml");
    const source = await addSource("gx", "https://up.example.com/rss");
    await refreshSource(deps(), source);
    const rows = await articles("gx");
    expect(rows.map((r) => r.guid)).toEqual(["gxnews-2025-001", "gxnews-2025-002", "gxnews-2025-003"]);
    expect(rows[0]).toMatchObject({
      original_url: "https://news.example.com/2025/11/001.html",
      author: "王建华",
      image: "https://img.example.com/a.jpg",
    });
    expect(JSON.parse(String(rows[0]!.tags))).toEqual(["gx新闻", "旅游", "漓江"]);
    expect(iso(Number(rows[1]!.published_at), Number(rows[1]!.published_offset))).toBe("2025-11-18T09:30:00+08:00");
    const state = (await getSourceWithState(db, "gx"))!.state;
    expect(state.nextFetchAt - clock).toBe(60 * 60_000); // <ttl>60</ttl> beats the 30-minute interval
  });

  it("Atom 1.0: xml:base resolves links and relative URLs in bodies", async () => {
    routes["https://up.example.org/atom"] = serve("atom10.xml");
    await refreshSource(deps(), await addSource("lz", "https://up.example.org/atom"));
    const rows = await articles("lz");
    const a1 = rows.find((r) => String(r.guid).endsWith("/liuzhou/a1"))!;
    expect(a1.original_url).toBe("https://news.example.org/liuzhou/2025/11/a1.html");
    expect(String(a1.content_html)).toContain('src="https://news.example.org/liuzhou/images/p1.jpg"');
    expect(String(a1.content_html)).toContain('href="https://news.example.org/about.html"');
  });

  it("JSON Feed 1.0 content_text is kept as text, never as HTML", async () => {
    routes["https://up.example.com/json"] = serve("jsonfeed10.json", { "content-type": "application/feed+json" });
    await refreshSource(deps(), await addSource("jf", "https://up.example.com/json"));
    const rows = await articles("jf");
    expect(rows).toHaveLength(2);
    expect(String(rows[0]!.content_html)).toMatch(/^<p>/);
  });
});

describe("encodings", () => {
  it.each([
    ["gbk.xml", "application/rss+xml"],
    ["mislabelled.xml", "application/rss+xml"],
    ["gb2312-no-decl.xml", "text/xml; charset=gb2312"],
    ["utf8-bom.xml", "application/xml; charset=gbk"],
  ])("%s (served as %s) decodes to the expected titles", async (name, contentType) => {
    routes["https://enc.example.com/feed"] = serve(name, { "content-type": contentType });
    await refreshSource(deps(), await addSource("enc", "https://enc.example.com/feed"));
    const expected = JSON.parse(fixtureText(name.replace(".xml", ".expected.json"))) as { titles: string[] };
    const titles = (await articles("enc")).map((r) => r.title);
    expect(titles.sort()).toEqual([...expected.titles].sort());
  });
});

describe("identity and dates", () => {
  it("duplicate guids are one article, a guid-less item is known by its link, an item with neither by a stable hash", async () => {
    routes["https://dup.example.com/feed"] = serve("duplicate-guids.xml");
    const source = await addSource("dup", "https://dup.example.com/feed");
    expect(await refreshSource(deps(), source)).toMatchObject({ new: 3 });
    const rows = await articles("dup");
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.guid === "lzwb-20251118-07")!.title).toContain("明年秋季开学招生");
    expect(rows.map((r) => r.guid)).toContain("https://wb.example.com/2025/11/18/08.html");
    expect(rows.filter((r) => String(r.guid).startsWith("hash:"))).toHaveLength(1);
    // The next fetch recognises every one of them: nothing new, nothing updated.
    clock += 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "dup"))!)).toMatchObject({
      status: "200",
      new: 0,
      updated: 0,
      unchanged: 3,
    });
  });

  it("reads every date style, keeps the written offset, and gives undated items their first-seen time — once", async () => {
    routes["https://dates.example.com/feed"] = serve("dates.xml");
    const source = await addSource("dates", "https://dates.example.com/feed");
    await refreshSource(deps(), source);
    const expected = JSON.parse(fixtureText("dates.expected.json")) as Record<string, string | null>;
    const rows = await articles("dates");
    expect(rows).toHaveLength(7);
    for (const r of rows) {
      const want = expected[String(r.title)];
      expect(want, String(r.title)).not.toBeUndefined();
      if (want === null) {
        expect(r.date_source).toBe("first_seen");
        expect(r.published_at).toBe(clock);
      } else {
        expect(r.date_source).toBe("feed");
        expect(iso(Number(r.published_at), Number(r.published_offset))).toBe(want);
      }
    }
    const firstSeen = clock;
    clock += 86_400_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "dates"))!)).toMatchObject({
      new: 0,
      updated: 0,
      unchanged: 7,
    });
    const undated = (await articles("dates")).filter((r) => r.date_source === "first_seen");
    expect(undated.every((r) => r.published_at === firstSeen)).toBe(true);
  });
});

describe("an item with no guid, no link and no date", () => {
  const feed = (extra: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>无标识</title><link>https://bare.example.com/</link><description>d</description>
<item><title>没有链接也没有日期的通知</title><description>停水通知：周六上午检修。</description></item>
${extra}</channel></rss>`;

  it("keeps one identity across refreshes of a changed feed: one article, its first-seen date kept", async () => {
    let body = feed("");
    routes["https://bare.example.com/feed"] = () => new Response(body);
    await addSource("bare", "https://bare.example.com/feed");
    expect(await refreshSource(deps(), (await getSourceWithState(db, "bare"))!)).toMatchObject({ new: 1 });
    const [first] = await articles("bare");
    expect(first!.guid).toMatch(/^hash:/);
    const firstSeen = clock;

    // The feed changes around it (so it is parsed again) hours later.
    body = feed(
      "<item><guid>bare-2</guid><title>另一条</title><pubDate>Thu, 20 Nov 2025 12:00:00 +0800</pubDate></item>",
    );
    clock += 6 * 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "bare"))!)).toMatchObject({
      status: "200",
      new: 1,
      updated: 0,
      unchanged: 1,
    });
    const rows = (await articles("bare")).filter((r) => r.title === "没有链接也没有日期的通知");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first!.id, guid: first!.guid, published_at: firstSeen });
  });
});

describe("the limits production refreshes with (refreshDeps, not the tests' own)", () => {
  const prodDeps = () => refreshDeps(env, parseConfig({ HOST_MIN_DELAY_MS: "0" }, "https://news.test"), upstream);
  const MAX = 5 * 1024 * 1024;

  /** A valid RSS document of exactly `size` bytes: one item, padded with a comment. */
  const rssOfSize = (size: number) => {
    const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>大</title><link>https://big.example.com/</link><description>d</description>
<item><guid>big-1</guid><title>很长的一期</title><pubDate>Tue, 18 Nov 2025 10:00:00 +0800</pubDate><description>正文</description></item>
<!--`;
    const tail = "--></channel></rss>";
    const fixed = new TextEncoder().encode(head + tail).byteLength;
    return new TextEncoder().encode(head + "x".repeat(size - fixed) + tail);
  };

  it("caps a response at 5 MiB: a feed of exactly 5 MiB is read, one byte more is refused", async () => {
    const fits = rssOfSize(MAX);
    expect(fits.byteLength).toBe(MAX);
    routes["https://big.example.com/fits"] = () => new Response(fits);
    const ok = await refreshSource(prodDeps(), await addSource("fits", "https://big.example.com/fits"));
    expect(ok).toMatchObject({ status: "200", new: 1 });
    expect((await articles("fits")).map((r) => r.title)).toEqual(["很长的一期"]);

    const over = rssOfSize(MAX + 1);
    for (const [slug, headers] of [
      ["over", {}],
      ["declared", { "content-length": String(over.byteLength) }],
    ] as const) {
      routes[`https://big.example.com/${slug}`] = () => new Response(over, { headers });
      const refused = await refreshSource(prodDeps(), await addSource(slug, `https://big.example.com/${slug}`));
      expect(refused.status, slug).toBe("error");
      expect(refused.error, slug).toContain(`body larger than ${MAX} bytes`);
      expect(await articles(slug)).toEqual([]);
    }
  });

  it("follows exactly 5 redirects, and refuses a sixth", async () => {
    // /hop/n redirects to /hop/n-1; /hop/0 is the feed.
    for (let n = 0; n <= 6; n++) {
      routes[`https://hops.example.com/hop/${n}`] =
        n === 0 ? serve("rss20.xml") : () => Response.redirect(`https://hops.example.com/hop/${n - 1}`, 302);
    }
    const five = await refreshSource(prodDeps(), await addSource("five", "https://hops.example.com/hop/5"));
    expect(five).toMatchObject({ status: "200", new: 3 });
    fetched = [];
    const six = await refreshSource(prodDeps(), await addSource("six", "https://hops.example.com/hop/6"));
    expect(six.status).toBe("error");
    expect(six.error).toBe("more than 5 redirects");
    expect(fetched).not.toContain("https://hops.example.com/hop/0");
    expect(await articles("six")).toEqual([]);
  });
});

describe("hostile HTML", () => {
  it("is removed, never escaped into visible text; links and images are made safe", async () => {
    routes["https://evil.example.com/feed"] = serve("hostile.xml");
    await refreshSource(deps(), await addSource("evil", "https://evil.example.com/feed"));
    const rows = await articles("evil");
    expect(rows).toHaveLength(6);
    const all = rows.map((r) => String(r.content_html)).join("\n");
    expect(all).not.toMatch(/<(script|style|iframe|object|embed|form|input|svg|math|noscript)\b/i);
    expect(all).not.toMatch(
      /\son\w+=|\sstyle=|srcdoc|javascript:|data:|alert\(1\)|display:none|position:fixed|&lt;iframe|&lt;script/i,
    );
    expect(all).not.toMatch(/evil\.example\.net|x\.swf|PHNjcmlwdD4|R0lGODlh|pixel\.gif|data-src/);
    expect(all).toContain('<a href="https://www.example.org/x" rel="noopener noreferrer">正常链接</a>');
    expect(all).toMatch(
      /<img src="https:\/\/img\.example\.com\/lazy\.jpg" alt="西街夜景" loading="lazy" referrerpolicy="no-referrer">/,
    );
    expect(all).toContain("七星公园管理处表示");
    expect(all).toContain("公园南门停车场将在周末实行分时段预约。");
  });
});

describe("upstream faults: the cron finishes, the error is recorded, others refresh, nothing stored is lost", () => {
  const huge = (): Route => () => {
    let sent = 0;
    const chunk = new TextEncoder().encode(`<item><title>${"大".repeat(1000)}</title></item>`);
    return new Response(
      new ReadableStream({
        pull(controller) {
          if (sent > 20 * 1024 * 1024) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
      { headers: { "content-type": "application/rss+xml" } },
    );
  };
  const stall = (): Route => (req) =>
    new Promise<Response>((_, reject) => req.signal.addEventListener("abort", () => reject(new Error("aborted"))));

  const FAULTS: [string, () => Route, RegExp][] = [
    ["an XML bomb", () => serve("xml-bomb.xml"), /./],
    ["an external entity", () => serve("xxe.xml"), /not a feed/],
    ["a 20 MB body", huge, /larger than/],
    ["a server that stalls", stall, /within 300 ms/],
    ["a 500", () => () => new Response("oops", { status: 500 }), /HTTP 500/],
    [
      "a 429 with Retry-After",
      () => () => new Response("slow down", { status: 429, headers: { "retry-after": "7200" } }),
      /HTTP 429/,
    ],
    ["a redirect loop", () => (req) => Response.redirect(req.url, 302), /more than 3 redirects/],
    ["an HTML page", () => serve("not-a-feed.html", { "content-type": "text/html" }), /HTML page/],
  ];

  it.each(FAULTS)("%s", async (_name, makeRoute, reason) => {
    routes["https://good.example.com/feed"] = serve("rss20.xml");
    routes["https://bad.example.com/feed"] = serve("rss20.xml");
    await addSource("good", "https://good.example.com/feed");
    await addSource("bad", "https://bad.example.com/feed");
    await refreshDueSources(deps(), config);
    const before = await articles("bad");
    expect(before).toHaveLength(3);

    routes["https://bad.example.com/feed"] = makeRoute();
    routes["https://good.example.com/feed"] = serve("atom10.xml");
    clock += 24 * 3_600_000;
    const outcomes = await refreshDueSources(deps(), config);
    const bad = outcomes.find((o) => o.source === "bad")!;
    const good = outcomes.find((o) => o.source === "good")!;
    if (_name === "an XML bomb") {
      // feedsmith never expands entities: the bomb is an item with a literal "&lol9;" title.
      expect(bad.status).toBe("200");
      expect((await articles("bad")).some((r) => String(r.title).length > 1000)).toBe(false);
    } else {
      expect(bad.status).toBe("error");
      expect(bad.error).toMatch(reason);
      const state = (await getSourceWithState(db, "bad"))!.state;
      expect(state).toMatchObject({ lastStatus: "error", errorCount: 1 });
      expect(state.lastError).toMatch(reason);
      expect(await articles("bad")).toEqual(before);
    }
    expect(good).toMatchObject({ status: "200", new: 3 });
  });

  it("a 429's Retry-After sets the next fetch: two hours later, not the first backoff step", async () => {
    routes["https://busy.example.com/feed"] = () =>
      new Response("slow down", { status: 429, headers: { "retry-after": "7200" } });
    await addSource("busy", "https://busy.example.com/feed");
    await refreshDueSources(deps(), config);
    const state = (await getSourceWithState(db, "busy"))!.state;
    expect(state).toMatchObject({ lastStatus: "error", errorCount: 1 });
    expect(state.nextFetchAt - clock).toBe(7200_000);
  });

  it("honours Retry-After, backs off exponentially, and pauses after too many failures", async () => {
    routes["https://flaky.example.com/feed"] = () =>
      new Response("busy", { status: 503, headers: { "retry-after": "7200" } });
    await addSource("flaky", "https://flaky.example.com/feed");
    await refreshDueSources(deps(), config);
    let state = (await getSourceWithState(db, "flaky"))!.state;
    expect(state.nextFetchAt - clock).toBe(7200_000);
    routes["https://flaky.example.com/feed"] = () => new Response("down", { status: 500 });
    const delays: number[] = [];
    for (let i = 1; i < PAUSE_AFTER_FAILURES; i++) {
      clock = state.nextFetchAt;
      await refreshDueSources(deps(), config);
      state = (await getSourceWithState(db, "flaky"))!.state;
      delays.push(state.nextFetchAt - clock);
    }
    expect(delays[0]).toBe(2 * 30 * 60_000);
    expect(delays[1]).toBe(4 * 30 * 60_000);
    expect(delays.at(-1)).toBe(24 * 60 * 60_000);
    expect(state.errorCount).toBe(PAUSE_AFTER_FAILURES);
    expect(state.pausedAt).not.toBeNull();
    clock = state.nextFetchAt + 1;
    fetched = [];
    await refreshDueSources(deps(), config);
    expect(fetched).toEqual([]); // paused: not fetched again
  });
});

describe("conditional GET and updates in place", () => {
  it("sends the validators, stores nothing on 304 or on the same feed, and updates an edited item under the same id", async () => {
    let edited = false;
    let seenValidators: (string | null)[] = [];
    routes["https://cond.example.com/feed"] = (req) => {
      seenValidators = [req.headers.get("if-none-match"), req.headers.get("if-modified-since")];
      if (req.headers.get("if-none-match") === '"v1"' && !edited) return new Response(null, { status: 304 });
      const xml = fixtureText("rss20.xml").replace(
        "漓江游船冬季班次调整",
        edited ? "漓江游船冬季班次再次调整" : "漓江游船冬季班次调整",
      );
      return new Response(xml, {
        headers: { etag: edited ? '"v2"' : '"v1"', "last-modified": "Wed, 19 Nov 2025 08:00:00 GMT" },
      });
    };
    await addSource("cond", "https://cond.example.com/feed");
    expect((await refreshDueSources(deps(), config))[0]).toMatchObject({ status: "200", new: 3 });
    const first = await articles("cond");

    clock += 3_600_000;
    expect((await refreshDueSources(deps(), config))[0]).toMatchObject({ status: "304", new: 0, updated: 0 });
    expect(seenValidators).toEqual(['"v1"', "Wed, 19 Nov 2025 08:00:00 GMT"]);
    expect(await articles("cond")).toEqual(first);

    edited = true;
    clock += 3_600_000;
    expect((await refreshDueSources(deps(), config))[0]).toMatchObject({
      status: "200",
      new: 0,
      updated: 1,
      unchanged: 2,
    });
    const after = await articles("cond");
    expect(after.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(after.find((r) => r.guid === "gxnews-2025-001")!.title).toContain("再次调整");
  });
});

describe("an upstream that ignores conditional GET", () => {
  it("sends the same bytes: the refresh recognises them by hash and processes nothing", async () => {
    routes["https://same.example.com/feed"] = serve("rss20.xml"); // no ETag, no Last-Modified
    await addSource("same", "https://same.example.com/feed");
    expect((await refreshDueSources(deps(), config))[0]).toMatchObject({ status: "200", new: 3 });
    // Were the items processed again, this marker would be overwritten by the upstream's title.
    await env.DB.prepare("UPDATE articles SET title = 'marker' WHERE guid = 'gxnews-2025-001'").run();
    clock += 3_600_000;
    expect((await refreshDueSources(deps(), config))[0]).toMatchObject({
      status: "200",
      new: 0,
      updated: 0,
      unchanged: 3,
    });
    expect((await articles("same")).find((r) => r.guid === "gxnews-2025-001")!.title).toBe("marker");
  });
});

describe("search backfill", () => {
  it("indexes articles stored before the search index existed, a batch per cron tick", async () => {
    routes["https://bf.example.com/feed"] = serve("rss20.xml");
    await addSource("bf", "https://bf.example.com/feed");
    await refreshDueSources(deps(), config);
    // As if these rows predated migration 0003.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM search_index"),
      env.DB.prepare("UPDATE articles SET search_rowid = NULL"),
    ]);
    const found = async () =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM search_index WHERE search_index MATCH '"漓江"'`).first<{
        n: number;
      }>())!.n;
    expect(await found()).toBe(0);
    await refreshDueSources(deps(), config);
    expect(await found()).toBeGreaterThan(0);
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM articles WHERE search_rowid IS NULL").first<{ n: number }>())!.n,
    ).toBe(0);
  });
});

describe("a changed feed whose items mostly did not change", () => {
  // A generated RSS 2.0 feed: items by number, an edited one with a different body.
  const rss = (numbers: number[], edited: number | null = null) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>增量</title><link>https://inc.example.com/</link><description>d</description>
${numbers
  .map((n) => {
    const dated = `<pubDate>Tue, 18 Nov 2025 ${String(n % 24).padStart(2, "0")}:00:00 +0800</pubDate>`;
    const body = `<![CDATA[<p>第${n}条 <a href="/a/${n}">相对链接</a><img src="/i/${n}.jpg"><script>x()</script>${n === edited ? "（已更正）" : ""}</p>]]>`;
    // Every identity kind: a guid, a link only, neither (a hash of title + date); one duplicate guid.
    const id =
      n % 3 === 0 ? `<guid isPermaLink="false">inc-${n}</guid>` : n % 3 === 1 ? `<link>/n/${n}.html</link>` : "";
    return `<item>${id}<title>新闻 ${n} &amp; 其他</title>${dated}<category>类${n % 2}</category><description>${body}</description></item>`;
  })
  .join("\n")}
<item><guid isPermaLink="false">inc-dup</guid><title>重复一</title><pubDate>Tue, 18 Nov 2025 09:00:00 +0800</pubDate><description>旧</description></item>
<item><guid isPermaLink="false">inc-dup</guid><title>重复二</title><pubDate>Tue, 18 Nov 2025 09:00:00 +0800</pubDate><description>新</description></item>
</channel></rss>`;
  const one = Array.from({ length: 12 }, (_, i) => i + 1);
  const withoutId = (rows: Record<string, unknown>[]) => rows.map(({ id: _, ...rest }) => rest);
  const rawHashes = async (slug: string) =>
    (
      await env.DB.prepare(
        "SELECT a.guid, a.raw_hash FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = ?1 ORDER BY a.guid",
      )
        .bind(slug)
        .all()
    ).results;

  it("normalizes only the new and edited items, and stores what a full normalization stores", async () => {
    let body = rss(one);
    routes["https://inc.example.com/feed"] = () => new Response(body);
    routes["https://full.example.com/feed"] = () => new Response(rss([...one, 13], 5));
    await addSource("inc", "https://inc.example.com/feed", { label: "同一标签", name: "同一来源" });
    expect(await refreshSource(deps(), (await getSourceWithState(db, "inc"))!)).toMatchObject({
      new: 13,
      updated: 0,
      unchanged: 0,
    });
    const before = await articles("inc");
    expect((await rawHashes("inc")).every((r) => typeof r.raw_hash === "string")).toBe(true);

    body = rss([...one, 13], 5); // one added, one edited
    clock += 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "inc"))!)).toMatchObject({
      status: "200",
      new: 1,
      updated: 1,
      unchanged: 12,
    });
    const after = await articles("inc");
    expect(after).toHaveLength(14);
    // The unchanged ones are as they were, the edited one changed in place.
    const edited = before.find((r) => String(r.content_html).includes("第5条"))!;
    for (const r of before) {
      const now = after.find((a) => a.id === r.id)!;
      if (r.id === edited.id) expect(now.content_html).toContain("已更正");
      else expect(now).toEqual(r);
    }
    expect(after.find((r) => r.guid === "inc-dup")!.title).toBe("重复二");

    // The same feed normalized in full, by a source that never saw the first version.
    clock += 3_600_000;
    await addSource("full", "https://full.example.com/feed", { label: "同一标签", name: "同一来源" });
    expect(await refreshSource(deps(), (await getSourceWithState(db, "full"))!)).toMatchObject({ new: 14 });
    expect(withoutId(after)).toEqual(withoutId(await articles("full")));
    expect(await rawHashes("inc")).toEqual(await rawHashes("full"));
  });

  it("skips an item only while its raw hash is the stored one: a new label, or rows stored before raw hashes", async () => {
    let body = rss(one);
    routes["https://skip.example.com/feed"] = () => new Response(body);
    await addSource("skip", "https://skip.example.com/feed");
    await refreshSource(deps(), (await getSourceWithState(db, "skip"))!);
    // Were the item normalized again, this marker would be overwritten by the upstream's title.
    await env.DB.prepare("UPDATE articles SET title = 'marker' WHERE guid = 'inc-3'").run();
    const title = async () => (await articles("skip")).find((r) => r.guid === "inc-3")!;

    body = rss([...one, 13]);
    clock += 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "skip"))!)).toMatchObject({
      new: 1,
      updated: 0,
      unchanged: 13,
    });
    expect((await title()).title).toBe("marker");

    // The label is a tag of every article: a new one means every item is normalized again.
    await env.DB.prepare("UPDATE sources SET label = '新标签' WHERE slug = 'skip'").run();
    body = rss([...one, 13, 14]);
    clock += 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "skip"))!)).toMatchObject({
      new: 1,
      updated: 14,
      unchanged: 0,
    });
    expect(await title()).toMatchObject({ title: "新闻 3 & 其他", tags: JSON.stringify(["新标签", "类1"]) });

    // Rows without a raw hash (imported, or from before migration 0009) are normalized, found
    // unchanged, and given their raw hash: the next refresh skips them.
    await env.DB.prepare("UPDATE articles SET raw_hash = NULL").run();
    body = rss([...one, 13, 14, 15]);
    clock += 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "skip"))!)).toMatchObject({
      new: 1,
      updated: 0,
      unchanged: 15,
    });
    expect((await rawHashes("skip")).every((r) => typeof r.raw_hash === "string")).toBe(true);
    await env.DB.prepare("UPDATE articles SET title = 'marker' WHERE guid = 'inc-3'").run();
    body = rss([...one, 13, 14, 15, 16]);
    clock += 3_600_000;
    expect(await refreshSource(deps(), (await getSourceWithState(db, "skip"))!)).toMatchObject({
      new: 1,
      updated: 0,
      unchanged: 16,
    });
    expect((await title()).title).toBe("marker");
  });
});

describe("hashItem", () => {
  const item: ParsedItem = {
    guid: "g",
    link: "/a",
    title: "标题",
    content: "<p>x</p>",
    contentIsText: false,
    summary: null,
    published: "2025-11-18",
    updated: null,
    authors: ["甲"],
    categories: ["乙"],
    image: null,
  };
  const ctx = { base: "https://example.com/", xmlBase: null, label: "标签", name: "来源", timezone: "Asia/Shanghai" };

  it("is stable, and changes with the pipeline version, the base, xml:base, the label, the name, the zone and every field", async () => {
    const h = await hashItem(item, ctx);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashItem({ ...item }, { ...ctx })).toBe(h);
    expect(await hashItem(item, ctx, PIPELINE_VERSION)).toBe(h);
    const others = [
      await hashItem(item, ctx, `${PIPELINE_VERSION}.next`),
      await hashItem(item, { ...ctx, base: "https://example.com/other/" }),
      await hashItem(item, { ...ctx, xmlBase: "https://example.com/" }),
      await hashItem(item, { ...ctx, label: "另一个" }),
      await hashItem(item, { ...ctx, name: "另一个来源" }),
      await hashItem(item, { ...ctx, timezone: "Asia/Taipei" }),
      await hashItem({ ...item, content: "<p>y</p>" }, ctx),
      await hashItem({ ...item, contentIsText: true }, ctx),
      await hashItem({ ...item, categories: ["乙", "丙"] }, ctx),
      await hashItem({ ...item, authors: [] }, ctx),
      await hashItem({ ...item, updated: "2025-11-19" }, ctx),
    ];
    expect(new Set([h, ...others]).size).toBe(others.length + 1);
  });
});
