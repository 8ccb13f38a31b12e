// The operator's console through the worker: sign-in, the session cookie, forgery, paging.
import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { listFetchLog } from "../../src/db/fetch-log";
import { d1Runner } from "../../src/db/sql";
import { getSourceWithState } from "../../src/db/sources";
import { refreshSource } from "../../src/ingest/refresh";

const TOKEN = env.ADMIN_TOKEN;
const BASE = "https://news.test";
const SAME_ORIGIN = { origin: BASE };

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}

function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...SAME_ORIGIN, ...headers },
    body: form(fields),
  });
}

const get = (path: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, { redirect: "manual", headers });

/** Sign in and return the Cookie header value to send. */
async function signIn(client = "198.51.100.1"): Promise<string> {
  const res = await post("/admin/sign-in", { token: TOKEN }, { "cf-connecting-ip": client });
  expect(res.status).toBe(303);
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0] ?? "";
}

async function sourceCount() {
  return (await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())!.n;
}

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
    env.DB.prepare("DELETE FROM console_signin_failures"),
  ]);
});

describe("signing in", () => {
  it("without a session every console page sends to the sign-in form", async () => {
    for (const path of ["/admin", "/admin/new", "/admin/opml", "/admin/sources/x", "/admin/sources.opml"]) {
      const res = await get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe("/admin/sign-in");
    }
    const page = await get("/admin/sign-in");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('name="token"');
    expect(html).not.toContain("<script");
  });

  it("the right token sets an HttpOnly, SameSite=Strict, Secure cookie for 12 hours", async () => {
    const res = await post("/admin/sign-in", { token: TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    const set = res.headers.get("set-cookie") ?? "";
    expect(set).toMatch(/^console_session=/);
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    expect(set).toContain("Secure");
    expect(set).toContain("Max-Age=43200");
    expect(set).toContain("Path=/admin");
    const page = await get("/admin", { cookie: set.split(";")[0]! });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toContain("来源管理");
  });

  it("on http://localhost the cookie is not Secure (browsers would drop it)", async () => {
    const res = await SELF.fetch("http://localhost:8787/admin/sign-in", {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost:8787" },
      body: form({ token: TOKEN }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).not.toContain("Secure");
  });

  it("a wrong token → the form again with 令牌不正确 and no cookie", async () => {
    const res = await post("/admin/sign-in", { token: "wrong-token-wrong-token" });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("令牌不正确");
  });

  it("after 5 wrong tokens the client is refused, even with the right one; other clients are not", async () => {
    const ip = { "cf-connecting-ip": "203.0.113.9" };
    for (let i = 0; i < 5; i++)
      expect((await post("/admin/sign-in", { token: `wrong-${i}-xxxxxxxxxxxx` }, ip)).status).toBe(401);
    const limited = await post("/admin/sign-in", { token: TOKEN }, ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("set-cookie")).toBeNull();
    expect(await limited.text()).toContain("登录失败次数过多");
    expect((await post("/admin/sign-in", { token: TOKEN }, { "cf-connecting-ip": "203.0.113.10" })).status).toBe(303);
    // The window passes: the client may try again.
    await env.DB.prepare("UPDATE console_signin_failures SET window_start = window_start - 16 * 60000").run();
    expect((await post("/admin/sign-in", { token: TOKEN }, ip)).status).toBe(303);
  });

  it("a tampered or expired session is no session", async () => {
    const cookie = await signIn();
    const [name, value] = cookie.split("=") as [string, string];
    const decoded = decodeURIComponent(value);
    const [expires, signature] = decoded.split(".") as [string, string];
    // Later expiry, same signature: tampered.
    const later = `${name}=${encodeURIComponent(`${Number(expires) + 3_600_000}.${signature}`)}`;
    expect((await get("/admin", { cookie: later })).status).toBe(303);
    // A correctly signed cookie whose time has passed: signed with the key the worker derives.
    const key = [
      ...new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`edge-news console session\0${TOKEN}`)),
      ),
    ]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const hmac = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const past = String(Date.now() - 1000);
    const sig = btoa(
      String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(past)))),
    );
    const expired = `${name}=${encodeURIComponent(`${past}.${sig}`)}`;
    expect((await get("/admin", { cookie: expired })).status).toBe(303);
    // The same construction with a future time is accepted, so the expired case fails on time alone.
    const future = String(Date.now() + 60_000);
    const sig2 = btoa(
      String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(future)))),
    );
    expect((await get("/admin", { cookie: `${name}=${encodeURIComponent(`${future}.${sig2}`)}` })).status).toBe(200);
  });

  it("退出 clears the cookie", async () => {
    const cookie = await signIn();
    const res = await post("/admin/sign-out", {}, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^console_session=;.*Max-Age=0/);
  });
});

describe("forgery", () => {
  it("a POST from another origin gets 403 and changes nothing, even with a valid session", async () => {
    const cookie = await signIn();
    await env.DB.prepare(
      "INSERT INTO sources (slug, name, label, feed_url, created_at) VALUES ('keep', '保留', '保留', 'https://up.example.com/a.xml', 0)",
    ).run();
    const before = await sourceCount();
    for (const [path, fields] of [
      ["/admin/sources/keep/delete", {}],
      ["/admin/sources/keep/pause", {}],
      ["/admin/sources/keep", { name: "改了" }],
      [
        "/admin/opml",
        { text: "<opml version='2.0'><body><outline text='a' xmlUrl='https://e.example/a.xml'/></body></opml>" },
      ],
      ["/admin/sign-in", { token: TOKEN }],
    ] as const) {
      const res = await post(path, fields, { cookie, origin: "https://evil.example" });
      expect(res.status, path).toBe(403);
    }
    expect(await sourceCount()).toBe(before);
    const keep = await env.DB.prepare("SELECT name, enabled, paused_at FROM sources WHERE slug = 'keep'").first();
    expect(keep).toEqual({ name: "保留", enabled: 1, paused_at: null });
  });

  it("the bearer API is unchanged", async () => {
    const res = await SELF.fetch(`${BASE}/api/v1/sources`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect((await SELF.fetch(`${BASE}/api/v1/sources`)).status).toBe(401);
  });
});

describe("the sources table", () => {
  it("pages through 10,000 sources by keyset, 50 at a time, each source once", async () => {
    const stmts = [];
    for (let i = 0; i < 10_000; i += 500) {
      const values = Array.from({ length: 500 }, (_, j) => {
        const n = i + j;
        return `('s${n}', '来源${n}', '来源${n}', 'https://up.example.com/${n}.xml', 0)`;
      });
      stmts.push(
        env.DB.prepare(`INSERT INTO sources (slug, name, label, feed_url, created_at) VALUES ${values.join(",")}`),
      );
    }
    await env.DB.batch(stmts);
    const cookie = await signIn();
    const seen = new Set<string>();
    let path: string | null = "/admin";
    let pages = 0;
    let slowest = 0;
    while (path) {
      const started = Date.now();
      const res = await get(path, { cookie });
      slowest = Math.max(slowest, Date.now() - started);
      expect(res.status).toBe(200);
      const html = await res.text();
      for (const m of html.matchAll(/href="\/admin\/sources\/(s\d+)"/g)) {
        expect(seen.has(m[1]!), m[1]).toBe(false);
        seen.add(m[1]!);
      }
      const next = /href="(\/admin\?[^"]*after=\d+)" rel="next"/.exec(html)?.[1];
      path = next ? next.replace(/&amp;/g, "&") : null;
      pages++;
    }
    expect(pages).toBe(200);
    expect(seen.size).toBe(10_000);
    expect(slowest).toBeLessThan(2000);
  }, 120_000);

  it("filters by name or slug and by state", async () => {
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO sources (slug, name, label, feed_url, created_at, last_fetch_at, last_status, error_count, last_error)
         VALUES ('bad', '坏来源', '坏来源', 'https://u.example/a', 0, 1, 'error', 3, 'fetch failed: Network connection lost.'),
                ('good', '好来源', '好来源', 'https://u.example/b', 0, 1, '200', 0, NULL),
                ('fresh', '新来源', '新来源', 'https://u.example/c', 0, NULL, NULL, 0, NULL)`,
      ),
    ]);
    const cookie = await signIn();
    const slugs = async (q: string) =>
      [...(await (await get(`/admin?${q}`, { cookie })).text()).matchAll(/href="\/admin\/sources\/([a-z]+)"/g)].map(
        (m) => m[1],
      );
    expect(await slugs("state=failing")).toEqual(["bad"]);
    expect(await slugs("state=never")).toEqual(["fresh"]);
    expect(await slugs("q=%E5%A5%BD")).toEqual(["good"]);
    expect(await slugs("q=fre")).toEqual(["fresh"]);
    const html = await (await get("/admin?state=failing", { cookie })).text();
    expect(html).toContain("无法连接到对方网站");
    expect(html).toContain("fetch failed: Network connection lost.");
    expect(html).toMatch(/<svg class="spark"[^>]*role="img"/);
  });
});

describe("a source", () => {
  beforeEach(async () => {
    await env.DB.prepare(
      `INSERT INTO sources (id, slug, name, label, feed_url, kind, rules, created_at)
       VALUES (7, 'web', '网页来源', '网页来源', 'https://u.example/list', 'html', NULL, 0)`,
    ).run();
  });

  it("a rules JSON that does not validate → the form again, the field named, the text kept", async () => {
    const cookie = await signIn();
    const fields = {
      name: "网页来源",
      label: "网页来源",
      feed_url: "https://u.example/list",
      homepage: "",
      timezone: "Asia/Shanghai",
      interval_minutes: "30",
    };
    const notJson = await post("/admin/sources/web", { ...fields, rules: '{"list": ' }, { cookie });
    expect(notJson.status).toBe(400);
    const body = await notJson.text();
    expect(body).toContain("rules");
    expect(body).toContain("{&quot;list&quot;: ");
    const badField = await post("/admin/sources/web", { ...fields, rules: '{"item": 5}' }, { cookie });
    expect(badField.status).toBe(400);
    expect(await badField.text()).toMatch(/<code>rules\.[a-z_.]+<\/code>/);
    const badTz = await post("/admin/sources/web", { ...fields, timezone: "Mars/Base" }, { cookie });
    expect(badTz.status).toBe(400);
    expect(await badTz.text()).toContain("Mars/Base");
    expect(await env.DB.prepare("SELECT timezone, rules FROM sources WHERE slug = 'web'").first()).toEqual({
      timezone: "Asia/Shanghai",
      rules: null,
    });
  });

  it("pause, resume, and a delete confirmation that counts the articles", async () => {
    await env.DB.prepare("UPDATE sources SET rules = ?1 WHERE slug = 'web'")
      .bind(JSON.stringify({ list: { links: "li a" }, article: { title: "h1", body: "article" } }))
      .run();
    const cookie = await signIn();
    expect((await post("/admin/sources/web/pause", {}, { cookie })).status).toBe(200);
    expect((await env.DB.prepare("SELECT enabled FROM sources WHERE slug = 'web'").first())!.enabled).toBe(0);
    expect((await post("/admin/sources/web/resume", {}, { cookie })).status).toBe(200);
    expect((await env.DB.prepare("SELECT enabled FROM sources WHERE slug = 'web'").first())!.enabled).toBe(1);
    await env.DB.prepare(
      `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset, content_hash, first_seen_at)
       VALUES ('aaaaaaaaaaaaaaaa', 7, 'g1', '2026/12/01', 't1', 1, 480, 1, 480, 'h', 1),
              ('bbbbbbbbbbbbbbbb', 7, 'g2', '2026/12/01', 't2', 2, 480, 2, 480, 'h', 2)`,
    ).run();
    const confirm = await get("/admin/sources/web/delete", { cookie });
    expect(await confirm.text()).toMatch(/<strong>2<\/strong> 篇文章/);
    const del = await post("/admin/sources/web/delete", {}, { cookie });
    expect(del.status).toBe(303);
    expect(await sourceCount()).toBe(0);
  });
});

describe("OPML import", () => {
  it("a row per outline; an invalid document changes nothing", async () => {
    const cookie = await signIn();
    const bad = await post("/admin/opml", { text: "<opml><body><outline" }, { cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("OPML 文档无效");
    expect(await sourceCount()).toBe(0);
    const doc = `<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
      <outline text="报纸"><outline text="灵川日报" xmlUrl="https://up.example.com/a.xml"/>
      <outline text="Guilin Daily" xmlUrl="https://up.example.com/b.xml"/></outline>
      <outline text="坏" xmlUrl="ftp://up.example.com/c.xml"/>
      <outline text="无地址"/></body></opml>`;
    const res = await post("/admin/opml", { text: doc }, { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/已添加/g)?.length).toBe(2);
    expect(html.match(/<td>无效/g)?.length).toBe(2);
    expect(await sourceCount()).toBe(2);
    const tooMany = `<opml version="2.0"><body>${Array.from(
      { length: 1001 },
      (_, i) => `<outline text="报${i}" xmlUrl="https://up.example.com/${i}.xml"/>`,
    ).join("")}</body></opml>`;
    const refused = await post("/admin/opml", { text: tooMany }, { cookie });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('OPML 文档无效，未做任何改动。<code class="detail">more than 1000 outlines');
    expect(await sourceCount()).toBe(2);
    const again = await (await post("/admin/opml", { text: doc }, { cookie })).text();
    expect(again.match(/<td>已存在/g)?.length).toBe(2);
    expect(await sourceCount()).toBe(2);
    const exported = await (await get("/admin/sources.opml", { cookie })).text();
    expect(exported).toContain('xmlUrl="https://up.example.com/a.xml"');
    expect(exported).toContain('text="Guilin Daily"');
  });
});

describe("API documentation", () => {
  it("/api/v1/docs renders every operation of the OpenAPI document as HTML, with no script", async () => {
    const doc = await import("../../public/api/v1/openapi.json");
    const res = await get("/api/v1/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toContain("<script");
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        expect(html, `${method} ${path}`).toContain(
          `${method.toUpperCase()} /api/v1${path.replace(/[{}]/g, (b) => b)}`,
        );
      }
    }
    expect(html).toContain("需要令牌");
    // Linked from every page's footer.
    expect(await (await get("/")).text()).toContain('href="/api/v1/docs"');
  });
});

describe("the fetch log", () => {
  it("each refresh adds one entry, the newest 20 are kept, and the source's page shows them in Chinese", async () => {
    await env.DB.prepare(
      "INSERT INTO sources (slug, name, label, feed_url, created_at) VALUES ('flaky', '不稳定', '不稳定', 'https://u.example/rss', 0)",
    ).run();
    const db = d1Runner(env.DB);
    let clock = Date.UTC(2026, 11, 6, 2, 0);
    for (let i = 0; i < 25; i++) {
      clock += 60_000;
      const source = (await getSourceWithState(db, "flaky"))!;
      await refreshSource(
        {
          db,
          fetch: async () => new Response("down", { status: 503 }),
          now: () => clock,
          limits: { userAgent: "edge-news-test", timeoutMs: 300, maxBytes: 1024, maxRedirects: 3 },
          log: () => undefined,
        },
        source,
      );
    }
    // The newest 20, newest first, in the source's row.
    const { id } = (await env.DB.prepare("SELECT id FROM sources WHERE slug = 'flaky'").first<{ id: number }>())!;
    const log = await listFetchLog(d1Runner(env.DB), id);
    expect(log).toHaveLength(20);
    expect(log[0]).toMatchObject({ at: clock, status: "error", error: "HTTP 503" });
    expect(log[19]!.at).toBe(clock - 19 * 60_000);
    const cookie = await signIn();
    const html = await (await get("/admin/sources/flaky", { cookie })).text();
    expect(html).toContain("最近 20 次抓取");
    expect(html).toContain("对方网站出错");
    expect(html).toContain("HTTP 503");
    // Deleting the source takes its log with it.
    await post("/admin/sources/flaky/delete", {}, { cookie });
    expect(await sourceCount()).toBe(0);
  });
});
