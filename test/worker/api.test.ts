// API contract tests: every route and parameter (valid, invalid, boundary), the response shapes
// against the schemas the OpenAPI document is made from, and search on Chinese text.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import * as z from "zod/mini";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";
import { ARTICLE, ARTICLE_LIST, CATEGORY, TAG } from "../../src/web/api-responses";

const samples = inject("samplePosts");
const BASE = "https://news.test";
const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
type Item = z.infer<typeof ARTICLE>;
type List = z.infer<typeof ARTICLE_LIST>;
const list = async (query: string): Promise<List> => {
  const res = await get(`/api/v1/articles${query}`);
  expect(res.status, query).toBe(200);
  const body = await res.json();
  expect(z.safeParse(ARTICLE_LIST, body).success).toBe(true);
  return body as List;
};

const post = (
  name: string,
  title: string,
  body: string,
  date: string,
  cat = "guilinwanbao",
  tags = "桂林晚报新闻",
) => ({
  name,
  text: `---\ntitle: "${title}"\ndate: ${date} +0800\ncategories: ${cat}\ntags: [${tags}]\n---\n<p>${body}</p>\n`,
});

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
  ]);
  const extra = [
    post("s1.txt", "漓江边的社区服务站", "居民在家门口办理社保，Hono 框架驱动的系统上线。", "2025-12-01 09:00:00"),
    post("s2.txt", "桂林米粉节开幕", "来自全国的米粉师傅齐聚七星区，5G网络直播全程。", "2025-12-02 10:00:00"),
    post("s3.txt", "充分就业社区再添一家", "一条关于充分就业的新闻。", "2025-12-03 11:00:00"),
    post(
      "s4.txt",
      '特殊字符 \\"NEAR\\" (测试) * 标题',
      '正文里有 \\"引号\\" 和 NEAR(x y) 以及 * 号。',
      "2025-12-04 12:00:00",
    ),
    // Hostile markup beside markup the allowlist keeps (older than the rest: it leads no listing).
    post(
      "s5.txt",
      "接口正文净化",
      '<strong>保留加粗</strong><script>alert(1)</script><a href="https://www.example.org/x" onclick="alert(2)">链接</a><img src="https://img.example.com/p.jpg" onerror="alert(3)" alt="图">',
      "2020-01-01 08:00:00",
    ),
  ];
  const s = await importPosts(d1Runner(env.DB), [...samples, ...extra], { timeZone: "Asia/Shanghai", now: Date.now() });
  expect(s.rejected).toEqual([]);
});

describe("GET /api/v1/articles", () => {
  it("lists 20 newest with every documented field and RFC 3339 dates carrying +08:00", async () => {
    const body = await list("");
    expect(body.items).toHaveLength(20);
    for (const item of body.items) {
      expect(item.published_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(item.url).toBe(
        `${BASE}/${item.category}/${item.published_at.slice(0, 10).replace(/-/g, "/")}/${item.id}.html`,
      );
      expect(item.content_html).toBeUndefined();
    }
    expect(body.next_cursor).toEqual(expect.any(String));
  });

  it("pages with next_cursor through every article exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: List = await list(`?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(samples.length + 5);
  });

  it("filters by category, tag, since and until, and combines them", async () => {
    const cat = await list("?category=lijiangribao&limit=100");
    expect(cat.items.length).toBe(10);
    expect(cat.items.every((i) => i.category === "lijiangribao")).toBe(true);
    const tag = await list(`?tag=${encodeURIComponent("就业")}&limit=100`);
    expect(tag.items.length).toBeGreaterThan(0);
    expect(tag.items.every((i) => i.tags.includes("就业"))).toBe(true);
    const window = await list(
      `?since=${encodeURIComponent("2025-12-02T00:00:00+08:00")}&until=${encodeURIComponent("2025-12-04T00:00:00+08:00")}`,
    );
    expect(window.items.map((i) => i.title)).toEqual(["充分就业社区再添一家", "桂林米粉节开幕"]);
    const both = await list(`?category=guilinwanbao&since=${encodeURIComponent("2025-12-01T00:00:00Z")}&limit=100`);
    expect(both.items).toHaveLength(4);
  });

  it("includes content_html when asked", async () => {
    const body = await list("?include=content&limit=2");
    expect(body.items.every((i) => typeof i.content_html === "string" && i.content_html.startsWith("<p>"))).toBe(true);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=-1", "limit"],
    ["limit=1.5", "limit"],
    ["since=yesterday", "since"],
    ["until=2025-13-01T00:00:00Z", "until"],
    ["since=2025-12-01", "since"],
    ["cursor=bogus", "cursor"],
    ["category=No%20Such", "category"],
    ["category=nosuch", "category"],
    ["include=everything", "include"],
    ["q=%2A%2A%2A", "q"],
    [`q=${"长".repeat(101)}`, "q"],
    ["since=2025-12-03T00:00:00Z&until=2025-12-01T00:00:00Z", "until"],
  ])("?%s → 400 problem naming %s", async (query, field) => {
    const res = await get(`/api/v1/articles?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const p = (await res.json()) as { status: number; detail: string; errors: { field: string; reason: string }[] };
    expect(p.status).toBe(400);
    expect(p.errors.map((e) => e.field)).toContain(field);
    expect(p.detail).toContain(field);
  });

  it("answers boundary limits 1 and 100", async () => {
    expect((await list("?limit=1")).items).toHaveLength(1);
    expect((await list("?limit=100")).items).toHaveLength(samples.length + 5);
  });
});

describe("GET /api/v1/articles/<id>", () => {
  it("returns the article with its sanitized body: script and on* handlers removed, allowed markup kept", async () => {
    const listed = (await list("?limit=100")).items.find((i) => i.title === "接口正文净化");
    const res = await get(`/api/v1/articles/${listed!.id}`);
    expect(res.status).toBe(200);
    const item = (await res.json()) as Item;
    expect(z.safeParse(ARTICLE, item).success).toBe(true);
    expect(item.id).toBe(listed!.id);
    const body = item.content_html!;
    expect(body).not.toMatch(/<script|\son\w+=|alert\(/i);
    expect(body).toContain("<p><strong>保留加粗</strong>");
    expect(body).toContain('<a href="https://www.example.org/x" rel="noopener noreferrer">链接</a>');
    expect(body).toMatch(/<img src="https:\/\/img\.example\.com\/p\.jpg" alt="图"[^>]*>/);
  });

  it.each(["0000000000000000", "nothex", "x".repeat(300)])("is a 404 problem for %s", async (id) => {
    const res = await get(`/api/v1/articles/${id}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});

describe("GET /api/v1/categories and /api/v1/tags", () => {
  it("lists categories with counts and latest update", async () => {
    const body = (await (await get("/api/v1/categories")).json()) as { items: z.infer<typeof CATEGORY>[] };
    expect(body.items.every((c) => z.safeParse(CATEGORY, c).success)).toBe(true);
    const lj = body.items.find((c) => c.slug === "lijiangribao")!;
    expect(lj).toMatchObject({ name: "漓江日报", article_count: 10, url: `${BASE}/category/lijiangribao.html` });
    expect(lj.latest_update).toMatch(/\+08:00$/);
  });

  it("lists tags with counts, most used first", async () => {
    const body = (await (await get("/api/v1/tags")).json()) as { items: z.infer<typeof TAG>[] };
    expect(body.items.every((t) => z.safeParse(TAG, t).success)).toBe(true);
    const counts = body.items.map((t) => t.article_count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(body.items.find((t) => t.name === "就业")!.article_count).toBeGreaterThan(0);
  });
});

describe("HTTP behaviour of the API", () => {
  it("allows cross-origin GETs and answers 304 to a matching ETag", async () => {
    const res = await get("/api/v1/articles?limit=3", { Origin: "https://reader.example" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const tag = res.headers.get("etag")!;
    expect(tag).toBeTruthy();
    expect((await get("/api/v1/articles?limit=3", { "If-None-Match": tag })).status).toBe(304);
    const preflight = await SELF.fetch(`${BASE}/api/v1/articles`, {
      method: "OPTIONS",
      headers: { Origin: "https://reader.example", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(
      (await get("/api/v1/sources", { Origin: "https://reader.example" })).headers.get("access-control-allow-origin"),
    ).toBeNull();
  });
});

describe("search", () => {
  const titles = async (q: string) => (await list(`?q=${encodeURIComponent(q)}&limit=100`)).items.map((i) => i.title);

  it.each([
    ["就业", 2],
    ["社区", 2],
    ["交通", 2],
    ["旅游", 2],
    ["学校", 2], // two characters
    ["米粉节", 3],
    ["服务站", 3], // three
    ["充分就业", 4],
    ["社区服务", 4], // four
  ])("finds the %s-word %s", async (q) => {
    const found = await titles(q);
    expect(found.length).toBeGreaterThan(0);
    // Every hit really contains the word, in its title or text.
    const items = (await list(`?q=${encodeURIComponent(q)}&limit=100&include=content`)).items;
    expect(items.every((i) => `${i.title}${i.content_html}${i.tags.join("")}`.includes(q))).toBe(true);
  });

  it("finds English and mixed words, and several words at once", async () => {
    expect(await titles("hono")).toEqual(["漓江边的社区服务站"]);
    expect(await titles("HONO")).toEqual(["漓江边的社区服务站"]);
    expect(await titles("5G网络")).toContain("桂林米粉节开幕");
    expect(await titles("米粉 直播")).toContain("桂林米粉节开幕");
    expect(await titles("米粉 直播 七星区")).toEqual(["桂林米粉节开幕"]);
    expect(await titles("5g网络 米粉")).toEqual(["桂林米粉节开幕"]);
    expect(await titles("米粉 社保")).toEqual([]);
  });

  it("finds nothing for absent words", async () => {
    expect(await titles("火星基地")).toEqual([]);
    expect(await titles("kubernetes")).toEqual([]);
  });

  it("answers a single character, bounded", async () => {
    const found = await titles("粉");
    expect(found).toContain("桂林米粉节开幕");
  });

  it("treats FTS syntax as text, never as an error", async () => {
    for (const q of ['"NEAR"', "NEAR(x y)", "* 号", '"引号"', "(测试)", "AND OR NOT", "社区*", '"']) {
      const res = await get(`/api/v1/articles?q=${encodeURIComponent(q)}`);
      expect([200, 400], q).toContain(res.status);
      if (q !== '"') expect(res.status, q).toBe(200);
    }
    expect(await titles("NEAR(x y)")).toEqual(['特殊字符 "NEAR" (测试) * 标题']);
  });

  it("is newest first and pages without gaps", async () => {
    const all = (await list(`?q=${encodeURIComponent("社区")}&limit=100`)).items;
    const dates = all.map((i) => Date.parse(i.published_at));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: List = await list(
        `?q=${encodeURIComponent("社区")}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(all.map((i) => i.id));
  });

  it("keeps the index in sync: an updated article is found by its new text, not its old; a deleted one is gone", async () => {
    await importPosts(
      d1Runner(env.DB),
      [post("s2.txt", "桂林米粉节闭幕", "师傅们告别七星区，下届再会。", "2025-12-02 10:00:00")],
      { timeZone: "Asia/Shanghai", now: Date.now() },
    );
    expect(await titles("闭幕")).toEqual(["桂林米粉节闭幕"]);
    expect(await titles("5G网络")).not.toContain("桂林米粉节闭幕");
    expect(await titles("5G网络")).not.toContain("桂林米粉节开幕");
    const before = (await titles("漓江")).length;
    expect(before).toBeGreaterThan(0);
    const token = env.ADMIN_TOKEN;
    const res = await SELF.fetch(`${BASE}/api/v1/sources/lijiangribao`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    const after = await list(`?q=${encodeURIComponent("漓江")}&limit=100`);
    expect(after.items.every((i) => i.category !== "lijiangribao")).toBe(true);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM search_index").first<{ n: number }>())!.n).toBe(
      (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n,
    );
  });
});

describe("query plans", () => {
  // The listing columns carry a small per-row subquery (tags in order) with its own sort; the
  // plans are read with plain columns so any sort or scan shown is the listing's own.
  it("answers hot-path queries from indexes, never a scan of articles, never a sort", async () => {
    const { listStatement } = await import("../../src/db/articles");
    const plans: string[] = [];
    const source = {
      id: 1,
      slug: "guilinwanbao",
      name: "",
      label: "",
      homepage: null,
      feedUrl: null,
      timezone: "Asia/Shanghai",
      enabled: true,
      intervalMinutes: 15,
    };
    for (const stmt of [
      listStatement({ kind: "all" }, { limit: 20 }, "a.id, a.title"),
      listStatement({ kind: "source", source }, { limit: 20 }, "a.id, a.title"),
      listStatement({ kind: "tag", tag: "就业" }, { limit: 20 }, "a.id, a.title"),
      listStatement({ kind: "search", query: "就业", match: '"就业"' }, { limit: 20 }, "a.id, a.title"),
      listStatement(
        { kind: "all" },
        { limit: 20, filters: { sourceId: 1, sinceMs: 0, untilMs: 2e12 } },
        "a.id, a.title",
      ),
    ]) {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${stmt.sql}`)
        .bind(...stmt.params)
        .all<{ detail: string }>();
      const detail = results.map((r) => r.detail).join(" | ");
      plans.push(detail);
      expect(detail).not.toMatch(/SCAN a\b|SCAN articles/);
      expect(detail).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
    }
  });
});

describe("API edges", () => {
  it.each(["/api/v1/nope", "/api/v1/articles/extra/path", "/api/v1"])(
    "%s → 404 application/problem+json",
    async (path) => {
      const res = await SELF.fetch(`https://news.test${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as { status: number }).status).toBe(404);
    },
  );

  it("a well-formed cursor never issued is a position: 200 with the articles older than it (here none)", async () => {
    const res = await SELF.fetch("https://news.test/api/v1/articles?cursor=1-0000000000000000");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ items: [], next_cursor: null });
    expect((await SELF.fetch("https://news.test/api/v1/articles?cursor=not-a-cursor")).status).toBe(400);
  });
});
