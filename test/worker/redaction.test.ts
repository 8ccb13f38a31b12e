// Nothing private leaks: a credential-bearing URL planted in every kind of source and in every
// error path that quotes a URL, then every public response (pages, /status, the health JSON,
// feeds, OPML, API, sitemaps) and every log line searched for the secrets. The admin API, with
// the token, still shows them. Upstreams are a stand-in behind fetch on a real D1.
import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetManners } from "../../src/ingest/manners";

const BASE = "https://news.test";
const SITE = "https://paper.example";
const SECRETS = [
  "SECRETKEY123",
  "TOKENSECRET",
  "SIGSECRET",
  "FEEDTOKEN",
  "ITEMTOKEN",
  "JSONKEY77",
  "FULLSECRET",
  "PAGEPASS",
  "PASSWORD1",
  "PASSWORD2",
  "METATOKEN9",
  "REDIRTOKEN",
  "NOLINKSKEY",
  "ROBOTSKEY",
];

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>${SITE}/</link>${items}</channel></rss>`;
const html = (body: string) => `<!doctype html><html><head><meta charset="utf-8"></head><body>${body}</body></html>`;

const ROUTES: Record<string, () => Response> = {
  [`${SITE}/robots.txt`]: () => new Response("User-agent: *\nDisallow: /private/\n"),
  [`${SITE}/list.html?apikey=SECRETKEY123&token=TOKENSECRET`]: () =>
    new Response(
      html(
        `<ul class="list"><li><a href="news/a1.html?sig=SIGSECRET">一</a></li>
         <li><a href="https://elsewhere.example/steal.html">别处</a></li>
         <li><a href="http://169.254.169.254/latest/meta-data/">元数据</a></li></ul>`,
      ),
      { headers: { "content-type": "text/html" } },
    ),
  [`${SITE}/news/a1.html?sig=SIGSECRET`]: () =>
    new Response(html(`<h1>网页来源的文章</h1><div class="content"><p>正文一</p><img src="/img/1.jpg"></div>`), {
      headers: { "content-type": "text/html" },
    }),
  [`${SITE}/empty.html?apikey=NOLINKSKEY`]: () =>
    new Response(html("<p>没有链接</p>"), { headers: { "content-type": "text/html" } }),
  [`${SITE}/feed.xml?access_token=FEEDTOKEN`]: () =>
    new Response(
      rss(
        `<item><title>订阅源的文章</title><link>${SITE}/a/1.html?token=ITEMTOKEN</link><guid>f1</guid>
         <description>&lt;p&gt;正文 &lt;a href="?x=1"&gt;相对&lt;/a&gt;&lt;/p&gt;</description></item>`,
      ),
      { headers: { "content-type": "application/rss+xml" } },
    ),
  [`${SITE}/api/news?key=JSONKEY77`]: () =>
    Response.json({
      data: [{ id: 1, title: "接口的文章", content: "<p>正文</p>", url: "/j/1.html?apikey=JSONKEY77" }],
    }),
  [`${SITE}/summary.xml?secret=FULLSECRET`]: () =>
    new Response(
      rss(
        `<item><title>摘要的文章</title><link>/full/1.html?password=PAGEPASS</link><description>摘要</description></item>`,
      ),
      { headers: { "content-type": "application/rss+xml" } },
    ),
  [`${SITE}/moved.xml?apikey=SECRETKEY123`]: () =>
    new Response(null, { status: 302, headers: { location: "http://10.0.0.7/feed.xml?token=REDIRTOKEN" } }),
};

const SOURCES = [
  {
    slug: "html-ok",
    kind: "html",
    feed_url: `${SITE}/list.html?apikey=SECRETKEY123&token=TOKENSECRET`,
    rules: { list: { links: "ul.list a" }, article: { title: "h1", body: "div.content" } },
  },
  {
    slug: "html-nolinks",
    kind: "html",
    feed_url: `${SITE}/empty.html?apikey=NOLINKSKEY`,
    rules: { list: { links: "ul.list a" }, article: { title: "h1", body: "div.content" } },
  },
  {
    slug: "html-robots",
    kind: "html",
    feed_url: `${SITE}/private/list.html?apikey=ROBOTSKEY`,
    rules: { list: { links: "ul.list a" }, article: { title: "h1", body: "div.content" } },
  },
  { slug: "feed-ok", kind: "feed", feed_url: `${SITE}/feed.xml?access_token=FEEDTOKEN` },
  {
    slug: "json-ok",
    kind: "json",
    feed_url: `${SITE}/api/news?key=JSONKEY77`,
    rules: { items: "data", id: "id", title: "title", body: "content", link: "url" },
  },
  {
    slug: "fulltext",
    kind: "feed",
    feed_url: `${SITE}/summary.xml?secret=FULLSECRET`,
    rules: { full_text: { body: "div.content" } },
  },
  { slug: "userinfo", kind: "feed", feed_url: "https://reader:PASSWORD1@paper.example/feed.xml?token=TOKENSECRET" },
  { slug: "metadata", kind: "feed", feed_url: "http://admin:PASSWORD2@169.254.169.254/latest?token=METATOKEN9" },
  { slug: "redirect", kind: "feed", feed_url: `${SITE}/moved.xml?apikey=SECRETKEY123` },
];

let fetched: string[] = [];
let logs: string[] = [];

beforeEach(async () => {
  resetManners();
  fetched = [];
  logs = [];
  await env.DB.batch(
    ["search_index", "articles", "source_pages", "sources"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init); // throws, as real fetch does, for a URL with credentials
    fetched.push(req.url);
    const route = ROUTES[req.url];
    return route ? route() : new Response("not found", { status: 404 });
  });
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void logs.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void logs.push(String(line)));
});
afterEach(() => vi.restoreAllMocks());

const admin = (method: string, path: string, body?: unknown) =>
  SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function publicBodies(): Promise<Map<string, string>> {
  const paths = [
    "/",
    "/status",
    "/api/v1/sources/health",
    "/feed.xml",
    "/rss.xml",
    "/feed.json",
    "/opml.xml",
    "/category/",
    "/api/v1/articles?limit=100&include=content",
    "/api/v1/categories",
    "/api/v1/tags",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/search?q=%E6%96%87%E7%AB%A0",
    "/search/feed.xml?q=%E6%96%87%E7%AB%A0",
  ];
  for (const s of SOURCES)
    paths.push(
      `/category/${s.slug}.html`,
      `/category/${s.slug}/feed.xml`,
      `/category/${s.slug}/rss.xml`,
      `/category/${s.slug}/feed.json`,
    );
  const out = new Map<string, string>();
  for (const p of paths) {
    const res = await SELF.fetch(`${BASE}${p}`);
    expect(res.status, p).toBeLessThan(500);
    out.set(p, await res.text());
  }
  const list = JSON.parse(out.get("/api/v1/articles?limit=100&include=content")!) as { items: { url: string }[] };
  for (const a of list.items) {
    const res = await SELF.fetch(a.url);
    out.set(a.url, await res.text());
  }
  const months = [...out.get("/sitemap.xml")!.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
  for (const m of months) out.set(m, await (await SELF.fetch(m)).text());
  return out;
}

describe("redaction of URLs in everything public", () => {
  it("shows no planted secret anywhere public or in the logs; the admin API keeps them", async () => {
    for (const s of SOURCES) {
      const res = await admin("POST", "/api/v1/sources", { name: `${s.slug} 报`, ...s });
      expect(res.status, s.slug).toBe(201);
    }
    const outcomes: Record<string, { status: string; error?: string }> = {};
    for (const s of SOURCES)
      outcomes[s.slug] = (await (await admin("POST", `/api/v1/sources/${s.slug}/refresh`)).json()) as {
        status: string;
      };

    // Every kind worked or failed as planted (so each error path really ran).
    expect(outcomes["html-ok"]!.status).toBe("200");
    expect(outcomes["feed-ok"]!.status).toBe("200");
    expect(outcomes["json-ok"]!.status).toBe("200");
    expect(outcomes.fulltext!.status).toBe("200");
    expect(outcomes["html-nolinks"]!.error).toContain("matched no links on");
    expect(outcomes["html-robots"]!.error).toContain("robots.txt disallows");
    expect(outcomes.userinfo!.status).toBe("error");
    expect(outcomes.metadata!.error).toContain("出站地址被拒绝");
    expect(outcomes.redirect!.error).toContain("10.0.0.7 是私有网络地址");
    // Links to other hosts on the list page were not followed; private ones never asked for.
    expect(fetched.some((u) => u.includes("elsewhere.example") || u.includes("169.254"))).toBe(false);
    expect(fetched.some((u) => u.includes("10.0.0.7"))).toBe(false);

    // The admin view (with the token) has the real values, in the settings and in the errors.
    const adminList = await (await admin("GET", "/api/v1/sources")).text();
    expect(adminList).toContain("SECRETKEY123");
    expect(adminList).toContain("NOLINKSKEY");

    const bodies = await publicBodies();
    expect(bodies.get("/status")).toContain("matched no links on https://paper.example/empty.html?apikey=***");
    expect(bodies.get("/api/v1/sources/health")).toContain("robots.txt disallows");
    expect(bodies.get("/api/v1/sources/health")).toContain("出站地址被拒绝");
    expect(bodies.get("/rss.xml")).toContain("网页来源的文章");
    expect(bodies.get("/api/v1/articles?limit=100&include=content")).toContain("sig=***");
    const leaks: string[] = [];
    for (const [path, body] of bodies)
      for (const secret of SECRETS) if (body.includes(secret)) leaks.push(`${secret} in ${path}`);
    for (const line of logs)
      for (const secret of SECRETS) if (line.includes(secret)) leaks.push(`${secret} in ${line}`);
    expect(leaks).toEqual([]);
    // userinfo never shows, in any spelling.
    for (const [path, body] of bodies) expect(body, path).not.toMatch(/reader:|admin:PASS|@paper\.example/);
    expect(logs.length).toBeGreaterThan(0);
  });
});

describe("links followed only to the source's own host or the hosts its rules name", () => {
  it("full text: an item page on another host is not read unless rules.full_text.hosts names it", async () => {
    ROUTES[`${SITE}/offhost.xml`] = () =>
      new Response(
        rss(
          `<item><title>外站的文章</title><link>https://sister.example/p/1.html</link><guid>x1</guid><description>摘要</description></item>`,
        ),
        { headers: { "content-type": "application/rss+xml" } },
      );
    ROUTES["https://sister.example/robots.txt"] = () => new Response("", { status: 404 });
    ROUTES["https://sister.example/p/1.html"] = () =>
      new Response(html('<div class="content"><p>姊妹站的全文</p></div>'), {
        headers: { "content-type": "text/html" },
      });
    const source = { name: "外站报", kind: "feed", feed_url: `${SITE}/offhost.xml` };
    await admin("POST", "/api/v1/sources", {
      slug: "offhost",
      ...source,
      rules: { full_text: { body: "div.content" } },
    });
    expect(await (await admin("POST", "/api/v1/sources/offhost/refresh")).json()).toMatchObject({ new: 1 });
    expect(fetched.some((u) => u.startsWith("https://sister.example/"))).toBe(false);
    const body = async () =>
      (await env.DB.prepare("SELECT content_html FROM articles WHERE guid = 'x1'").first<{ content_html: string }>())!
        .content_html;
    expect(await body()).not.toContain("姊妹站的全文");

    await admin("DELETE", "/api/v1/sources/offhost");
    await admin("POST", "/api/v1/sources", {
      slug: "offhost",
      ...source,
      rules: { full_text: { body: "div.content", hosts: ["Sister.Example."] } },
    });
    expect(await (await admin("POST", "/api/v1/sources/offhost/refresh")).json()).toMatchObject({ new: 1 });
    expect(fetched).toContain("https://sister.example/p/1.html");
    expect(await body()).toContain("姊妹站的全文");
  });
});
