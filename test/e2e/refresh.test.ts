// The cron refresh end to end: a real local HTTP upstream, `wrangler dev --test-scheduled`, the
// admin API to add the source, /__scheduled to fire the cron, pages and feeds to read the result.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "../../scripts/sample-upstream.mjs";
import { ROOT, type DevServer, freshPersistDir, migrate, startDev } from "./server";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "upstream-"));
let upstream: { url: string; close(): Promise<void> };
let site: DevServer;

beforeAll(async () => {
  copyFileSync(join(ROOT, "samples/upstream/lingchuan.xml"), join(dir, "feed.xml"));
  upstream = await startUpstream(dir, 0);
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN, MEMORY_CACHE_MB: "0" });
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

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function health(slug: string) {
  const { sources } = (await (await fetch(`${site.url}/api/v1/sources/health`)).json()) as {
    sources: Record<string, unknown>[];
  };
  return sources.find((s) => s.slug === slug);
}

describe("refresh through the cron, from a real upstream", () => {
  it("adds articles, writes nothing the second time, and updates an edited item in place", async () => {
    const created = await admin("POST", "/api/v1/sources", {
      slug: "lingchuanribao",
      name: "灵川日报",
      label: "灵川日报新闻",
      feed_url: `${upstream.url}/feed.xml`,
    });
    expect(created.status).toBe(201);

    expect((await cron()).status).toBe(200);
    const first = await waitFor(async () => {
      const h = await health("lingchuanribao");
      return h?.last_result ? h : undefined;
    }, "the first refresh");
    expect(first).toMatchObject({ last_result: "200", last_counts: { new: 3, updated: 0, unchanged: 0 } });

    const page = await (await fetch(`${site.url}/category/lingchuanribao.html`)).text();
    expect(page).toContain("灵川县城至大圩古镇公交加密班次");
    const feed = (await (await fetch(`${site.url}/category/lingchuanribao/feed.json`)).json()) as {
      items: { title: string; url: string; date_published: string }[];
    };
    expect(feed.items.map((i) => i.title)).toContain("三街镇中心小学新建图书室投入使用");
    expect(feed.items[0]!.date_published).toBe("2025-11-20T08:10:00+08:00");
    const articleUrl = feed.items.find((i) => i.title.startsWith("灵川县城"))!.url;

    // Again: the upstream answers 304 to our validators; nothing is written.
    const again = (await (await admin("POST", "/api/v1/sources/lingchuanribao/refresh")).json()) as Record<
      string,
      unknown
    >;
    expect(again).toMatchObject({ status: "304", new: 0, updated: 0 });

    // An edit upstream: the same item, a new title, updated under the same permalink.
    const xml = readFileSync(join(dir, "feed.xml"), "utf8").replace(
      "灵川县城至大圩古镇公交加密班次",
      "灵川县城至大圩古镇公交再次加密班次",
    );
    writeFileSync(join(dir, "feed.xml"), xml);
    const edited = (await (await admin("POST", "/api/v1/sources/lingchuanribao/refresh")).json()) as Record<
      string,
      unknown
    >;
    expect(edited).toMatchObject({ status: "200", new: 0, updated: 1, unchanged: 2 });
    const path = new URL(articleUrl).pathname;
    const article = await fetch(`${site.url}${path}`);
    expect(article.status).toBe(200);
    expect(await article.text()).toContain("<h1>灵川县城至大圩古镇公交再次加密班次</h1>");
    const listing = await (await fetch(`${site.url}/category/lingchuanribao.html`)).text();
    expect(listing.match(/<article class="summary">/g)).toHaveLength(3);
  });
});
