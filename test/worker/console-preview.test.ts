// The console's "add a source" flow through the worker, against upstream answers served from the
// feed fixtures: the preview (the feed's title, its first five items in the source's zone, the
// detected encoding and where it came from, the feed chosen among those a page advertises), the
// suggested slug, saving, and a taken slug said plainly.
import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";

const BASE = "https://news.test";
const fixtures = inject("feedFixtures");
const bytes = (name: string) => Uint8Array.from(atob(fixtures[name]!), (c) => c.charCodeAt(0));

/** url → [fixture, content type]; anything else is a 404. */
let upstream: Record<string, [string, string]> = {};

function post(path: string, fields: Record<string, string>, cookie = "") {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, cookie },
    body: new URLSearchParams(fields).toString(),
  });
}

async function signIn(): Promise<string> {
  const res = await post("/admin/sign-in", { token: env.ADMIN_TOKEN });
  expect(res.status).toBe(303);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

const sourceRows = async () =>
  (await env.DB.prepare("SELECT slug, feed_url, homepage FROM sources ORDER BY slug").all()).results;

beforeEach(async () => {
  upstream = {};
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
    env.DB.prepare("DELETE FROM console_signin_failures"),
  ]);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const route = upstream[new Request(input as RequestInfo, init as RequestInit).url];
    if (!route) return new Response("not found", { status: 404 });
    return new Response(bytes(route[0]), { headers: { "content-type": route[1] } });
  });
});
afterEach(() => vi.restoreAllMocks());

describe("adding a source in the console", () => {
  it("a site's address: the chosen feed among those advertised, its title, encoding, five items in +08:00", async () => {
    const site = "https://www.longsheng.example.org/";
    upstream[site] = ["site-with-feeds.html", "text/html; charset=utf-8"];
    upstream["https://www.longsheng.example.org/broken-feed.xml"] = ["site-without-feeds.html", "text/html"];
    upstream["https://www.longsheng.example.org/feeds/rss.xml"] = ["rss20.xml", "application/rss+xml"];
    upstream["https://www.longsheng.example.org/feeds/feed.json"] = ["jsonfeed11.json", "application/feed+json"];
    const cookie = await signIn();
    const res = await post("/admin/new", { address: site, name: "龙胜新闻", slug: "", action: "preview" }, cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<code>https://www.longsheng.example.org/feeds/rss.xml</code>");
    expect(html).toContain("它还提供了 2 个");
    expect(html).toContain('<code class="detail">https://www.longsheng.example.org/feeds/feed.json</code>');
    expect(html).toContain("<dt>标题</dt><dd>桂林新闻网（示例）</dd>");
    // rss20.xml says encoding="UTF-8" in its declaration; the header names no charset.
    expect(html).toContain("<dt>编码</dt><dd>UTF-8（XML 声明）</dd>");
    const dates = [...html.matchAll(/<span class="date">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.length).toBeLessThanOrEqual(5);
    for (const d of dates) expect(d).toMatch(/^(\d{4}-\d\d-\d\d \d\d:\d\d（\+08:00）|无日期)$/);
    // The name is Chinese: the slug comes from the host, without "www." and the last label.
    expect(html).toMatch(/id="n-slug" name="slug" type="text" value="longsheng-example"/);
    expect(await sourceRows()).toEqual([]);

    const saved = await post(
      "/admin/new",
      { address: site, name: "龙胜新闻", slug: "longsheng-example", action: "save" },
      cookie,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/admin/sources/longsheng-example");
    expect(await sourceRows()).toEqual([
      { slug: "longsheng-example", feed_url: "https://www.longsheng.example.org/feeds/rss.xml", homepage: site },
    ]);

    // The same slug again: said plainly, nothing stored.
    const taken = await post(
      "/admin/new",
      { address: site, name: "龙胜新闻", slug: "longsheng-example", action: "save" },
      cookie,
    );
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("标识“longsheng-example”已被其他来源使用，请换一个。");
    expect(await sourceRows()).toHaveLength(1);
  });

  it("shows the encoding and where it was found: the header's GBK, the declaration's, or sniffed from the bytes", async () => {
    upstream["https://gbk.example.com/header"] = ["gbk.xml", "application/rss+xml; charset=gbk"];
    upstream["https://gbk.example.com/decl"] = ["gbk.xml", "application/rss+xml"];
    upstream["https://gbk.example.com/none"] = ["gbk-unlabelled.xml", "application/rss+xml"];
    const cookie = await signIn();
    const preview = async (address: string) =>
      (await post("/admin/new", { address, name: "", slug: "", action: "preview" }, cookie)).text();
    const header = await preview("https://gbk.example.com/header");
    expect(header).toContain("<dt>标题</dt><dd>桂林晚报（示例）</dd>");
    expect(header).toContain("<dd>GB18030（HTTP 响应头 Content-Type）</dd>");
    expect(header).toContain("桂林漓江沿岸新增三处亲水步道");
    expect(await preview("https://gbk.example.com/decl")).toContain("<dd>GB18030（XML 声明）</dd>");
    const sniffed = await preview("https://gbk.example.com/none");
    expect(sniffed).toContain("<dd>GB18030（未声明，按内容识别）</dd>");
    expect(sniffed).toContain("<dt>标题</dt><dd>灌阳新闻</dd>");
    // The API's dry run answers the same two facts.
    const api = await SELF.fetch(`${BASE}/api/v1/sources/dry-run`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "桂林晚报", feed_url: "https://gbk.example.com/header" }),
    });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({
      title: "桂林晚报（示例）",
      encoding: { encoding: "gb18030", by: "content-type" },
    });
    expect(await sourceRows()).toEqual([]);
  });

  it("an address that is neither a feed nor a page advertising one: the preview says so, no save button, nothing saved", async () => {
    upstream["https://plain.example.org/"] = ["site-without-feeds.html", "text/html"];
    const cookie = await signIn();
    const res = await post(
      "/admin/new",
      { address: "https://plain.example.org/", name: "某网站", slug: "plain", action: "save" },
      cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("该地址既不是订阅源，也不是提供订阅源的网页，未保存。");
    expect(html).toContain("未声明订阅源");
    expect(html).not.toContain('value="save"');
    expect(await sourceRows()).toEqual([]);
  });

  it("an address that cannot be read: the error in Chinese with the technical detail beside it", async () => {
    const cookie = await signIn();
    const res = await post(
      "/admin/new",
      { address: "https://gone.example.org/rss.xml", name: "", slug: "", action: "preview" },
      cookie,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("无法预览，未保存：");
    expect(html).toMatch(/订阅地址不存在（已删除或已移动）<code class="detail">HTTP 404/);
    expect(await sourceRows()).toEqual([]);
  });
});
