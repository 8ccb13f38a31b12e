// The image proxy through the worker, on a real D1: an opted-in source's article page and feeds
// link /img/ addresses, the others the papers' own; without IMAGE_PROXY_KEY everything falls back
// to the papers' addresses and the operator is told in Chinese (status page, console); the
// setting is saved from the console and the admin API. (The fetch through a loopback paper that
// checks the Referer is test/e2e/image-proxy.test.ts.)
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openImageProxyPath, imageSignerFor } from "../../src/core/image-proxy";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";
import worker from "../../src/index";
import { evictPage } from "../../src/web/cached-page";

const BASE = "https://news.test";
const TOKEN = env.ADMIN_TOKEN;
const PICTURE = "https://img.tuku.example/2026/a.jpg";
const ARTICLE = "https://news.tuku.example/2026/1.html";

const post = (slug: string, n: number) => ({
  name: `${slug}-${n}.txt`,
  text: `---
layout: post
title: "图片新闻 ${slug} ${n}"
date: 2026-12-01 08:00:00 +0800
categories: ${slug}
tags: [${slug}新闻]
---
<p>正文。</p>
<p><img src="${PICTURE}" width="800" height="600" alt="图"></p>

<${ARTICLE}>
`,
});

/** The worker with another env (the key unset), as a deployment without the secret runs. */
async function fetchWith(overrides: Partial<Env>, path: string, init: RequestInit = {}) {
  // Another deployment shares no cached page with this one.
  await evictPage(`${BASE}${path}`);
  const ctx = createExecutionContext();
  const res = await worker.fetch!(
    new Request(`${BASE}${path}`, init) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}
const NO_KEY = { IMAGE_PROXY_KEY: "" };

async function articlePath(slug: string): Promise<string> {
  const res = await SELF.fetch(`${BASE}/api/v1/articles?category=${slug}`);
  return new URL(((await res.json()) as { items: { url: string }[] }).items[0]!.url).pathname;
}

beforeAll(async () => {
  const db = d1Runner(env.DB);
  await importPosts(db, [post("tuku", 1), post("putong", 1)], { timeZone: "Asia/Shanghai", now: Date.now() });
  await env.DB.prepare("UPDATE sources SET proxy_images = 1 WHERE slug = 'tuku'").run();
});

describe("pages and feeds", () => {
  it("the opted-in source's page links /img/ with width and height kept; the signed pair is the picture and its article", async () => {
    const html = await (await SELF.fetch(`${BASE}${await articlePath("tuku")}`)).text();
    const m = /<img src="\/img\/([\w-]+)\/([\w-]+)\/([\w-]+)" alt="图" width="800" height="600"/.exec(html);
    expect(m).not.toBeNull();
    expect(html).not.toContain(PICTURE);
    const opened = await openImageProxyPath(imageSignerFor(env.IMAGE_PROXY_KEY)!, m![1]!, m![2]!, m![3]!);
    expect(opened).toEqual({ url: PICTURE, referer: ARTICLE });
    const other = await (await SELF.fetch(`${BASE}${await articlePath("putong")}`)).text();
    expect(other).toContain(`<img src="${PICTURE}" alt="图" width="800" height="600"`);
  });

  it.each(["rss.xml", "feed.xml", "feed.json"])("its %s carries the absolute /img/ address", async (file) => {
    const feed = await (await SELF.fetch(`${BASE}/category/tuku/${file}`)).text();
    expect(feed).toMatch(/https:\/\/news\.test\/img\/[\w-]{22}\/[\w-]+\/[\w-]+/);
    expect(feed).not.toContain(PICTURE);
    expect(await (await SELF.fetch(`${BASE}/category/putong/${file}`)).text()).toContain(PICTURE);
  });

  it("an upstream that fails answers 502, never 500 (tests reach no internet: the paper's host answers 502)", async () => {
    const html = await (await SELF.fetch(`${BASE}${await articlePath("tuku")}`)).text();
    const path = /<img src="(\/img\/[^"]+)"/.exec(html)![1]!;
    const res = await SELF.fetch(`${BASE}${path}`);
    expect(res.status).toBe(502);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain("上游图片获取失败");
  });

  it("without IMAGE_PROXY_KEY: the paper's own addresses, /img/ is off, and the status page warns in Chinese", async () => {
    const html = await (await fetchWith(NO_KEY, await articlePath("tuku"))).text();
    expect(html).toContain(`<img src="${PICTURE}"`);
    expect(html).not.toContain("/img/");
    const feed = await (await fetchWith(NO_KEY, "/category/tuku/feed.json?limit=5")).text();
    expect(feed).toContain(PICTURE);
    expect(
      (await fetchWith(NO_KEY, "/img/AAAAAAAAAAAAAAAAAAAAAA/aHR0cHM6Ly9hLmIvYy5qcGc/aHR0cHM6Ly9hLmIv")).status,
    ).toBe(404);
    const status = await (await fetchWith(NO_KEY, "/status")).text();
    expect(status).toContain("图片代理未启用：未设置 IMAGE_PROXY_KEY 密钥");
    expect(status).toContain("wrangler secret put IMAGE_PROXY_KEY");
    // With the key, no warning.
    expect(await (await SELF.fetch(`${BASE}/status`)).text()).not.toContain("图片代理未启用");
  });

  it("a key shorter than 32 characters is no key", async () => {
    const html = await (await fetchWith({ IMAGE_PROXY_KEY: "short-key" }, await articlePath("tuku"))).text();
    expect(html).toContain(`<img src="${PICTURE}"`);
  });
});

describe("the setting", () => {
  const api = (method: string, path: string, body: unknown) =>
    SELF.fetch(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("the admin API shows it and refuses a value that is not a boolean, naming the field", async () => {
    const res = await api("PATCH", "/api/v1/sources/putong", { proxy_images: "yes" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("proxy_images");
    const ok = await api("PATCH", "/api/v1/sources/putong", { proxy_images: true });
    expect(((await ok.json()) as { proxy_images: boolean }).proxy_images).toBe(true);
    // A page already cached keeps its addresses until its max-age; a fresh render proxies them.
    const page = `${BASE}${await articlePath("putong")}`;
    await evictPage(page);
    expect(await (await SELF.fetch(page)).text()).toContain('<img src="/img/');
    await api("PATCH", "/api/v1/sources/putong", { proxy_images: false });
  });

  it("the console's source page edits it, and warns when the key is missing", async () => {
    const signIn = await SELF.fetch(`${BASE}/admin/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const form = {
      name: "普通",
      label: "普通新闻",
      feed_url: "https://putong.example/feed.xml",
      homepage: "",
      timezone: "Asia/Shanghai",
      interval_minutes: "30",
      rules: "",
      proxy_images: "1",
    };
    const saved = await SELF.fetch(`${BASE}/admin/sources/putong`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, cookie },
      body: new URLSearchParams(form).toString(),
    });
    expect(saved.status).toBe(200);
    const page = await saved.text();
    expect(page).toContain("设置已保存。");
    expect(page).toMatch(/<option value="1" selected="">开启/);
    expect(page).not.toContain("图片代理未启用");
    const row = await env.DB.prepare("SELECT proxy_images FROM sources WHERE slug = 'putong'").first();
    expect(row).toEqual({ proxy_images: 1 });
    // Without the key the same page says why nothing is proxied.
    const warned = await (await fetchWith(NO_KEY, "/admin/sources/putong", { headers: { cookie } })).text();
    expect(warned).toContain("图片代理未启用");
    // Turned off again from the form.
    await SELF.fetch(`${BASE}/admin/sources/putong`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, cookie },
      body: new URLSearchParams({ ...form, proxy_images: "0" }).toString(),
    });
    expect(await env.DB.prepare("SELECT proxy_images FROM sources WHERE slug = 'putong'").first()).toEqual({
      proxy_images: 0,
    });
  });
});
