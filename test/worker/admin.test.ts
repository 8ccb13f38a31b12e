// The sources admin API and the public health view, through the worker.
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";

const TOKEN = env.ADMIN_TOKEN;
const BASE = "https://news.test";
const auth = { authorization: `Bearer ${TOKEN}` };

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

const valid = { slug: "lingchuan", name: "灵川日报", feed_url: "https://up.example.com/rss.xml" };

beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
  ]);
});
afterEach(() => vi.restoreAllMocks());

describe("authentication", () => {
  it.each([
    ["no header", {}],
    ["a wrong token", { authorization: "Bearer wrong-token-wrong-token" }],
    ["a token one character short", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ["the real token with extra characters after it", { authorization: `Bearer ${TOKEN}x` }],
    ["the real token twice", { authorization: `Bearer ${TOKEN}${TOKEN}` }],
    ["another scheme", { authorization: `Basic ${btoa(`admin:${TOKEN}`)}` }],
  ])("%s → 401 with the same answer, no hint", async (_name, headers) => {
    for (const [method, path] of [
      ["GET", "/api/v1/sources"],
      ["POST", "/api/v1/sources"],
      ["DELETE", "/api/v1/sources/x"],
      ["POST", "/api/v1/sources/x/refresh"],
    ] as const) {
      const res = await call(method, path, method === "POST" ? valid : undefined, headers as Record<string, string>);
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toEqual({
        type: "about:blank",
        title: "Unauthorized",
        status: 401,
        detail: "a valid bearer token is required",
      });
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())!.n).toBe(0);
  });
});

describe("a missing ADMIN_TOKEN secret", () => {
  // The Worker as deployed without `wrangler secret put ADMIN_TOKEN` (or with an empty one).
  async function withoutToken(path: string, init: RequestInit = {}, token: string | undefined = undefined) {
    const ctx = createExecutionContext();
    const res = await createApp().fetch(new Request(`${BASE}${path}`, init), { ...env, ADMIN_TOKEN: token }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it.each([
    ["unset", undefined],
    ["empty", ""],
  ])("%s → every admin call is a 503 naming ADMIN_TOKEN, whatever the caller sends", async (_name, token) => {
    for (const headers of [{}, auth, { authorization: "Bearer wrong-token-wrong-token" }]) {
      const res = await withoutToken(
        "/api/v1/sources",
        { method: "POST", headers, body: JSON.stringify(valid) },
        token,
      );
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const body = await res.json<{ title: string; status: number; detail: string }>();
      expect(body.title).toBe("Service Unavailable");
      expect(body.status).toBe(503);
      expect(body.detail).toMatch(/^ADMIN_TOKEN is not set/);
      expect(body.detail).toContain("wrangler secret put ADMIN_TOKEN");
    }
    expect((await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())!.n).toBe(0);
  });

  it("is shown on /status, which says nothing of it once the secret is set", async () => {
    const without = await (await withoutToken("/status")).text();
    expect(without).toContain("管理接口未启用：未设置 ADMIN_TOKEN 密钥");
    const withToken = await (await call("GET", "/status", undefined, {})).text();
    expect(withToken).toContain("来源状态");
    expect(withToken).not.toContain("ADMIN_TOKEN");
  });

  it("a set token still answers a wrong one with 401, not 503", async () => {
    const res = await call("GET", "/api/v1/sources", undefined, { authorization: "Bearer wrong-token-wrong-token" });
    expect(res.status).toBe(401);
  });
});

describe("sources", () => {
  it("creates a source (201, due at once, defaults filled), refuses a second with the same slug (409)", async () => {
    const res = await call("POST", "/api/v1/sources", valid);
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/api/v1/sources/lingchuan");
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      slug: "lingchuan",
      name: "灵川日报",
      label: "灵川日报",
      feed_url: valid.feed_url,
      timezone: "Asia/Shanghai",
      interval_minutes: 15,
      enabled: true,
      health: { last_result: null, error_streak: 0, paused: false },
    });
    const dup = await call("POST", "/api/v1/sources", { ...valid, name: "别的名字" });
    expect(dup.status).toBe(409);
    expect((await dup.json<{ detail: string }>()).detail).toContain("lingchuan");
    const list = await (await call("GET", "/api/v1/sources")).json<{ items: { slug: string }[] }>();
    expect(list.items.map((s) => s.slug)).toEqual(["lingchuan"]);
  });

  it.each([
    [{ ...valid, slug: "Bad Slug" }, "slug"],
    [{ ...valid, feed_url: "ftp://up.example.com/rss.xml" }, "feed_url"],
    [{ ...valid, feed_url: "javascript:alert(1)" }, "feed_url"],
    [{ ...valid, homepage: "not a url" }, "homepage"],
    [{ ...valid, timezone: "Mars/Base" }, "timezone"],
    [{ ...valid, interval_minutes: 1 }, "interval_minutes"],
    [{ ...valid, interval_minutes: 2.5 }, "interval_minutes"],
    [{ ...valid, name: "" }, "name"],
    [{ slug: "x", feed_url: valid.feed_url }, "name"],
    [{ ...valid, color: "red" }, "color"],
  ])("rejects %j naming %s", async (body, field) => {
    const res = await call("POST", "/api/v1/sources", body);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const p = await res.json<{ errors: { field: string; reason: string }[]; detail: string }>();
    expect(p.errors.map((e) => e.field)).toContain(field);
    expect(p.errors.every((e) => e.reason.length > 0)).toBe(true);
    expect(p.detail).toContain(field);
  });

  it("rejects a body that is not JSON with a 400, not a 500", async () => {
    const res = await call("POST", "/api/v1/sources", "{not json");
    expect(res.status).toBe(400);
  });

  it("updates with PATCH, 404s unknown sources, and deletes a source with its articles", async () => {
    await call("POST", "/api/v1/sources", valid);
    const patched = await call("PATCH", "/api/v1/sources/lingchuan", { label: "灵川日报新闻", interval_minutes: 60 });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ label: "灵川日报新闻", interval_minutes: 60, name: "灵川日报" });
    expect((await call("PATCH", "/api/v1/sources/nope", { name: "x" })).status).toBe(404);
    expect((await call("PATCH", "/api/v1/sources/lingchuan", { interval_minutes: "often" })).status).toBe(400);
    expect((await call("DELETE", "/api/v1/sources/lingchuan")).status).toBe(204);
    expect((await call("GET", "/api/v1/sources/lingchuan")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/sources/lingchuan")).status).toBe(404);
  });

  it("refreshes one source on demand and shows the result on the public health view and /status", async () => {
    const fixtures = inject("feedFixtures");
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === valid.feed_url)
        return new Response(
          Uint8Array.from(atob(fixtures["rss20.xml"]!), (c) => c.charCodeAt(0)),
          { headers: { "content-type": "application/rss+xml" } },
        );
      return new Response("gone", { status: 410 });
    });
    await call("POST", "/api/v1/sources", valid);
    await call("POST", "/api/v1/sources", { ...valid, slug: "broken", feed_url: "https://up.example.com/missing.xml" });
    const ok = await call("POST", "/api/v1/sources/lingchuan/refresh");
    expect(await ok.json()).toMatchObject({ source: "lingchuan", status: "200", new: 3 });
    const bad = await call("POST", "/api/v1/sources/broken/refresh");
    expect(await bad.json()).toMatchObject({ source: "broken", status: "error", error: "HTTP 410" });

    const health = await SELF.fetch(`${BASE}/api/v1/sources/health`);
    expect(health.status).toBe(200);
    const text = await health.text();
    expect(text).not.toContain("up.example.com"); // no feed URLs (they may carry keys)
    const { sources } = JSON.parse(text) as { sources: Record<string, unknown>[] };
    expect(sources.find((s) => s.slug === "lingchuan")).toMatchObject({
      last_result: "200",
      error_streak: 0,
      paused: false,
      last_counts: { new: 3, updated: 0, unchanged: 0 },
    });
    expect(sources.find((s) => s.slug === "broken")).toMatchObject({
      last_result: "error",
      error_streak: 1,
      last_error: "HTTP 410",
    });
    expect(String(sources[0]!.next_attempt_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);

    const page = await (await SELF.fetch(`${BASE}/status`)).text();
    expect(page).toContain("<h1>来源状态</h1>");
    expect(page).toContain("成功（有内容）");
    // The meaning in Chinese, the technical detail beside it.
    expect(page).toContain(
      '失败<span class="error">：订阅地址不存在（已删除或已移动）<code class="detail">HTTP 410</code></span>',
    );
    expect(await (await SELF.fetch(`${BASE}/category/lingchuan.html`)).text()).toContain("漓江游船冬季班次调整");
  });
});
