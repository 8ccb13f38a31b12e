// The cron's merge of the search index's segments (src/archive/search-merge.ts), on a real local
// D1 whose index was written in many small batches, as refreshes write it: merging leaves no level
// with two segments, every search finds exactly the articles it found before (checked page by
// page through the API), a tick stays within its bounds and the next one goes on, the cron runs
// it, a failing D1 call is logged, not thrown, and the segments and pages read from FTS5's
// structure record are those its table holds.
import { SELF, createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { searchMergeTick } from "../../src/archive/search-merge";
import { decodeSearchSegments, readSearchSegments } from "../../src/db/search-segments";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";
import worker from "../../src/index";

const db = d1Runner(env.DB);
const PLACES = ["漓江", "象山", "桂林", "阳朔", "龙胜", "兴安", "灵川", "临桂"];
const TOPICS = ["社区服务", "交通出行", "学校招生", "医院门诊", "乡村振兴", "文化旅游", "橘子丰收", "防汛抗旱"];

/** Post n: a place and a topic in its title, two more in its body (deterministic); the posts
 *  imported later also say so. */
function post(n: number) {
  const title = `${PLACES[n % PLACES.length]}${TOPICS[(n * 3) % TOPICS.length]}第${n}期`;
  const body = `${PLACES[(n * 5 + 1) % PLACES.length]}${TOPICS[(n * 7 + 2) % TOPICS.length]}。${n >= LATER ? "新到稿件。" : ""}`;
  const ms = Date.UTC(2025, 6, 1) + n * 1_800_000;
  const at = new Date(ms + 8 * 3_600_000).toISOString().replace("T", " ").slice(0, 19);
  return {
    n,
    title,
    body,
    file: {
      name: `${at.slice(0, 10)}-mergepaper-${n}.txt`,
      text: `---\ntitle: "${title}"\ndate: ${at} +0800\ncategories: mergepaper\n---\n<p>${body}</p>\n`,
    },
  };
}
const LATER = 1000;
const imported: ReturnType<typeof post>[] = [];

/** The titles a search for `q` must find, newest first: the imported posts holding each of its
 *  words (in the title or in the body). */
const holding = (q: string) =>
  imported
    .filter((p) => q.split(" ").every((w) => p.title.includes(w) || p.body.includes(w)))
    .sort((a, b) => b.n - a.n)
    .map((p) => p.title);

/** Imports posts [from, to) in batches of `chunk` articles: each batch is one transaction, and
 *  each transaction adds a segment to the index. */
async function importRange(from: number, to: number, chunk: number) {
  const posts = Array.from({ length: to - from }, (_, i) => post(from + i));
  imported.push(...posts);
  const summary = await importPosts(
    db,
    posts.map((p) => p.file),
    { timeZone: "Asia/Shanghai", now: Date.now(), chunkSize: chunk },
  );
  expect(summary.rejected).toEqual([]);
  expect(summary.imported).toBe(to - from);
}

/** Every title the API's search returns for `q`, page by page (20 a page) to the end. */
async function searchAll(q: string): Promise<string[]> {
  const titles: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url = `https://news.test/api/v1/articles?q=${encodeURIComponent(q)}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await SELF.fetch(url);
    expect(res.status, url).toBe(200);
    const page = (await res.json()) as { items: { title: string }[]; next_cursor: string | null };
    titles.push(...page.items.map((i) => i.title));
    cursor = page.next_cursor;
    pages++;
  } while (cursor !== null && pages < 200);
  return titles;
}

const QUERIES = ["漓江", "社区服务", "橘", "桂", "医院门诊 兴安", "不存在的词"];
const searchEverything = async () =>
  Object.fromEntries(await Promise.all(QUERIES.map(async (q) => [q, await searchAll(q)])));

/** Leaf pages in the index's table: rows of a segment (id >> 37, 1–65535), not of a doclist index
 *  or an inner node (the 6 bits below, fts5_index.c's FTS5_SEGMENT_ROWID), beside the pages the
 *  structure record names. */
async function leafPages(): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM search_index_data WHERE (id >> 37) BETWEEN 1 AND 65535 AND ((id >> 31) & 63) = 0",
  ).first<{ n: number }>();
  return row!.n;
}

/** The runner, counting the D1 calls made through it. */
function counting() {
  const counter = { calls: 0 };
  const runner = {
    all: <T>(s: Parameters<typeof db.all>[0]) => (counter.calls++, db.all<T>(s)),
    allMany: (s: Parameters<typeof db.allMany>[0]) => (counter.calls++, db.allMany(s)),
    batch: (s: Parameters<typeof db.batch>[0]) => (counter.calls++, db.batch(s)),
  };
  return { runner, counter };
}

const logs: Record<string, unknown>[] = [];
const deps = { db, log: (line: Record<string, unknown>) => logs.push(line) };
let found: Record<string, string[]>;

beforeAll(async () => {
  // 360 articles in 120 transactions of 3.
  await importRange(0, 360, 3);
  found = await searchEverything();
});

describe("merging the search index's segments", () => {
  it("starts from an index written in many batches, with levels holding several segments", async () => {
    const s = (await readSearchSegments(db))!;
    expect(s.segments).toBeGreaterThanOrEqual(4);
    expect(s.mergeable).toBe(true);
    expect(s.pages).toBe(await leafPages());
    // Every search finds exactly the articles holding its words, newest first.
    for (const q of QUERIES) expect(found[q], q).toEqual(holding(q));
    expect(found["橘"]!.length).toBeGreaterThan(20);
    expect(found["不存在的词"]).toEqual([]);
  });

  it("does no more than its bounds allow, and the next tick goes on", async () => {
    const before = (await readSearchSegments(db))!;
    const bounded = await searchMergeTick(deps, { budgetMs: 60_000, pagesPerCall: 1, maxCalls: 1 });
    expect(bounded.calls).toBe(1);
    expect(bounded.settled).toBe(false);
    const after = (await readSearchSegments(db))!;
    expect(after.record).not.toBe(before.record);
    expect(after.pages).toBe(await leafPages());
    // Searches in the middle of a merge find the same articles.
    expect(await searchEverything()).toEqual(found);
  });

  it("leaves no level with two segments, and every search finds exactly what it found before", async () => {
    const before = (await readSearchSegments(db))!;
    const outcome = await searchMergeTick(deps);
    expect(outcome.settled).toBe(true);
    expect(outcome.calls).toBeGreaterThan(0);
    const after = (await readSearchSegments(db))!;
    expect(after.mergeable).toBe(false);
    expect(after.segments).toBeLessThan(before.segments);
    expect(after.pages).toBe(await leafPages());
    expect(outcome).toMatchObject({ before: before.segments, after: after.segments });
    expect(await searchEverything()).toEqual(found);
    // FTS5's own check of the index's consistency.
    await env.DB.prepare("INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 0)").run();
    expect(logs.at(-1)).toMatchObject({ level: "info", msg: "search merge", settled: true });
  });

  it("costs one read when nothing is left to merge", async () => {
    const record = (await readSearchSegments(db))!.record;
    const logged = logs.length;
    const { runner, counter } = counting();
    const outcome = await searchMergeTick({ ...deps, db: runner });
    expect(outcome).toMatchObject({ calls: 0, settled: true });
    expect(counter.calls).toBe(1);
    expect((await readSearchSegments(db))!.record).toBe(record);
    expect(logs.length).toBe(logged);
  });

  it("gets one segment from a batch of many articles, not one from each", async () => {
    const before = (await readSearchSegments(db))!;
    expect(before.mergeable).toBe(false);
    // FTS5's automerge off for the count, so it does not join segments as they come.
    await env.DB.prepare("INSERT INTO search_index(search_index, rank) VALUES('automerge', 0)").run();
    try {
      // 24 articles in one transaction, as a refresh of a feed of 24 new items writes them.
      await importRange(LATER + 60, LATER + 84, 24);
    } finally {
      await env.DB.prepare("INSERT INTO search_index(search_index, rank) VALUES('automerge', 4)").run();
    }
    const after = (await readSearchSegments(db))!;
    expect(after.segments).toBe(before.segments + 1);
    expect(await searchAll("新到稿件")).toEqual(holding("新到稿件"));
    expect(await searchMergeTick(deps)).toMatchObject({ settled: true });
  });

  it("runs in the cron after new articles arrive, and they are found", async () => {
    await importRange(LATER, LATER + 30, 3);
    expect((await readSearchSegments(db))!.mergeable).toBe(true);
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await readSearchSegments(db))!.mergeable).toBe(false);
    expect(await searchAll("新到稿件")).toEqual(holding("新到稿件"));
    expect(holding("新到稿件").length).toBe(24 + 30);
    for (const q of QUERIES) expect(await searchAll(q), q).toEqual(holding(q));
  });

  it("stops at its time budget, and a refresh between two ticks of an unfinished merge loses nothing", async () => {
    // 30 batches of 4: several levels of segments to merge, more than one call's pages.
    await importRange(LATER + 200, LATER + 320, 4);
    expect((await readSearchSegments(db))!.mergeable).toBe(true);
    expect(await searchMergeTick(deps, { budgetMs: 60_000, pagesPerCall: 1, maxCalls: 1 })).toMatchObject({
      calls: 1,
      settled: false,
    });
    // A refresh stores more articles while the merge is unfinished.
    await importRange(LATER + 112, LATER + 130, 6);
    // No time left: no call.
    expect(await searchMergeTick(deps, { budgetMs: 0, pagesPerCall: 1_000, maxCalls: 200 })).toMatchObject({
      calls: 0,
      settled: false,
    });
    expect(await searchMergeTick(deps)).toMatchObject({ settled: true });
    for (const q of [...QUERIES, "新到稿件"]) expect(await searchAll(q), q).toEqual(holding(q));
    await env.DB.prepare("INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 0)").run();
  });

  it("follows the index's own usermerge: at FTS5's default of 4, a level of two or three waits", async () => {
    // Two batches of one article: two small segments on level 0.
    await importRange(LATER + 45, LATER + 47, 1);
    const two = (await readSearchSegments(db))!;
    expect(two.mergeable).toBe(true);
    await env.DB.prepare("INSERT INTO search_index(search_index, rank) VALUES('usermerge', 4)").run();
    try {
      const four = (await readSearchSegments(db))!;
      // Setting it changes the record's cookie (its first 4 bytes) only.
      expect(four.record.slice(8)).toBe(two.record.slice(8));
      expect(four.mergeable).toBe(false);
      expect(await searchMergeTick(deps)).toMatchObject({ calls: 0, settled: true });
    } finally {
      await env.DB.prepare("INSERT INTO search_index(search_index, rank) VALUES('usermerge', 2)").run();
    }
    expect(await searchMergeTick(deps)).toMatchObject({ settled: true });
    expect((await readSearchSegments(db))!.mergeable).toBe(false);
  });

  it("logs a D1 call that fails, in Chinese, does not throw, and the next tick goes on", async () => {
    await importRange(LATER + 30, LATER + 45, 3);
    expect((await readSearchSegments(db))!.mergeable).toBe(true);
    // A merge call refused (as past an invocation's D1 query limit).
    const failing = {
      ...db,
      allMany: async () => {
        throw new Error("D1_ERROR: Too many API requests by single worker invocation.");
      },
    };
    const outcome = await searchMergeTick({ ...deps, db: failing });
    expect(outcome).toMatchObject({ calls: 1, settled: false });
    expect(logs.at(-1)).toMatchObject({ level: "error", msg: "search merge" });
    expect(String(logs.at(-1)!.error)).toMatch(/^搜索索引合并失败（下次定时任务重试）：.*Too many API requests/);
    expect(await searchMergeTick(deps)).toMatchObject({ settled: true });
    expect((await readSearchSegments(db))!.mergeable).toBe(false);
    for (const q of QUERIES) expect(await searchAll(q), q).toEqual(holding(q));
  });
});

describe("decoding the structure record", () => {
  it("reads the layout of a table without contentless_delete too", () => {
    // Cookie; 2 levels, 3 segments, write counter 300 (a 2-byte varint); level 0: no merge, one
    // segment (id 1, pages 1–200: 2-byte varints); level 1: merging 2, two segments (ids 2, 3).
    const legacy =
      "00000000" +
      "02" +
      "03" +
      "822C" +
      "00" +
      "01" +
      "01" +
      "01" +
      "8148" +
      "02" +
      "02" +
      "02" +
      "01" +
      "05" +
      "03" +
      "01" +
      "01";
    expect(decodeSearchSegments(legacy, 2)).toMatchObject({ segments: 3, pages: 200 + 5 + 1, mergeable: true });
    // Only the one segment of level 0, under usermerge 2: nothing to merge.
    expect(decodeSearchSegments("00000000" + "01" + "01" + "05" + "00" + "01" + "07" + "01" + "8148", 2)).toMatchObject(
      {
        segments: 1,
        pages: 200,
        mergeable: false,
      },
    );
  });

  it("rejects a record that is not one", () => {
    expect(() => decodeSearchSegments("", 2)).toThrow(/结构记录/);
    expect(() => decodeSearchSegments("zz", 2)).toThrow(/结构记录/);
    // A cookie, the second layout's marker, then one level announced and nothing after it.
    expect(() => decodeSearchSegments("00000000FF0000010101", 2)).toThrow(/截断/);
    // Two segments announced, one written.
    expect(() => decodeSearchSegments("00000000010200000101010101", 2)).toThrow(/不一致/);
  });
});
