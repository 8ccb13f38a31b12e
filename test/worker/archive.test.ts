// The archive tier on a real local D1 and a real local R2 bucket (Miniflare's, the ARCHIVE
// binding of wrangler.toml): the cron's archive step, readers of archived bodies (page, API,
// feeds, search), an edit by a later refresh, the per-tick bound, R2 failures and the missing
// binding. A restart of the worker over its persisted state is test/e2e/archive.test.ts.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type ArchiveBucket, READ_CONCURRENCY, bodyKey, withBodies } from "../../src/archive/bodies";
import { archiveTick } from "../../src/archive/tick";
import { archiveProblem, parseConfig } from "../../src/config";
import { archiveWindow, getArchiveState, getArchiveSweep } from "../../src/db/archive";
import { getArticle } from "../../src/db/articles";
import { getSourceWithState } from "../../src/db/sources";
import { d1Runner } from "../../src/db/sql";
import type { RefreshDeps } from "../../src/ingest/gather";
import { refreshSource } from "../../src/ingest/refresh";
import { StatusPage } from "../../src/render/pages/status";
import { resetIsolateState } from "../../src/state";
import { evictPage } from "../../src/web/cached-page";
import { evictFeed } from "../../src/web/feeds";

const BASE = "https://news.test";
const db = d1Runner(env.DB);
const DAY = 86_400_000;
const NOW = Date.now();
const archiveConfig = (vars: Record<string, string> = {}, bucket: unknown = env.ARCHIVE) =>
  parseConfig({ ARCHIVE_AFTER_DAYS: "30", ARCHIVE_MAX_PER_TICK: "100", ...vars, ARCHIVE: bucket }, BASE);
/** The cron's clock: the archive walks the articles in passes, and a new pass begins once the last
 *  one reached the cutoff and a day has passed (src/archive/tick.ts); `aDayLater` moves it on. */
let clock = NOW;
const aDayLater = () => {
  clock += DAY + 1;
};
const tick = (vars: Record<string, string> = {}, bucket: ArchiveBucket | null = env.ARCHIVE, now = clock) =>
  archiveTick({ db, bucket, now: () => now, log: () => undefined }, archiveConfig(vars, bucket));

/** An upstream feed of `old` items dated a year back and `recent` items from yesterday; each body
 *  has markup, entities, Chinese text and a word found only there. */
interface Item {
  guid: string;
  title: string;
  date: Date;
  body: string;
}
const feeds = new Map<string, Item[]>();
function makeItems(slug: string, old: number, recent: number): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < old + recent; i++) {
    items.push({
      guid: `${slug}-${i}`,
      title: `${slug} 第${i}条新闻`,
      date: new Date(i < old ? NOW - 365 * DAY + i * 60_000 : NOW - DAY + i * 60_000),
      body: `<p>漓江边的第${i}篇报道：山水&amp;人家 <b>重点</b> “引号” 正文独有词${slug}甲${i}乙。</p><p><a href="https://example.com/${i}">原文</a></p>`,
    });
  }
  return items;
}
const rss = (slug: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>${slug}</title><link>https://${slug}.example.com/</link><description>d</description>
${feeds
  .get(slug)!
  .map(
    (i) => `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://${slug}.example.com/${i.guid}</link>
<pubDate>${i.date.toUTCString()}</pubDate><description>摘要${i.title}</description>
<content:encoded><![CDATA[${i.body}]]></content:encoded></item>`,
  )
  .join("\n")}
</channel></rss>`;

const upstream: typeof fetch = async (input) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const slug = url.hostname.split(".")[0]!;
  if (!feeds.has(slug)) return new Response("not found", { status: 404 });
  return new Response(rss(slug), { headers: { "content-type": "application/rss+xml" } });
};
const deps = (): RefreshDeps => ({
  db,
  fetch: upstream,
  now: () => Date.now(),
  limits: { userAgent: "edge-news-test", timeoutMs: 2000, maxBytes: 1024 * 1024, maxRedirects: 3 },
  log: () => undefined,
});

async function addSource(slug: string, old: number, recent: number) {
  feeds.set(slug, makeItems(slug, old, recent));
  await env.DB.prepare(
    "INSERT INTO sources (slug, name, label, feed_url, timezone, created_at) VALUES (?1, ?2, ?3, ?4, 'Asia/Shanghai', 0)",
  )
    .bind(slug, `${slug}报`, `${slug}新闻`, `https://${slug}.example.com/feed.xml`)
    .run();
  await refresh(slug);
}
async function refresh(slug: string) {
  const outcome = await refreshSource(deps(), (await getSourceWithState(db, slug))!);
  expect(outcome.status).not.toBe("error");
  return outcome;
}

interface Row {
  id: string;
  path_date: string;
  published_at: number;
  content_html: string;
  content_hash: string;
  archived_at: number | null;
}
const rows = (slug: string) =>
  db.all<Row>({
    sql: `SELECT a.id, a.path_date, a.published_at, a.content_html, a.content_hash, a.archived_at FROM articles a
          JOIN sources s ON s.id = a.source_id WHERE s.slug = ?1 ORDER BY a.published_at`,
    params: [slug],
  });
const get = (path: string) => SELF.fetch(`${BASE}${path}`);
/** A page read after D1 or R2 changed underneath it: the page cache's copy (memory and edge) is
 *  dropped first, as its max-age passing would. */
const fresh = async (path: string) => {
  await evictPage(`${BASE}${path}`);
  return get(path);
};
const pagePath = (slug: string, r: Row) => `/${slug}/${r.path_date}/${r.id}.html`;

/** Everything a reader sees of a source's articles: each page and API answer, and its feeds. */
async function readerView(slug: string, list: readonly Row[]) {
  resetIsolateState();
  const out: Record<string, string> = {};
  for (const r of list) {
    for (const path of [pagePath(slug, r), `/api/v1/articles/${r.id}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      out[path] = await res.text();
    }
  }
  for (const path of [
    `/category/${slug}/feed.json?limit=50`,
    `/category/${slug}/feed.xml?limit=50`,
    `/category/${slug}/rss.xml?limit=50`,
    `/api/v1/articles?category=${slug}&include=content&limit=50`,
  ]) {
    // Rendered now, never the cached copy of an earlier read.
    await evictFeed(`${BASE}${path}`, "reader");
    const res = await get(path);
    expect(res.status, path).toBe(200);
    out[path] = await res.text();
  }
  return out;
}

describe("the archive step", () => {
  beforeAll(async () => {
    await addSource("guilin", 8, 2);
  });

  it("moves old bodies to R2 at most ARCHIVE_MAX_PER_TICK a tick, and resumes where it stopped", async () => {
    const before = await rows("guilin");
    const view = await readerView("guilin", before);
    expect(before.every((r) => r.content_html.includes("正文独有词") && r.archived_at === null)).toBe(true);

    const lastRowid = async () =>
      (await db.all<{ r: number }>({ sql: "SELECT max(rowid) AS r FROM articles", params: [] }))[0]!.r;
    const topBefore = await lastRowid();
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push((await tick({ ARCHIVE_MAX_PER_TICK: "3" })).archived);
    expect(counts).toEqual([3, 3, 2, 0]);

    const after = await rows("guilin");
    const old = after.filter((r) => r.published_at < NOW - 30 * DAY);
    expect(old).toHaveLength(8);
    for (const r of old) {
      expect(r.archived_at).toBe(NOW);
      expect(r.content_html).toBe("");
      const original = before.find((b) => b.id === r.id)!;
      const object = await env.ARCHIVE.get(bodyKey(r.id));
      expect(await object!.text()).toBe(original.content_html);
      expect(object!.customMetadata).toEqual({ format: "1", version: original.content_hash });
      expect(r.content_hash).toBe(original.content_hash);
    }
    // Each archived row moved past the table's end, so its old page can be freed and reused
    // (emptied in place, SQLite would keep that page allocated for good: bench:archive).
    const moved = await db.all<{ r: number }>({
      sql: "SELECT rowid AS r FROM articles WHERE id IN (SELECT value FROM json_each(?1))",
      params: [JSON.stringify(old.map((r) => r.id))],
    });
    expect(moved.every((m) => m.r > topBefore)).toBe(true);
    // The two recent ones keep their bodies in D1.
    expect(after.filter((r) => r.archived_at === null).map((r) => r.content_html.length > 0)).toEqual([true, true]);
    expect((await getArchiveState(db))?.lastError).toBeNull();

    // Pages, the API and feeds read the archived bodies back: every byte as before.
    expect(await readerView("guilin", before)).toEqual(view);
  });

  it("finds archived articles by words only their bodies contain", async () => {
    const archived = (await rows("guilin")).find((r) => r.archived_at !== null)!;
    const i = Number((await getArticle(db, archived.id))!.guid.split("-")[1]);
    const res = await get(`/search?q=${encodeURIComponent(`guilin甲${i}乙`)}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain(pagePath("guilin", archived));
    // The excerpt is cut from the body read back from R2.
    expect(html).toContain("漓江边的");
  });

  it("an edit by a later refresh puts the new body in D1, and readers see it", async () => {
    const target = (await rows("guilin"))[0]!;
    expect(target.archived_at).not.toBeNull();
    const items = feeds.get("guilin")!;
    items[0] = { ...items[0]!, body: "<p>更正：漓江边的第0篇报道已更新。</p>" };
    expect((await refresh("guilin")).updated).toBe(1);

    const edited = (await rows("guilin")).find((r) => r.id === target.id)!;
    expect(edited.archived_at).toBeNull();
    expect(edited.content_html).toBe("<p>更正：漓江边的第0篇报道已更新。</p>");
    resetIsolateState();
    expect(await (await fresh(pagePath("guilin", target))).text()).toContain("更正：漓江边的第0篇报道已更新。");

    // The walk has passed it: the new body stays in D1 until the next pass, a day later, which
    // archives it over the old object; readers see the edit throughout.
    expect((await tick()).archived).toBe(0);
    expect((await rows("guilin")).find((r) => r.id === target.id)!.content_html).toBe(edited.content_html);
    aDayLater();
    expect((await tick()).archived).toBe(1);
    expect(await (await env.ARCHIVE.get(bodyKey(target.id)))!.text()).toBe(edited.content_html);
    const api = (await (await get(`/api/v1/articles/${target.id}`)).json()) as { content_html: string };
    expect(api.content_html).toBe(edited.content_html);
  });

  it("an old item stored after the walk passed its date is archived by the next pass", async () => {
    const items = feeds.get("guilin")!;
    items.push({
      guid: "guilin-late",
      title: "guilin 迟到的旧闻",
      date: new Date(NOW - 365 * DAY + 30_000),
      body: "<p>漓江边的迟到旧闻：正文独有词guilin迟到。</p>",
    });
    expect((await refresh("guilin")).new).toBe(1);
    expect((await tick()).archived).toBe(0);
    // The only old article of the source still holding its body is the late one.
    const pending = (await rows("guilin")).filter((r) => r.archived_at === null && r.published_at < NOW - 30 * DAY);
    expect(pending.map((r) => r.content_html)).toEqual(["<p>漓江边的迟到旧闻：正文独有词guilin迟到。</p>"]);
    const stored = pending[0]!;
    aDayLater();
    expect((await tick()).archived).toBe(1);
    const row = (await rows("guilin")).find((r) => r.id === stored.id)!;
    expect(row).toMatchObject({ archived_at: clock, content_html: "" });
    resetIsolateState();
    expect(await (await fresh(pagePath("guilin", row))).text()).toContain("漓江边的迟到旧闻");
  });

  it("a tick examines a bounded window of articles and records where it stopped", async () => {
    const cutoff = clock - 30 * DAY;
    const all = await db.all<{ r: number }>({
      sql: "SELECT search_rowid AS r FROM articles WHERE published_at < ?1 ORDER BY search_rowid",
      params: [cutoff],
    });
    expect(all.length).toBeGreaterThan(3);
    // Everything old is archived: a window of 3 finds nothing to do, ends at the third article,
    // and has not reached the cutoff; the next window starts after it.
    const first = await archiveWindow(db, null, cutoff, 3, 100);
    expect(first).toEqual({ candidates: [], end: all[2]!.r, reachedCutoff: false });
    const next = await archiveWindow(db, first.end, cutoff, 3, 100);
    expect(next.end).toBe(all[5]?.r ?? all.at(-1)!.r);
    // What a window reads is bounded by its size, however many articles lie beyond it: D1's
    // rows_read of its two statements (index entries and their rows).
    const readOf = async (scan: number) => {
      let read = 0;
      const counted = d1Runner({
        prepare: (q: string) => env.DB.prepare(q),
        batch: async (stmts: D1PreparedStatement[]) => {
          const results = await env.DB.batch(stmts);
          for (const r of results) read += r.meta.rows_read ?? 0;
          return results;
        },
      } as unknown as D1Database);
      await archiveWindow(counted, null, cutoff, scan, 100);
      return read;
    };
    // Four per article examined (the window's index entries in each of its two statements, and
    // the rows), whatever lies beyond the window.
    expect(await readOf(3)).toBeLessThanOrEqual(4 * 3);
    expect(await readOf(6)).toBeLessThanOrEqual(4 * 6);
    // The tick's cursor is recorded with its run: a later tick resumes from there.
    expect((await getArchiveSweep(db)).startedAt).toBe(clock);
  });
});

describe("failures", () => {
  beforeAll(async () => {
    await addSource("lingui", 5, 0);
  });

  it("a body R2 refuses stays in D1, the failure is recorded, and the next tick archives it", async () => {
    aDayLater();
    const [refused] = await rows("lingui");
    const failing: ArchiveBucket = {
      get: (key) => env.ARCHIVE.get(key),
      put: async (key, value, options) => {
        if (key === bodyKey(refused!.id)) throw new Error("R2 unavailable (test)");
        return env.ARCHIVE.put(key, value, options);
      },
    };
    const outcome = await tick({}, failing);
    expect(outcome).toMatchObject({ archived: 4, failed: 1 });
    const kept = (await rows("lingui")).find((r) => r.id === refused!.id)!;
    expect(kept).toMatchObject({ archived_at: null, content_html: refused!.content_html });
    expect((await getArchiveState(db))?.lastError).toContain("R2 unavailable (test)");

    expect(await tick()).toMatchObject({ archived: 1, failed: 0 });
    expect((await rows("lingui")).every((r) => r.archived_at !== null)).toBe(true);
    expect((await getArchiveState(db))?.lastError).toBeNull();
    resetIsolateState();
    expect(await (await fresh(pagePath("lingui", refused!))).text()).toContain("漓江边的第0篇报道");
  });

  it("a row changed between the R2 write and the D1 update keeps its new body", async () => {
    await addSource("yangshuo", 2, 0);
    aDayLater();
    const [raced] = await rows("yangshuo");
    const racing: ArchiveBucket = {
      get: (key) => env.ARCHIVE.get(key),
      put: async (key, value, options) => {
        const done = await env.ARCHIVE.put(key, value, options);
        if (key === bodyKey(raced!.id)) {
          // A refresh lands after R2 has the old body and before the archive step updates D1.
          const items = feeds.get("yangshuo")!;
          items[0] = { ...items[0]!, body: "<p>刚刚更新的正文</p>" };
          await refresh("yangshuo");
        }
        return done;
      },
    };
    expect((await tick({}, racing)).archived).toBe(1);
    const row = (await rows("yangshuo")).find((r) => r.id === raced!.id)!;
    expect(row).toMatchObject({ archived_at: null, content_html: "<p>刚刚更新的正文</p>" });
    resetIsolateState();
    expect(await (await fresh(pagePath("yangshuo", raced!))).text()).toContain("刚刚更新的正文");
  });

  it("a body R2 refuses twice does not hold the walk: the next pass archives it", async () => {
    await addSource("pingle", 3, 0);
    aDayLater();
    const [refused] = await rows("pingle");
    const failing: ArchiveBucket = {
      get: (key) => env.ARCHIVE.get(key),
      put: async (key, value, options) => {
        if (key === bodyKey(refused!.id)) throw new Error("R2 unavailable (test)");
        return env.ARCHIVE.put(key, value, options);
      },
    };
    const pending = async () => (await rows("pingle")).filter((r) => r.archived_at === null).map((r) => r.id);
    expect((await tick({}, failing)).failed).toBe(1);
    expect(await pending()).toEqual([refused!.id]);
    expect((await tick({}, failing)).failed).toBe(1);
    // Past it now: R2 is back, but this pass does not return to it; readers still get its body.
    await tick();
    expect(await pending()).toEqual([refused!.id]);
    resetIsolateState();
    expect(await (await fresh(pagePath("pingle", refused!))).text()).toContain("漓江边的第0篇报道");
    aDayLater();
    await tick();
    expect(await pending()).toEqual([]);
    expect(await (await env.ARCHIVE.get(bodyKey(refused!.id)))!.text()).toBe(refused!.content_html);
  });

  it("an archived body missing from R2 answers 503, never an empty article", async () => {
    const [gone] = await rows("lingui");
    await env.ARCHIVE.delete(bodyKey(gone!.id));
    resetIsolateState();
    const page = await fresh(pagePath("lingui", gone!));
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("文章正文已归档，暂时无法读取");
    await evictFeed(`${BASE}/category/lingui/feed.json?limit=50`, "reader");
    const feed = await get("/category/lingui/feed.json?limit=50");
    expect(feed.status).toBe(503);
  });

  it("without the ARCHIVE binding nothing is archived, and /status tells the operator in Chinese", async () => {
    await addSource("xingan", 3, 0);
    const config = archiveConfig({}, null);
    const problem = archiveProblem(config);
    expect(problem).toContain("没有绑定 R2 存储桶 ARCHIVE");
    expect(await tick({}, null)).toEqual({ archived: 0, failed: 0, restored: 0 });
    expect((await rows("xingan")).every((r) => r.archived_at === null && r.content_html !== "")).toBe(true);
    const status = await (
      await StatusPage({ config, nav: { sources: [], more: false }, sources: [], now: NOW, adminTokenSet: true })
    ).toString();
    expect(status).toContain("没有绑定 R2 存储桶 ARCHIVE：不会归档任何文章");
    // Off (the default): no message, and the step does nothing.
    expect(archiveProblem(parseConfig({}, BASE))).toBeNull();
    expect(parseConfig({}, BASE).archive.afterDays).toBe(0);
  });
});

describe("reading archived bodies", () => {
  it("a feed of 50 items reads its archived bodies in parallel, at most READ_CONCURRENCY at once", async () => {
    await addSource("quanzhou", 40, 10);
    aDayLater();
    await tick({ ARCHIVE_MAX_PER_TICK: "1000" });
    expect((await rows("quanzhou")).filter((r) => r.archived_at !== null)).toHaveLength(40);
    let inFlight = 0;
    let peak = 0;
    let gets = 0;
    const counting: ArchiveBucket = {
      put: (key, value, options) => env.ARCHIVE.put(key, value, options),
      get: async (key) => {
        gets++;
        peak = Math.max(peak, ++inFlight);
        try {
          return await env.ARCHIVE.get(key);
        } finally {
          inFlight--;
        }
      },
    };
    const { listArticles } = await import("../../src/db/articles");
    const page = await listArticles(
      db,
      { kind: "source", source: { slug: "quanzhou" } },
      { limit: 50, withContent: true },
    );
    const full = await withBodies(counting, page.items);
    expect(gets).toBe(40);
    expect(peak).toBe(READ_CONCURRENCY);
    expect(full.every((a) => a.contentHtml.includes("正文独有词"))).toBe(true);
  });

  it("an archived article that lost its search index row gets its body back in D1 to be indexed", async () => {
    const [lost] = await rows("quanzhou");
    expect(lost!.archived_at).not.toBeNull();
    await env.DB.batch([
      env.DB.prepare("DELETE FROM search_index WHERE rowid = (SELECT search_rowid FROM articles WHERE id = ?1)").bind(
        lost!.id,
      ),
      env.DB.prepare("UPDATE articles SET search_rowid = NULL WHERE id = ?1").bind(lost!.id),
    ]);
    expect((await tick()).restored).toBe(1);
    const row = (await rows("quanzhou")).find((r) => r.id === lost!.id)!;
    expect(row.archived_at).toBeNull();
    expect(row.content_html).toContain("正文独有词quanzhou甲0乙");
  });
});
