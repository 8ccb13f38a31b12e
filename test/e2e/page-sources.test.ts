// Sources without feeds end to end: `wrangler dev --test-scheduled` (HTMLRewriter in workerd) and
// the fixture site served over real HTTP (scripts/sample-upstream.mjs: ETags, 304s; pages sent as
// UTF-8 by the server whatever their bytes, as many servers do). Sources added through the admin
// API, refreshed by the cron, read back through the public API.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "../../scripts/sample-upstream.mjs";
import { ROOT, type DevServer, freshPersistDir, migrate, startDev } from "./server";

const TOKEN = "e2e-admin-token-0123456789abcdef";
let upstream: { url: string; close(): Promise<void> };
let site: DevServer;

beforeAll(async () => {
  upstream = await startUpstream(join(ROOT, "test/fixtures/site"), 0);
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN, HOST_MIN_DELAY_MS: "50" });
});
afterAll(async () => {
  await site?.stop();
  await upstream?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${site.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const cron = () => fetch(`${site.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);

async function health(slug: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const { sources } = (await (await fetch(`${site.url}/api/v1/sources/health`)).json()) as {
      sources: Record<string, unknown>[];
    };
    const h = sources.find((s) => s.slug === slug);
    if (h?.last_result) return h;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${slug} was never refreshed`);
}

interface ApiArticle {
  title: string;
  published_at: string;
  original_url: string | null;
  content_html?: string;
}
const listed = async (slug: string) =>
  (
    (await (await fetch(`${site.url}/api/v1/articles?category=${slug}&include=content&limit=50`)).json()) as {
      items: ApiArticle[];
    }
  ).items;

describe("web-page and JSON API sources through the cron, over real HTTP", () => {
  it("reads the list pages and articles by their rules, and an app's JSON API by its mapping", async () => {
    const html = await admin("POST", "/api/v1/sources", {
      slug: "linguinews",
      name: "临桂新闻网",
      kind: "html",
      feed_url: `${upstream.url}/list.html`,
      rules: {
        list: { links: "ul.news-list li > a", next: "a.next", max_pages: 2 },
        article: { title: "h1.title", date: ".meta .date", body: "div.content", author: ".author" },
      },
    });
    expect(html.status).toBe(201);
    const api = await admin("POST", "/api/v1/sources", {
      slug: "guilinapp",
      name: "桂林晚报客户端",
      kind: "json",
      feed_url: `${upstream.url}/api.json`,
      rules: {
        items: "data.list",
        id: "infoCode",
        title: "title",
        date: "publishTime",
        body: "content",
        link: "shareUrl",
      },
    });
    expect(api.status).toBe(201);

    expect((await cron()).status).toBe(200);
    expect(await health("linguinews")).toMatchObject({ last_result: "200", last_error: null, last_counts: { new: 5 } });
    expect(await health("guilinapp")).toMatchObject({ last_result: "200", last_counts: { new: 2 } });

    const pages = await listed("linguinews");
    expect(pages.map((a) => a.title)).toEqual([
      "临桂区新建两座口袋公园",
      "临桂区中小学开展消防演练",
      "会仙湿地迎来越冬候鸟",
      "临桂米粉节吸引上万名游客",
      "一篇带有危险代码的稿件 & 测试",
    ]);
    expect(pages[0]!.published_at).toBe("2025-11-20T08:10:00+08:00");
    expect(pages[1]!.content_html).toContain("镕（GBK 才有的字）"); // GBK bytes behind a UTF-8 header
    expect(pages[2]!.published_at).toBe("2025-11-18T09:05:00+08:00");
    expect(pages[3]!.content_html).toContain(`src="${upstream.url}/images/rice-noodle.jpg"`);
    expect(pages[4]!.content_html).not.toMatch(/<script|<iframe|onclick|javascript:/);
    expect(pages[0]!.original_url).toBe(`${upstream.url}/news/a1.html`);

    const app = await listed("guilinapp");
    expect(app.map((a) => [a.title, a.published_at])).toEqual([
      ["桂林至阳朔旅游专线开通夜班车", "2025-11-21T09:00:00+08:00"],
      ["七星区开展冬季用电安全检查", "2025-11-20T15:30:00+08:00"],
    ]);

    // The article page carries the attribution: the paper's name and the original article.
    const article = (await (await fetch(`${site.url}/api/v1/articles?category=linguinews&limit=1`)).json()) as {
      items: { url: string }[];
    };
    const page = await (await fetch(article.items[0]!.url)).text();
    expect(page).toContain("临桂新闻网");
    expect(page).toContain(`${upstream.url}/news/a1.html`);
  });
});
