// Every query a reader's request, a feed, the API, the sitemaps or a refresh runs, through SQLite's
// EXPLAIN QUERY PLAN on the real schema: an index for each, never a scan of the articles table,
// and no sort for a listing (its index gives the order). The statements are recorded from the
// db/ functions themselves, run against the real local D1, so a query changed there is checked here.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Article, Scope, Source } from "../../src/core/model";
import * as archive from "../../src/db/archive";
import * as articles from "../../src/db/articles";
import * as months from "../../src/db/months";
import * as stats from "../../src/db/stats";
import * as writes from "../../src/db/article-writes";
import * as pageReads from "../../src/db/page-reads";
import { indexMissing } from "../../src/db/search";
import * as sources from "../../src/db/sources";
import { type SqlRunner, type Stmt, d1Runner } from "../../src/db/sql";
import { readFeedFilter } from "../../src/core/feed-filter";
import { filteredPage } from "../../src/feeds/filtered";
import { importPosts } from "../../src/ingest/import-posts";

const samples = inject("samplePosts");

/** A runner over the real D1 that remembers every statement it ran. */
function recording(): SqlRunner & { stmts: Stmt[]; roundTrips: number } {
  const inner = d1Runner(env.DB);
  const stmts: Stmt[] = [];
  const r = {
    stmts,
    roundTrips: 0,
    all: <T>(s: Stmt) => (r.roundTrips++, stmts.push(s), inner.all<T>(s)),
    allMany: (ss: readonly Stmt[]) => (r.roundTrips++, stmts.push(...ss), inner.allMany(ss)),
    batch: (ss: readonly Stmt[]) => (r.roundTrips++, stmts.push(...ss), inner.batch(ss)),
  };
  return r;
}

/** The plan's steps, each marked when it belongs to a correlated subquery (the per-row tags list). */
async function planOf(stmt: Stmt): Promise<{ detail: string; inSubquery: boolean }[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${stmt.sql}`)
    .bind(...stmt.params)
    .all<{ id: number; parent: number; detail: string }>();
  const byId = new Map(results.map((r) => [r.id, r]));
  const inSubquery = (r: { parent: number; detail: string }): boolean =>
    r.detail.startsWith("CORRELATED") || (byId.has(r.parent) && inSubquery(byId.get(r.parent)!));
  return results.map((r) => ({ detail: r.detail, inSubquery: inSubquery(r) }));
}

let source: Source;
let article: Article;

beforeAll(async () => {
  await importPosts(d1Runner(env.DB), samples, { timeZone: "Asia/Shanghai", now: Date.now() });
  source = (await sources.getSourceBySlug(d1Runner(env.DB), "guilinwanbao"))!;
  const page = await articles.listArticles(d1Runner(env.DB), { kind: "source", source }, { limit: 3 });
  article = (await articles.getArticle(d1Runner(env.DB), page.items[1]!.id))!;
});

describe("query plans of the hot paths", () => {
  // Each entry: what runs it, and the db/ calls it makes.
  const paths: [string, (db: SqlRunner) => Promise<unknown>][] = [
    [
      "home, page 1 and a deep page (with the header's sources)",
      async (db) => {
        const first = await pageReads.readListingPage(db, { kind: "all" }, { limit: 20 });
        const last = first.page.items.at(-1);
        await pageReads.readListingPage(
          db,
          { kind: "all" },
          { limit: 20, before: last ? { ms: last.published.ms, id: last.id } : null },
        );
      },
    ],
    [
      "category page by slug, deep",
      (db) =>
        pageReads.readListingPage(
          db,
          { kind: "source", source: { slug: source.slug } },
          { limit: 20, before: { ms: article.published.ms, id: article.id } },
          { source: source.slug },
        ),
    ],
    [
      "category listing by id (feeds, API)",
      (db) =>
        articles.listArticles(
          db,
          { kind: "source", source },
          { limit: 20, before: { ms: article.published.ms, id: article.id } },
        ),
    ],
    [
      "tag page, deep",
      (db) =>
        pageReads.readListingPage(
          db,
          { kind: "tag", tag: "就业" },
          { limit: 20, before: { ms: article.published.ms, id: article.id } },
          { tag: "就业" },
        ),
    ],
    [
      "search page and its next page",
      (db) =>
        pageReads.readSearchPage(
          db,
          { kind: "search", query: "桂林", match: '"桂林"' },
          { limit: 20, before: { ms: 1e15, id: article.id } },
        ),
    ],
    ["article page (by id, its category neighbours)", (db) => pageReads.readArticlePage(db, article.id)],
    ["directory of sources, a later page", (db) => pageReads.readDirectoryPage(db, 1, 200)],
    [
      "feed 304 without a render (listing version)",
      async (db) => {
        for (const scope of [{ kind: "all" }, { kind: "source", source }, { kind: "tag", tag: "就业" }] as Scope[])
          await articles.getListingVersion(db, scope, 20);
      },
    ],
    [
      "filtered feeds (a scan without bodies, then the kept items by id)",
      async (db) => {
        const filter = readFeedFilter(new URLSearchParams("filter=社区&filter_time=315360000"))!;
        const scopes: Scope[] = [
          { kind: "all" },
          { kind: "source", source },
          { kind: "tag", tag: "就业" },
          { kind: "search", query: "桂林", match: '"桂林"' },
          { kind: "month", month: article.pathDate.slice(0, 7), source: null },
        ];
        for (const scope of scopes)
          await filteredPage(db, scope, filter, { limit: 5, before: null, withContent: true, now: Date.now() });
        // The scan is the listing's own statement: a label's (or the search's) posting list.
        const scans = (db as ReturnType<typeof recording>).stmts.filter((s) => !s.sql.includes("json_each(?1)"));
        for (const s of scans) expect(s.sql).toMatch(/FROM search_index [lf] JOIN articles a/);
      },
    ],
    [
      "monthly archive feed and its neighbours",
      async (db) => {
        const month = article.pathDate.slice(0, 7);
        await articles.listArticles(db, { kind: "month", month, source: null }, { limit: 2000, withContent: true });
        await articles.listArticles(db, { kind: "month", month, source }, { limit: 2000, withContent: true });
        await months.getArchiveNeighbours(db, month, null);
        await months.getArchiveNeighbours(db, month, source.id);
        await months.getArchiveNeighbours(db, null, source.id);
      },
    ],
    [
      "API list with every filter",
      async (db) => {
        await articles.listArticles(
          db,
          { kind: "all" },
          { limit: 20, filters: { sourceId: source.id, sinceMs: 0, untilMs: 2e12 } },
        );
        await articles.listArticles(
          db,
          { kind: "tag", tag: "就业" },
          { limit: 20, filters: { sourceId: source.id, sinceMs: 0, untilMs: 2e12 } },
        );
        await articles.listArticles(
          db,
          { kind: "search", query: "桂林", match: '"桂林"' },
          { limit: 20, filters: { sinceMs: 0, untilMs: 2e12 } },
        );
      },
    ],
    [
      "sitemaps (the index, a month, the news sitemap) and the categories",
      async (db) => {
        await months.listArticleMonths(db);
        await stats.listCategoryStats(db);
        await months.listMonthEntries(db, article.pathDate.slice(0, 7), 50_000);
        await months.listRecentEntries(db, 0, 1000);
      },
    ],
    [
      "refresh: claim due sources, read stored hashes, backfill the index",
      async (db) => {
        await sources.claimDueSources(db, 0, 8, 0);
        await sources.listDueSources(db, 0, 8);
        await sources.getSourceWithState(db, source.slug);
        await writes.readKnownHashes(db, new Map([[source.slug, [article.guid ?? "x", "other-guid"]]]));
        await indexMissing(db, 100);
      },
    ],
    [
      "archive: the walk's window from the beginning and from a cursor, and the cursor",
      async (db) => {
        await archive.archiveWindow(db, null, Date.now(), 10_000, 100);
        await archive.archiveWindow(db, 1, Date.now(), 10_000, 100);
        await archive.getArchiveSweep(db);
      },
    ],
  ];

  for (const [name, run] of paths) {
    it(`${name}: an index for every query, no scan of articles, no sort of a listing`, async () => {
      const db = recording();
      await run(db);
      expect(db.stmts.length).toBeGreaterThan(0);
      for (const stmt of db.stmts) {
        const plan = await planOf(stmt);
        const text = plan.map((p) => p.detail).join(" | ");
        // A SCAN of the articles table reads every row; SEARCH is an index range.
        expect(text, `${stmt.sql}\n${text}`).not.toMatch(/\bSCAN (a|b|articles)\b/);
        // A listing's order comes from its index (or its FTS5 posting list's rowid order).
        const listingSorts = plan.filter((p) => !p.inSubquery && p.detail.includes("USE TEMP B-TREE FOR ORDER BY"));
        if (/ORDER BY (a\.|f\.|l\.)/.test(stmt.sql)) expect(listingSorts, `${stmt.sql}\n${text}`).toEqual([]);
      }
    });
  }
});

describe("round trips", () => {
  // A round trip to D1 costs more than the rows it carries: each page reads once, its header's
  // sources included.
  it("every HTML page reads D1 in one batch", async () => {
    const reads: [string, (db: SqlRunner) => Promise<unknown>][] = [
      ["home", (db) => pageReads.readListingPage(db, { kind: "all" }, { limit: 20 })],
      [
        "category",
        (db) =>
          pageReads.readListingPage(
            db,
            { kind: "source", source: { slug: source.slug } },
            { limit: 20 },
            { source: source.slug },
          ),
      ],
      ["tag", (db) => pageReads.readListingPage(db, { kind: "tag", tag: "就业" }, { limit: 20 }, { tag: "就业" })],
      [
        "search",
        (db) => pageReads.readSearchPage(db, { kind: "search", query: "桂林", match: '"桂林"' }, { limit: 20 }),
      ],
      ["article", (db) => pageReads.readArticlePage(db, article.id)],
      ["directory", (db) => pageReads.readDirectoryPage(db, 0, 200)],
    ];
    for (const [name, read] of reads) {
      const db = recording();
      const data = (await read(db)) as { nav: { sources: unknown[] } };
      expect(data.nav.sources.length, name).toBeGreaterThan(0);
      expect(db.roundTrips, name).toBe(1);
    }
  });
});
