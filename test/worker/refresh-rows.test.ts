// What a refresh costs in D1 rows written (D1 bills each row, index entries included), counted
// from the real local D1's meta.rows_written: a refresh that changes nothing writes the source's
// row and nothing else; a superseded one writes nothing; the cron's claim is one row a tick, and
// two overlapping ticks still fetch each due source once.
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { listFetchLog } from "../../src/db/fetch-log";
import { MAX_CLAIMS, claimDueSources, getSourceWithState } from "../../src/db/sources";
import { d1Runner } from "../../src/db/sql";
import { refreshDueSources } from "../../src/ingest/cron";
import type { RefreshDeps } from "../../src/ingest/gather";
import { refreshSource } from "../../src/ingest/refresh";

const config = parseConfig({ REFRESH_MAX_SOURCES: "50" }, "https://news.test");
const LEASE = 10 * 60_000;
let clock = Date.UTC(2026, 11, 6, 2, 0, 0);
let fetched: string[] = [];
let feeds: Record<string, (req: Request) => Response> = {};
/** Upstream answers wait while this is set: refreshes held in flight. */
let holding = false;

const rss = (title: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://r.example.com/</link>
  <item><title>${title}</title><guid>g1</guid><description>正文</description></item></channel></rss>`;

const upstream: typeof fetch = async (input, init) => {
  const req = new Request(input as RequestInfo, init as RequestInit);
  fetched.push(req.url);
  for (let i = 0; i < 500 && holding; i++) await new Promise((r) => setTimeout(r, 10));
  return feeds[req.url]?.(req) ?? new Response("not found", { status: 404 });
};

/** D1 as the worker has it, tallying meta.rows_written of every statement: in a batch, or run
 *  alone (`all`, as a read-and-write statement can be). */
function counting() {
  const tally = { written: 0 };
  const count = (r: D1Result) => {
    tally.written += r.meta.rows_written ?? 0;
    return r;
  };
  const wrapped = {
    prepare(q: string) {
      const stmt = env.DB.prepare(q);
      const bind = stmt.bind.bind(stmt);
      stmt.bind = (...values: unknown[]) => {
        const bound = bind(...values);
        const all = bound.all.bind(bound);
        const run = bound.run.bind(bound);
        bound.all = async <T>() => count(await all<T>()) as D1Result<T>;
        bound.run = async <T>() => count(await run<T>()) as D1Result<T>;
        return bound;
      };
      return stmt;
    },
    async batch(stmts: D1PreparedStatement[]) {
      const results = await env.DB.batch(stmts);
      for (const r of results) count(r);
      return results;
    },
  } as unknown as D1Database;
  return { db: d1Runner(wrapped), tally };
}

const depsWith = (db: RefreshDeps["db"]): RefreshDeps => ({
  db,
  fetch: upstream,
  now: () => clock,
  limits: { userAgent: "edge-news-test", timeoutMs: 6000, maxBytes: 1024 * 1024, maxRedirects: 3 },
  log: () => undefined,
});

async function addSource(slug: string, respond?: (req: Request) => Response): Promise<void> {
  const url = `https://r.example.com/${slug}.xml`;
  feeds[url] = respond ?? (() => new Response(rss(`${slug}的新闻`), { headers: { etag: `"${slug}"` } }));
  // A random generation, as every source the admin API creates has.
  await env.DB.prepare(
    "INSERT INTO sources (slug, name, label, feed_url, created_at, generation) VALUES (?1, ?1, ?1, ?2, 0, random() & 9007199254740991)",
  )
    .bind(slug, url)
    .run();
}

const articleCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;

beforeEach(async () => {
  clock = Date.UTC(2026, 11, 6, 2, 0, 0);
  fetched = [];
  feeds = {};
  holding = false;
  await env.DB.batch(
    ["search_index", "articles", "source_pages", "sources"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
});

describe("a refresh that changes nothing writes one row: the source's", () => {
  it("a 304 and a 200 of the same bytes: 1 row each, with the outcome, validators and fetch log recorded", async () => {
    // "etag" answers 304 to its validator; "same" ignores conditional GET and sends the same bytes.
    await addSource("etag", (req) =>
      req.headers.get("if-none-match") === '"e1"'
        ? new Response(null, { status: 304, headers: { etag: '"e1"' } })
        : new Response(rss("新闻"), { headers: { etag: '"e1"' } }),
    );
    await addSource("same", () => new Response(rss("新闻")));
    for (const slug of ["etag", "same"])
      await refreshSource(depsWith(d1Runner(env.DB)), (await getSourceWithState(d1Runner(env.DB), slug))!);
    expect(await articleCount()).toBe(2);

    clock += 3_600_000;
    for (const [slug, status] of [
      ["etag", "304"],
      ["same", "200"],
    ] as const) {
      const { db, tally } = counting();
      const outcome = await refreshSource(depsWith(db), (await getSourceWithState(db, slug))!);
      expect(outcome).toMatchObject({ status, new: 0, updated: 0 });
      expect(tally.written, `${slug}: rows written`).toBeLessThanOrEqual(1);
      const source = (await getSourceWithState(db, slug))!;
      expect(source.state).toMatchObject({ lastStatus: status, lastFetchAt: clock, errorCount: 0 });
      expect(source.state.nextFetchAt).toBe(clock + 30 * 60_000);
      if (slug === "etag") expect(source.state.etag).toBe('"e1"');
      const log = await listFetchLog(db, source.id);
      expect(log.map((e) => e.status)).toEqual([status, "200"]);
    }
    expect(await articleCount()).toBe(2);
  });

  it("a failed refresh: 1 row, the error and the backoff recorded, the articles kept", async () => {
    let down = false;
    await addSource("flaky", () => (down ? new Response("down", { status: 503 }) : new Response(rss("新闻"))));
    await refreshSource(depsWith(d1Runner(env.DB)), (await getSourceWithState(d1Runner(env.DB), "flaky"))!);
    down = true;
    clock += 3_600_000;
    const { db, tally } = counting();
    expect(await refreshSource(depsWith(db), (await getSourceWithState(db, "flaky"))!)).toMatchObject({
      status: "error",
    });
    expect(tally.written).toBe(1);
    const state = (await getSourceWithState(db, "flaky"))!.state;
    expect(state).toMatchObject({ lastStatus: "error", errorCount: 1, nextFetchAt: clock + 30 * 60_000 });
    expect(await articleCount()).toBe(1);
  });

  it("a source changed since the refresh read it: nothing written, articles of a changed feed included", async () => {
    await addSource("moved");
    const stale = (await getSourceWithState(d1Runner(env.DB), "moved"))!;
    await env.DB.prepare("UPDATE sources SET generation = generation + 1 WHERE slug = 'moved'").run();
    const { db, tally } = counting();
    expect(await refreshSource(depsWith(db), stale)).toMatchObject({ status: "superseded", new: 0 });
    expect(tally.written).toBe(0);
    expect(await articleCount()).toBe(0);
    expect((await getSourceWithState(db, "moved"))!.state.lastStatus).toBeNull();
  });
});

describe("the cron's claim: one row a tick", () => {
  it("claims every due source in one row written; a tick while the claims hold claims none and writes none", async () => {
    for (const slug of ["c1", "c2", "c3", "c4", "c5"]) await addSource(slug);
    const first = counting();
    const claimed = await claimDueSources(first.db, clock, 50, clock + LEASE);
    expect(claimed.map((s) => s.slug).sort()).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    expect(first.tally.written).toBe(1);

    const second = counting();
    expect(await claimDueSources(second.db, clock + 60_000, 50, clock + 60_000 + LEASE)).toEqual([]);
    expect(second.tally.written).toBe(0);
  });

  it("a claim ends with its lease, with the source's refresh recorded, or with an admin change", async () => {
    for (const slug of ["lost", "done", "edited"]) await addSource(slug);
    const claimed = await claimDueSources(d1Runner(env.DB), clock, 50, clock + LEASE);
    expect(claimed).toHaveLength(3);
    // "done" is refreshed and later due again; "edited" is changed by an admin and due at once;
    // "lost" was claimed by a run that never finished.
    await refreshSource(depsWith(d1Runner(env.DB)), claimed.find((s) => s.slug === "done")!);
    await env.DB.prepare("UPDATE sources SET next_fetch_at = 0 WHERE slug = 'done'").run();
    await env.DB.prepare("UPDATE sources SET generation = generation + 1 WHERE slug = 'edited'").run();
    const within = await claimDueSources(d1Runner(env.DB), clock + 60_000, 50, clock + 60_000 + LEASE);
    expect(within.map((s) => s.slug).sort()).toEqual(["done", "edited"]);
    const after = await claimDueSources(d1Runner(env.DB), clock + LEASE + 1, 50, clock + 2 * LEASE + 1);
    expect(after.map((s) => s.slug)).toEqual(["lost"]);
  });

  it("the claims row stays bounded: with MAX_CLAIMS held, a tick takes only what room is left", async () => {
    for (const slug of ["b1", "b2", "b3"]) await addSource(slug);
    // Claims of other sources still held (a cron every minute with a large enqueue cap), two short
    // of the bound: the claims row must stay far inside D1's 2 MB for a value.
    const held = JSON.stringify(
      Array.from({ length: MAX_CLAIMS - 2 }, (_, i) => [`${1_000_000 + i}.0.0`, clock + LEASE]),
    );
    await env.DB.prepare(
      "INSERT INTO refresh_claims (id, tick, claimed, latest) VALUES (1, 'earlier', ?1, '[]') ON CONFLICT (id) DO UPDATE SET claimed = excluded.claimed",
    )
      .bind(held)
      .run();
    const claimed = await claimDueSources(d1Runner(env.DB), clock, 50, clock + LEASE);
    expect(claimed).toHaveLength(2);
    const size = await env.DB.prepare(
      "SELECT length(claimed) AS bytes, json_array_length(claimed) AS n FROM refresh_claims",
    ).first<{ bytes: number; n: number }>();
    expect(size!.n).toBe(MAX_CLAIMS);
    expect(size!.bytes).toBeLessThan(2_000_000);
    // The third stays due and is taken once the held claims end.
    const later = await claimDueSources(d1Runner(env.DB), clock + LEASE + 1, 50, clock + 2 * LEASE + 1);
    expect(later.map((s) => s.slug)).toContain("b1");
  });

  it("two overlapping cron runs: each due source fetched once, its articles stored once", async () => {
    for (const slug of ["o1", "o2", "o3"]) await addSource(slug);
    holding = true; // the first run's fetches wait while the second run starts
    const firstRun = refreshDueSources(depsWith(d1Runner(env.DB)), config);
    for (let i = 0; i < 500 && fetched.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fetched).toHaveLength(3);
    clock += 60_000;
    const secondRun = refreshDueSources(depsWith(d1Runner(env.DB)), config);
    await new Promise((r) => setTimeout(r, 200)); // a second run that claimed anything would fetch it now
    holding = false;
    expect(await secondRun).toEqual([]);
    expect((await firstRun).map((o) => o.status)).toEqual(["200", "200", "200"]);
    expect(fetched.sort()).toEqual(["o1", "o2", "o3"].map((s) => `https://r.example.com/${s}.xml`));
    expect(await articleCount()).toBe(3);
  });
});
