// HTML pages served like feeds: from isolate memory and the edge cache within max-age, validators
// from what the page is made of, 304s answered without rendering, and nothing per-visitor cached.
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";
import { evictPage, pageCacheKey } from "../../src/web/cached-page";
import { evictFeed } from "../../src/web/feeds";
import { beginFill } from "../../src/web/response-cache";
import { SESSION_COOKIE } from "../../src/web/console-auth";

const samples = inject("samplePosts");
const BASE = "https://news.test";
const db = d1Runner(env.DB);
const TAG = encodeURIComponent("就业");

const get = (path: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, { redirect: "manual", headers });
/** Let max-age (300 s with the default 15-minute refresh) pass for both cache layers. */
const afterMaxAge = () => vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 301_000 });

/** The path of every article of a category, newest first. */
async function articlePaths(slug: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT a.id, a.path_date FROM articles a JOIN sources s ON s.id = a.source_id WHERE s.slug = ?1
     ORDER BY a.published_at DESC, a.id DESC`,
  )
    .bind(slug)
    .all<{ id: string; path_date: string }>();
  return results.map((r) => `/${slug}/${r.path_date}/${r.id}.html`);
}

beforeAll(async () => {
  await importPosts(db, samples, { timeZone: "Asia/Shanghai", now: Date.now() });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("pages from the caches", () => {
  it("home, category, tag, directory and article: the second request is served without D1, with the strict CSP", async () => {
    const article = (await articlePaths("lijiangribao"))[3]!;
    const paths = ["/", "/category/lijiangribao.html", `/tag/${TAG}`, "/category/", article];
    const first = new Map<string, { body: string; etag: string; lastModified: string }>();
    for (const path of paths) {
      await evictPage(`${BASE}${path}`);
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("x-cache"), path).toBeNull();
      expect(res.headers.get("etag"), path).toMatch(/^"[0-9a-f]{32}"$/);
      expect(res.headers.get("cache-control"), path).toBe(
        "public, max-age=300, stale-while-revalidate=900, stale-if-error=86400",
      );
      first.set(path, {
        body: await res.text(),
        etag: res.headers.get("etag")!,
        lastModified: res.headers.get("last-modified")!,
      });
    }
    // Proof that D1 is not read: every title in it changes, the cached pages do not.
    await env.DB.prepare("UPDATE articles SET title = title || '（已改）'").run();
    try {
      for (const path of paths) {
        const was = first.get(path)!;
        const fromMemory = await get(path);
        expect(fromMemory.headers.get("x-cache"), path).toBe("memory");
        expect(await fromMemory.text(), path).toBe(was.body);
        expect(fromMemory.headers.get("etag"), path).toBe(was.etag);
        expect(fromMemory.headers.get("last-modified"), path).toBe(was.lastModified);
        expect(fromMemory.headers.get("content-type"), path).toBe("text/html; charset=UTF-8");
        // The security headers are the app's, set on every response, cached ones too.
        expect(fromMemory.headers.get("content-security-policy"), path).toContain("default-src 'none'");
        expect(fromMemory.headers.get("content-security-policy"), path).not.toContain("script-src");
        expect(fromMemory.headers.get("x-content-type-options"), path).toBe("nosniff");
        // A copy in memory answers both validators.
        expect((await get(path, { "If-None-Match": was.etag })).status, path).toBe(304);
        expect((await get(path, { "If-Modified-Since": was.lastModified })).status, path).toBe(304);
      }
      // The edge copy, once this isolate has forgotten its own.
      const { resetIsolateState } = await import("../../src/state");
      resetIsolateState();
      for (const path of paths) {
        const fromEdge = await get(path);
        expect(fromEdge.headers.get("x-cache"), path).toBe("edge");
        expect(await fromEdge.text(), path).toBe(first.get(path)!.body);
        expect(fromEdge.headers.get("cache-control"), path).toBe(
          "public, max-age=300, stale-while-revalidate=900, stale-if-error=86400",
        );
        expect(fromEdge.headers.get("content-security-policy"), path).toContain("default-src 'none'");
        expect(fromEdge.headers.get("x-fresh-until"), path).toBeNull();
      }
    } finally {
      await env.DB.prepare("UPDATE articles SET title = replace(title, '（已改）', '')").run();
    }
    // Once max-age has passed, neither layer answers: the page is read and rendered anew.
    afterMaxAge();
    for (const path of paths) {
      const res = await get(path);
      expect(res.headers.get("x-cache"), path).toBeNull();
      expect(await res.text(), path).toBe(first.get(path)!.body);
    }
  });

  it("concurrent first requests for one page share one read and render; each still gets its own answer", async () => {
    const path = "/category/guilinwanbao.html";
    await evictPage(`${BASE}${path}`);
    // Six visitors at once, one of them revalidating a copy the site never sent. Straight into the
    // worker's app, so the six really interleave in this isolate (SELF delivers one at a time).
    const app = createApp();
    const ctx = createExecutionContext();
    const visitors: Record<string, string>[] = [
      {},
      {},
      {},
      {},
      {},
      { "If-None-Match": '"0123456789abcdef0123456789abcdef"' },
    ];
    const answers = await Promise.all(
      visitors.map((headers) => app.fetch(new Request(`${BASE}${path}`, { headers }), env, ctx)),
    );
    await waitOnExecutionContext(ctx);
    const rendered = answers.filter((r) => r.headers.get("x-cache") === null);
    expect(rendered).toHaveLength(1);
    const etag = rendered[0]!.headers.get("etag");
    const bodies = new Set<string>();
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).toBe(etag);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).toContain("<article");
    // The one render was kept: the next request is a hit, and a revalidation of it a 304.
    expect((await get(path)).headers.get("x-cache")).toBe("memory");
    expect((await get(path, { "If-None-Match": etag! })).status).toBe(304);
  });

  it("concurrent first requests for one feed (readers polling at its expiry) share one read and render", async () => {
    const path = "/category/guilinwanbao/rss.xml";
    await evictFeed(`${BASE}${path}`, "reader");
    const app = createApp();
    const ctx = createExecutionContext();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.fetch(new Request(`${BASE}${path}`, { headers: { Accept: "application/rss+xml" } }), env, ctx),
      ),
    );
    await waitOnExecutionContext(ctx);
    expect(answers.filter((r) => r.headers.get("x-cache") === null)).toHaveLength(1);
    const bodies = new Set<string>();
    for (const res of answers) {
      expect(res.status).toBe(200);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).toContain("<rss");
  });

  it("a fill that never ends (its request cancelled) holds the next visitor at most two seconds", async () => {
    const path = "/category/lijiangribao.html";
    await evictPage(`${BASE}${path}`);
    // A request that began reading this page and was never let finish.
    beginFill(pageCacheKey(`${BASE}${path}`, ["before"]));
    const start = Date.now();
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-cache")).toBeNull();
    expect(await res.text()).toContain("<article");
    expect(Date.now() - start).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - start).toBeLessThan(10_000);
    // An entry past its time is not waited for at all.
    const other = "/category/liuzhouchenbao.html";
    await evictPage(`${BASE}${other}`);
    beginFill(pageCacheKey(`${BASE}${other}`, ["before"]));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2001 });
    const next = performance.now();
    const late = await get(other);
    expect(late.status).toBe(200);
    expect(late.headers.get("x-cache")).toBeNull();
    expect(performance.now() - next).toBeLessThan(1900);
  });

  it("keys a page cursor separately, ignores parameters the page does not read, and still refuses a bad cursor", async () => {
    await evictPage(`${BASE}/`);
    const home = await (await get("/")).text();
    const next = /<a [^>]*href="(\/\?before=[^"]+)"/.exec(home)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    await evictPage(`${BASE}${next}`);
    const older = await get(next!);
    expect(older.headers.get("x-cache")).toBeNull();
    const olderBody = await older.text();
    expect(olderBody).not.toBe(home);
    const again = await get(next!);
    expect(again.headers.get("x-cache")).toBe("memory");
    expect(await again.text()).toBe(olderBody);
    expect(again.headers.get("etag")).not.toBe((await get("/")).headers.get("etag"));
    // Tracking parameters neither split the cache nor change the page.
    const tracked = await get(`${next}&utm_source=x`);
    expect(tracked.headers.get("x-cache")).toBe("memory");
    expect(await tracked.text()).toBe(olderBody);
    expect((await get("/?utm_source=x")).headers.get("x-cache")).toBe("memory");
    // A cursor we never issued is a 400 every time, never a cached page.
    for (let i = 0; i < 2; i++) {
      const bad = await get("/?before=not-a-cursor");
      expect(bad.status).toBe(400);
      expect(bad.headers.get("x-cache")).toBeNull();
      expect(await bad.text()).toContain("分页参数 before 无效");
    }
    for (let i = 0; i < 2; i++) expect((await get("/category/?after=abc")).status).toBe(400);
    expect((await get("/category/nosuch.html")).status).toBe(404);
    expect((await get("/category/nosuch.html")).status).toBe(404);
  });
});

describe("conditional requests from the page's rows", () => {
  it("answers If-None-Match without rendering once the copies are gone, and renders for a date alone", async () => {
    const path = "/category/yangshuoshibao.html";
    await evictPage(`${BASE}${path}`);
    const first = await get(path);
    const etag = first.headers.get("etag")!;
    const body = await first.text();
    afterMaxAge();
    const byTag = await get(path, { "If-None-Match": etag });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get("etag")).toBe(etag);
    expect(byTag.headers.get("cache-control")).toContain("max-age=300");
    // Nothing was rendered: a render is dated and kept, and this 304 has no date…
    expect(byTag.headers.get("last-modified")).toBeNull();
    // …and left nothing in either cache: the next request is a miss, not a hit.
    const after = await get(path, { "If-Modified-Since": first.headers.get("last-modified")! });
    expect(after.status).toBe(200);
    expect(after.headers.get("x-cache")).toBeNull();
    expect(after.headers.get("etag")).toBe(etag);
    expect(await after.text()).toBe(body);
    // The tag is the one of the rendered page: the next request's 304 comes from the copy.
    const fromCopy = await get(path, { "If-None-Match": `W/${etag}, "other"` });
    expect(fromCopy.status).toBe(304);
    expect(fromCopy.headers.get("last-modified")).toBe(after.headers.get("last-modified"));
  });

  it("a new article changes home, its category, its tag and its neighbour's page; other pages stay 304", async () => {
    const [newest, second] = await articlePaths("guilinwanbao");
    const others = ["/category/liuzhouchenbao.html", (await articlePaths("liuzhouchenbao"))[2]!];
    const changed = ["/", "/category/guilinwanbao.html", `/tag/${TAG}`, newest!];
    const etags = new Map<string, string>();
    for (const path of [...changed, ...others, second!]) {
      await evictPage(`${BASE}${path}`);
      const res = await get(path);
      expect(res.status, path).toBe(200);
      await res.text();
      etags.set(path, res.headers.get("etag")!);
    }
    const title = "桂林新开通两条城市公交线路";
    const text = `---\ntitle: ${title}\ndate: 2026-01-02 09:30:00 +0800\ncategories: guilinwanbao\ntags: 就业\n---\n<p>新闻正文。</p>\n`;
    expect(
      (await importPosts(db, [{ name: "fresh.txt", text }], { timeZone: "Asia/Shanghai", now: Date.now() })).imported,
    ).toBe(1);
    // Within max-age a cached copy may still be served: that is what max-age allows, as for feeds.
    expect((await get("/")).headers.get("x-cache")).toBe("memory");
    afterMaxAge();
    for (const path of changed) {
      const res = await get(path, { "If-None-Match": etags.get(path)! });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("etag"), path).not.toBe(etags.get(path));
      // The listings show the new article; the former newest article links to it as its newer one.
      expect(await res.text(), path).toContain(title);
    }
    for (const path of [...others, second!]) {
      const res = await get(path, { "If-None-Match": etags.get(path)! });
      expect(res.status, path).toBe(304);
    }
  });
});

describe("nothing per-visitor is cached", () => {
  /** Sign in to the console and return the Cookie header value its answer sets. */
  async function signIn(): Promise<string> {
    const res = await SELF.fetch(`${BASE}/admin/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: BASE,
        "cf-connecting-ip": "198.51.100.7",
      },
      body: new URLSearchParams({ token: env.ADMIN_TOKEN }).toString(),
    });
    expect(res.status).toBe(303);
    return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  }

  it("the operator's requests (a valid session or admin token) neither read nor fill the caches", async () => {
    const path = `/tag/${encodeURIComponent("旅游")}`;
    await evictPage(`${BASE}${path}`);
    const session = await signIn();
    expect(session).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    const operators: Record<string, string>[] = [
      { cookie: session },
      { cookie: `theme=dark; ${session}` },
      { authorization: `Bearer ${env.ADMIN_TOKEN}` },
    ];
    for (const operator of operators) {
      for (let i = 0; i < 2; i++) {
        const res = await get(path, operator);
        expect(res.status).toBe(200);
        expect(res.headers.get("x-cache")).toBeNull();
        expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      }
    }
    // Nothing was stored for anyone: a visitor's request is still a miss, then a hit.
    expect((await get(path)).headers.get("x-cache")).toBeNull();
    expect((await get(path)).headers.get("x-cache")).toBe("memory");
    // Once cached, the operator still goes past the copy.
    for (const operator of operators) expect((await get(path, operator)).headers.get("x-cache")).toBeNull();
  });

  it("credentials that are not the operator's buy no render: the visitor's cached page, never an error", async () => {
    const path = `/tag/${encodeURIComponent("文化")}`;
    await evictPage(`${BASE}${path}`);
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBeNull();
    const body = await first.text();
    const session = await signIn();
    const forged: Record<string, string>[] = [
      { authorization: "Bearer x" },
      { authorization: `Bearer ${env.ADMIN_TOKEN}x` },
      { authorization: `Basic ${btoa(`admin:${env.ADMIN_TOKEN}`)}` },
      { authorization: "Bearer %%% ===" },
      { authorization: "" },
      { cookie: `${SESSION_COOKIE}=1.abc` },
      // A real session's value with its signature changed, and one that is not even base64.
      { cookie: `${session.slice(0, -3)}AA=` },
      { cookie: `${SESSION_COOKIE}=${"9".repeat(13)}.${"%".repeat(43)}=` },
      { cookie: `${SESSION_COOKIE}=%E0%A4%A` },
    ];
    for (const headers of forged) {
      const res = await get(path, headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.headers.get("x-cache"), JSON.stringify(headers)).toBe("memory");
      expect(await res.text(), JSON.stringify(headers)).toBe(body);
    }
    // The admin API still refuses the same header: what it rejects, the page cache does not honour.
    const api = await get("/api/v1/sources", { authorization: "Bearer x" });
    expect(api.status).toBe(401);
  });

  it("the console is never cached", async () => {
    for (const path of ["/admin", "/admin/sign-in", "/admin/new"]) {
      for (let i = 0; i < 2; i++) {
        const res = await get(path);
        expect(res.headers.get("x-cache"), path).toBeNull();
        expect(res.headers.get("cache-control") ?? "", path).not.toContain("public");
      }
    }
  });
});
