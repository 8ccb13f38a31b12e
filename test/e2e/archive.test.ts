// The archive tier across a real restart: `wrangler dev` over persisted local state (D1 and the
// ARCHIVE R2 bucket on disk), stopped and started again, so nothing an isolate remembered
// survives. Bodies are archived by the cron, read back byte for byte after the restart (pages,
// the JSON API, feeds), then an article is edited upstream and the edit is what readers see.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "../../scripts/sample-upstream.mjs";
import { ROOT, type DevServer, execFileP, freshPersistDir, migrate, startDev } from "./server";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const SLUG = "lingchuanribao";
const dir = mkdtempSync(join(tmpdir(), "upstream-"));
let upstream: { url: string; close(): Promise<void> };
let persistTo: string;
let site: DevServer | undefined;

// The sample feed's items are dated November 2025: all older than 30 days. One BASE_URL for every
// start (each listens on a new port), so the absolute links in what is compared stay the same.
const start = (archive: boolean) =>
  startDev(persistTo, {
    BASE_URL: "https://news.e2e.test",
    ADMIN_TOKEN: TOKEN,
    MEMORY_CACHE_MB: "0",
    ARCHIVE_AFTER_DAYS: archive ? "30" : "0",
  });

beforeAll(async () => {
  copyFileSync(join(ROOT, "samples/upstream/lingchuan.xml"), join(dir, "feed.xml"));
  upstream = await startUpstream(dir, 0);
  persistTo = freshPersistDir();
  await migrate(persistTo);
});
afterAll(async () => {
  await site?.stop();
  await upstream?.close();
});

const url = (path: string) => `${site!.url}${path}`;
const text = async (path: string) => {
  const res = await fetch(url(path));
  expect(res.status, path).toBe(200);
  return res.text();
};
const admin = (method: string, path: string, body?: unknown) =>
  fetch(url(path), {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const cron = () => fetch(url(`/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`));

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Rows of the local D1 on disk, read with wrangler while no worker runs. */
async function d1(query: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await execFileP(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", query],
    { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", CI: "true" } },
  );
  return (JSON.parse(stdout) as { results: Record<string, unknown>[] }[])[0]!.results;
}

interface ApiArticle {
  id: string;
  url: string;
  content_html: string;
}

/** What readers get: each article's page and API answer, the API listing with bodies, and every
 *  item of the JSON and Atom feeds (feeds are fetched with a `limit` of their own, so a copy the
 *  edge cache kept from an earlier read can never stand in for a render). */
async function readerView(feedLimit: number) {
  const list = JSON.parse(await text(`/api/v1/articles?category=${SLUG}&include=content&limit=50`)) as {
    items: ApiArticle[];
  };
  const view: Record<string, string> = { list: JSON.stringify(list) };
  for (const a of list.items) {
    view[`page ${a.id}`] = await text(new URL(a.url).pathname);
    view[`api ${a.id}`] = await text(`/api/v1/articles/${a.id}`);
  }
  const json = JSON.parse(await text(`/category/${SLUG}/feed.json?limit=${feedLimit}`)) as {
    items: { id: string }[];
  };
  for (const item of json.items) view[`json ${item.id}`] = JSON.stringify(item);
  const atom = await text(`/category/${SLUG}/feed.xml?limit=${feedLimit}`);
  for (const entry of atom.split("<entry>").slice(1)) {
    view[`atom ${/<id>([^<]+)<\/id>/.exec(entry)![1]}`] = entry.replace(/<\/feed>\s*$/, "");
  }
  return { view, ids: list.items.map((a) => a.id) };
}

describe("the archive tier across a restart", () => {
  it("archives by the cron, reads every body back byte-identical after a restart, then shows an edit", async () => {
    // 1. Archive off: the articles arrive, and what readers get is recorded.
    site = await start(false);
    expect(
      (
        await admin("POST", "/api/v1/sources", {
          slug: SLUG,
          name: "灵川日报",
          label: "灵川日报新闻",
          feed_url: `${upstream.url}/feed.xml`,
        })
      ).status,
    ).toBe(201);
    expect((await cron()).status).toBe(200);
    await waitFor(async () => {
      const list = JSON.parse(await text(`/api/v1/articles?category=${SLUG}`)) as { items: unknown[] };
      return list.items.length === 3 ? true : undefined;
    }, "the first refresh");
    const before = await readerView(10);
    expect(before.ids).toHaveLength(3);
    expect(Object.keys(before.view)).toHaveLength(1 + 3 * 4);
    await site.stop();

    // 2. Archive on (30 days): the cron moves the three bodies to R2.
    site = await start(true);
    expect((await cron()).status).toBe(200);
    await waitFor(async () => ((await text("/status")).includes("归档 3 篇") ? true : undefined), "the archive step");
    await site.stop();
    site = undefined;
    const stored = await d1(`SELECT id, content_html, archived_at FROM articles ORDER BY id`);
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      expect(row.content_html).toBe("");
      expect(row.archived_at).toEqual(expect.any(Number));
    }

    // 3. A fresh worker process over the same state: every byte as before the archive.
    site = await start(true);
    const after = await readerView(11);
    expect(after.view).toEqual(before.view);
    expect(await text(`/search?q=${encodeURIComponent("旅游直通车")}`)).toContain("灵川县城至大圩古镇公交加密班次");

    // 4. The paper edits an archived article: the refresh stores the new body and readers see it;
    // the next tick leaves it in D1 (the archive's walk has passed it: the next pass, a day later,
    // archives it again — test/worker/archive.test.ts moves the clock for that).
    const feed = readFileSync(join(dir, "feed.xml"), "utf8");
    writeFileSync(join(dir, "feed.xml"), feed.replace("还将加开旅游直通车", "还将加开夜间旅游专线"));
    const refreshed = (await (await admin("POST", `/api/v1/sources/${SLUG}/refresh`)).json()) as { updated: number };
    expect(refreshed.updated).toBe(1);
    const edited = JSON.parse(await text(`/api/v1/articles?category=${SLUG}&include=content&limit=50`)) as {
      items: ApiArticle[];
    };
    const target = edited.items.find((a) => a.content_html.includes("夜间旅游专线"))!;
    expect(target).toBeDefined();
    // Visitors get the edit when the page cache's copy reaches its max-age; the operator's requests
    // (with the token) bypass that cache and see it at once.
    const fresh = async (path: string) =>
      (await fetch(url(path), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(await fresh(new URL(target.url).pathname)).toContain("还将加开夜间旅游专线");
    expect((await cron()).status).toBe(200);
    await waitFor(async () => ((await text("/status")).includes("归档 0 篇") ? true : undefined), "the next tick");
    const page = await fresh(new URL(target.url).pathname);
    expect(page).toContain("还将加开夜间旅游专线");
    expect(page).not.toContain("还将加开旅游直通车");
    // Three starts of wrangler dev and a database read between them: ~40 s alone, more under load.
  }, 240_000);
});
