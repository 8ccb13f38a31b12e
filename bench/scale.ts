// npm run bench (bench:scale) — the same pages at 10k, 100k and 1M articles: home, a category at
// page depth 1 / 100 / 1000, a tag, an article, each feed format, the API list, search, the 304 and
// the cached paths, each beside two baselines in the same run (a bare worker returning the same
// bytes, and a bare worker running one 20-row D1 query), through Miniflare's API inside workerd.
// Prints p50, p99, req/s, the ratios and which targets are met (method: README, Benchmarks).
// Env: SCALE_SIZES (default 10000,100000,1000000), SCALE_SEARCH_MAX (largest size given a search
// index, default 100000), BENCH_N (requests per case and size, default 600), BENCH_C (concurrency,
// default 8), BENCH_ROUNDS (interleaved rounds, default 6; ratios are medians of per-round ratios),
// BENCH_CASES (a regular expression: only the cases it matches). Loaded databases are kept in .tmp/bench/scale-d1 and reused while their inputs are
// unchanged.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { encodeCursor } from "../src/core/ids";
import { ROOT, buildWorker, bundle, measure, mergeUntilSettled, migrationsSql, table } from "./lib";
import { BIG_SOURCE, bulkLoad } from "./scale-data";
import { sourceOf } from "./search-data";

const COMPAT = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };
const ORIGIN = "https://news.test";
const PERSIST = join(ROOT, ".tmp/bench/scale-d1");
const BUILT_FROM = [
  "bench/search-data.ts",
  "bench/scale-data.ts",
  "src/core/search-tokens.ts",
  "src/db/search.ts",
  "src/db/articles.ts",
  "src/db/article-writes.ts",
  "src/db/sources.ts",
  "src/archive/search-merge.ts",
];
const PAGE = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
/** BENCH_CASES: a regular expression; only the cases whose name matches run (the baseline always). */
const ONLY = new RegExp(process.env.BENCH_CASES ?? "");

const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(",").map(Number);
const SIZES = list("SCALE_SIZES", "10000,100000,1000000").sort((a, b) => a - b);
const SEARCH_MAX = Number(process.env.SCALE_SEARCH_MAX ?? 100_000);
const N = Number(process.env.BENCH_N ?? 600);
const C = Number(process.env.BENCH_C ?? 8);
const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const dbName = (n: number) => `scale-${n}`;

interface Marker {
  articles: number;
  search: boolean;
  from: string;
  file: string;
  loadSeconds: number;
  indexSeconds: number;
}

/** The D1 file a database lives in: the .sqlite (or its -wal) written last, right after a write to it. */
async function touchAndFind(db: D1Database): Promise<string> {
  await db.prepare("CREATE TABLE IF NOT EXISTS _bench_probe (x)").run();
  await db.prepare("DROP TABLE _bench_probe").run();
  const dir = join(PERSIST, "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => /\.sqlite(-wal)?$/.test(f) && !f.startsWith("metadata"));
  files.sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs);
  return join(dir, files[0]!.replace(/-wal$/, ""));
}

async function ensureLoaded(n: number, scaleWorker: string): Promise<Marker> {
  const hash = createHash("sha256");
  for (const f of BUILT_FROM) hash.update(readFileSync(join(ROOT, f)));
  hash.update(migrationsSql().join(";\n"));
  const search = n <= SEARCH_MAX;
  const from = hash.digest("hex");
  const markerPath = join(PERSIST, `${dbName(n)}.json`);
  const old = existsSync(markerPath) ? (JSON.parse(readFileSync(markerPath, "utf8")) as Marker) : null;
  if (old && old.from === from && old.search === search && old.articles === n && existsSync(old.file)) return old;

  mkdirSync(PERSIST, { recursive: true });
  const setup = () =>
    new Miniflare({
      workers: [{ name: "setup", modules: true, scriptPath: scaleWorker, ...COMPAT, d1Databases: { DB: dbName(n) } }],
      d1Persist: PERSIST,
    });
  // A stale or half-built database of this name: find its file and remove it.
  let mf = setup();
  let db = await mf.getD1Database("DB", "setup");
  if (await db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'articles'").first()) {
    const file = await touchAndFind(db);
    await mf.dispose();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    mf = setup();
    db = await mf.getD1Database("DB", "setup");
  }
  for (const q of migrationsSql()) await db.prepare(q).run();
  const file = await touchAndFind(db);
  await mf.dispose();

  console.log(`loading ${n} articles into ${file} …`);
  const loadSeconds = await bulkLoad(file, n, (done, s) => {
    if (done % Math.max(10_000, n / 10) === 0)
      console.log(`  ${done} articles, ${s.toFixed(0)} s (${Math.round(done / s)}/s)`);
  });
  console.log(`  ${n} articles in ${loadSeconds.toFixed(0)} s (${Math.round(n / loadSeconds)}/s)`);

  let indexSeconds = 0;
  if (search) {
    mf = setup();
    const worker = await mf.getWorker("setup");
    const start = performance.now();
    for (let done = 0; ; ) {
      const r = await worker.fetch("http://bench/?op=index&n=2000");
      if (!r.ok) throw new Error(`index: ${await r.text()}`);
      const { indexed } = (await r.json()) as { indexed: number };
      if (indexed === 0) break;
      done += indexed;
      if (done % Math.max(20_000, n / 5) === 0)
        console.log(`  search index: ${done} articles, ${((performance.now() - start) / 1000).toFixed(0)} s`);
    }
    // Then the cron's merge of the index's segments, tick after tick until nothing is left.
    await mergeUntilSettled(async () => {
      const r = await worker.fetch("http://bench/?op=merge");
      if (!r.ok) throw new Error(`merge: ${await r.text()}`);
      return (await r.json()) as { calls: number; settled: boolean };
    });
    indexSeconds = (performance.now() - start) / 1000;
    console.log(
      `  search index: ${n} articles in ${indexSeconds.toFixed(0)} s (${Math.round(n / indexSeconds)}/s, the app's backfill and the cron's merge inside workerd)`,
    );
    await mf.dispose();
  }
  const marker: Marker = { articles: n, search, from, file, loadSeconds, indexSeconds };
  writeFileSync(markerPath, JSON.stringify(marker));
  return marker;
}

interface Case {
  size: number;
  key: string;
  /** What it is judged against: the 20-row D1 baseline (uncached), or the bare worker (cached, 304). */
  kind: "uncached" | "cached" | "baseline";
  worker: string;
  /** A fresh URL per request (feeds: a page cursor above every article, never asked before). */
  url: () => string;
  headers?: Record<string, string>;
  status: number;
}

const BARE_SCRIPT = `export default { async fetch(req, env) {
  const c = env.BODIES[new URL(req.url).searchParams.get("k")];
  return new Response(c.status === 304 ? null : c.body, { status: c.status, headers: { "content-type": c.type, etag: '"x"', "cache-control": "public, max-age=300" } });
} };`;
// The 20-row baseline: one indexed D1 read of the newest 20 articles' listing columns, as JSON.
// Newest by the search rowid, time-ordered and the one time index articles keep (db/search.ts).
const D1_SCRIPT = `export default { async fetch(req, env) {
  const { results } = await env.DB.prepare("SELECT id, title, summary, published_at FROM articles ORDER BY search_rowid DESC LIMIT 20").all();
  return Response.json(results);
} };`;

function workers(appPath: string, bodies: Record<string, { status: number; body: string; type: string }>) {
  return [
    { name: "bare", modules: true, script: BARE_SCRIPT, ...COMPAT, bindings: { BODIES: bodies } },
    ...SIZES.flatMap((n) => {
      const app = { modules: true, scriptPath: appPath, ...COMPAT, d1Databases: { DB: dbName(n) } };
      return [
        { name: `app-${n}`, ...app, bindings: { BASE_URL: ORIGIN } },
        { name: `edge-${n}`, ...app, bindings: { BASE_URL: ORIGIN, MEMORY_CACHE_MB: "0" } },
        { name: `d1-${n}`, modules: true, script: D1_SCRIPT, ...COMPAT, d1Databases: { DB: dbName(n) } },
      ];
    }),
  ];
}

async function main() {
  const appPath = buildWorker();
  const scaleWorker = await bundle("bench/scale-worker.ts", "scale-worker");
  const markers = new Map<number, Marker>();
  for (const n of SIZES) markers.set(n, await ensureLoaded(n, scaleWorker));

  const mf = new Miniflare({ workers: workers(appPath, {}), d1Persist: PERSIST });
  try {
    // The URLs of each size: cursors for category depths, an article in the middle of time.
    const cases: Case[] = [];
    const notes: string[] = [];
    const big = sourceOf(BIG_SOURCE).slug;
    let fresh = 0;
    for (const n of SIZES) {
      const db = await mf.getD1Database("DB", `app-${n}`);
      const counts = (await db
        .prepare(
          `SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = ?1)) AS big,
                  (SELECT count(*) FROM articles WHERE search_rowid IS NULL) AS unindexed, (SELECT max(search_rowid) FROM articles) AS newest`,
        )
        .bind(big)
        .first()) as { articles: number; big: number; unindexed: number; newest: number };
      if (counts.articles !== n) throw new Error(`${dbName(n)} holds ${counts.articles} articles, not ${n}`);
      const m = markers.get(n)!;
      notes.push(
        `${label(n)}: ${n} articles (${counts.big} in the big category ${big}), ${m.search ? "search index complete" : "NO search index"}` +
          (m.search && counts.unindexed !== 0 ? ` (BUT ${counts.unindexed} unindexed)` : "") +
          (m.loadSeconds
            ? `; generated and bulk-loaded in ${m.loadSeconds.toFixed(0)} s (${Math.round(n / m.loadSeconds)}/s)`
            : "") +
          (m.indexSeconds ? `, search index by the app's backfill in ${m.indexSeconds.toFixed(0)} s` : ""),
      );
      const mid = (await db
        .prepare(
          "SELECT a.id, a.path_date, s.slug FROM articles a JOIN sources s ON s.id = a.source_id ORDER BY a.published_at DESC, a.id DESC LIMIT 1 OFFSET ?1",
        )
        .bind(Math.floor(n / 2))
        .first()) as { id: string; path_date: string; slug: string };
      const add = (
        key: string,
        kind: Case["kind"],
        worker: string,
        url: string | (() => string),
        status = 200,
        headers?: Record<string, string>,
      ) =>
        (kind === "baseline" || ONLY.test(key)) &&
        cases.push({
          size: n,
          key,
          kind,
          worker: `${worker}-${n}`,
          url: typeof url === "string" ? () => url : url,
          status,
          headers,
        });
      // A feed page above every article (the newest 20, as the feed itself) under a URL no cache
      // has seen: the render path of a feed, each request. A cursor carries a listing position,
      // the search rowid (db/search.ts), so "above every article" is above the largest one.
      const freshFeed = (path: string) => () =>
        `${path}?before=${encodeCursor({ ms: counts.newest + 1 + fresh++, id: "ffffffffffffffff" })}`;
      add("baseline: bare worker, one 20-row D1 query", "baseline", "d1", "/");
      // Uncached pages: every request a URL no cache has seen (pages are cached like feeds), so
      // each one is a miss that reads D1, renders, and fills both caches, as a first visit does.
      // Listings: a page cursor above every article (the newest 20, as the first page), or for
      // deep pages a cursor at the depth moved one article further each request; articles: a
      // different article each request, from the middle of time.
      const cursorsAt = async (offset: number, n: number) =>
        (
          await db
            .prepare(
              "SELECT search_rowid AS ms, id FROM articles WHERE source_id = (SELECT id FROM sources WHERE slug = ?1) ORDER BY search_rowid DESC LIMIT ?2 OFFSET ?3",
            )
            .bind(big, n, offset)
            .all<{ ms: number; id: string }>()
        ).results.map((r) => encodeCursor(r));
      const cycle = (urls: string[]) => {
        let i = 0;
        return () => urls[i++ % urls.length]!;
      };
      const POOL = N + 100;
      add("home /", "uncached", "app", freshFeed("/"));
      add("category, depth 1", "uncached", "app", freshFeed(`/category/${big}.html`));
      for (const depth of [100, 1000]) {
        if (counts.big >= depth * PAGE + POOL)
          add(
            `category, depth ${depth}`,
            "uncached",
            "app",
            cycle((await cursorsAt((depth - 1) * PAGE - 1, POOL)).map((cur) => `/category/${big}.html?before=${cur}`)),
          );
      }
      add("tag /tag/民生", "uncached", "app", freshFeed(`/tag/${encodeURIComponent("民生")}`));
      const articles = (
        await db
          .prepare(
            "SELECT a.id, a.path_date, s.slug FROM articles a JOIN sources s ON s.id = a.source_id ORDER BY a.published_at DESC, a.id DESC LIMIT ?2 OFFSET ?1",
          )
          .bind(Math.floor(n / 2) - POOL / 2, POOL)
          .all<{ id: string; path_date: string; slug: string }>()
      ).results;
      add("article page", "uncached", "app", cycle(articles.map((a) => `/${a.slug}/${a.path_date}/${a.id}.html`)));
      add("feed Atom, rendered", "uncached", "edge", freshFeed("/feed.xml"));
      add("feed RSS, rendered", "uncached", "edge", freshFeed("/rss.xml"));
      add("feed JSON, rendered", "uncached", "edge", freshFeed("/feed.json"));
      add("API /api/v1/articles", "uncached", "app", "/api/v1/articles");
      if (m.search) add("search /search?q=就业", "uncached", "app", `/search?q=${encodeURIComponent("就业")}`);
      add("feed Atom, cached 200 (isolate memory)", "cached", "app", "/feed.xml");
      add("feed Atom, cached 200 (Cache API)", "cached", "edge", "/feed.xml");
      add("feed Atom, 304 (isolate memory)", "cached", "app", "/feed.xml", 304, { "If-None-Match": "*" });
      const articlePath = `/${mid.slug}/${mid.path_date}/${mid.id}.html`;
      add("home /, cached 200 (isolate memory)", "cached", "app", "/");
      add("home /, cached 200 (Cache API)", "cached", "edge", "/");
      add("category, cached 200 (isolate memory)", "cached", "app", `/category/${big}.html`);
      add("tag, cached 200 (isolate memory)", "cached", "app", `/tag/${encodeURIComponent("民生")}`);
      add("article, cached 200 (isolate memory)", "cached", "app", articlePath);
      add("article, cached 200 (Cache API)", "cached", "edge", articlePath);
      add("home /, 304 (isolate memory)", "cached", "app", "/", 304);
      // A miss with If-None-Match: the page's one D1 batch, its tag compared, nothing rendered.
      // Every cursor above every article gives the same page, so one tag fits every fresh URL.
      add("home /, 304 from its rows (no render)", "uncached", "app", freshFeed("/"), 304);
    }

    // Capture each case's bytes for its bare twin; fill the caches; fix ETags for 304 cases.
    const bodies: Record<string, { status: number; body: string; type: string }> = {};
    const caseId = (c: Case) => `${c.size}:${c.key}`;
    for (const c of cases) {
      if (c.status === 304 && !c.headers) {
        const first = await (await mf.getWorker(c.worker)).fetch(`${ORIGIN}${c.url()}`);
        await first.arrayBuffer();
        c.headers = { "If-None-Match": first.headers.get("etag")! };
      }
      const res = await (await mf.getWorker(c.worker)).fetch(`${ORIGIN}${c.url()}`, { headers: c.headers });
      const body = await res.text();
      if (res.status !== c.status)
        throw new Error(`${label(c.size)} ${c.key}: HTTP ${res.status}, expected ${c.status}\n${body.slice(0, 500)}`);
      if (c.key.startsWith("category") && (body.match(/<article class="summary">/g) ?? []).length !== PAGE)
        throw new Error(`${label(c.size)} ${c.key}: not ${PAGE} articles`);
      bodies[caseId(c)] = { status: res.status, body, type: res.headers.get("content-type") ?? "text/plain" };
    }
    await mf.setOptions({ workers: workers(appPath, bodies), d1Persist: PERSIST });
    const bare = await mf.getWorker("bare");
    const fetchers = new Map<string, Awaited<ReturnType<Miniflare["getWorker"]>>>();
    for (const c of cases) if (!fetchers.has(c.worker)) fetchers.set(c.worker, await mf.getWorker(c.worker));
    // Fill the caches again (setOptions restarted the isolates), the edge copy is written in waitUntil.
    for (const c of cases)
      if (c.kind === "cached")
        await fetchers
          .get(c.worker)!
          .fetch(`${ORIGIN}${c.url()}`)
          .then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, 300));

    const once = (c: Case) => async () => {
      const res = await fetchers.get(c.worker)!.fetch(`${ORIGIN}${c.url()}`, { headers: c.headers });
      await res.arrayBuffer();
      if (res.status !== c.status) throw new Error(`${label(c.size)} ${c.key}: HTTP ${res.status}`);
    };
    const bareOnce = (c: Case) => async () => {
      const res = await bare.fetch(`http://bare/?k=${encodeURIComponent(caseId(c))}`);
      await res.arrayBuffer();
    };
    // Each case runs between its two references, in small blocks, every round: the 20-row D1
    // worker just before it and the bare worker with its bytes just after, so each ratio compares
    // figures taken seconds apart (this machine's load swings more than that between cases).
    const isPage = (c: Case) => /^(home|category|tag|article)/.test(c.key);
    const baselineOf = (c: Case) => cases.find((b) => b.size === c.size && b.kind === "baseline")!;
    const timed = cases.flatMap((c) =>
      c.kind === "baseline"
        ? [{ id: caseId(c), fn: once(c) }]
        : [
            { id: `d1 before ${caseId(c)}`, fn: once(baselineOf(c)) },
            { id: caseId(c), fn: once(c) },
            { id: `bare ${caseId(c)}`, fn: bareOnce(c) },
          ],
    );
    for (const t of timed) await measure(Math.min(50, N), C, t.fn); // warm every path
    const acc = new Map<string, { n: number; s: number; p50: number[]; p99: number[]; rps: number[] }>();
    const start = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of timed) {
        const r = await measure(Math.ceil(N / ROUNDS), C, t.fn);
        const a = acc.get(t.id) ?? { n: 0, s: 0, p50: [], p99: [], rps: [] };
        (a.n += r.n), (a.s += r.seconds), a.p50.push(r.p50), a.p99.push(r.p99), a.rps.push(r.rps);
        acc.set(t.id, a);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const stat = (id: string) => {
      const a = acc.get(id)!;
      return { rps: a.n / a.s, p50: median(a.p50), p99: median(a.p99) };
    };

    // Tables: one row per case and size.
    const verdicts: { target: string; value: string; ok: boolean }[] = [];
    const rows = cases.map((c) => {
      const s = stat(caseId(c));
      const twin = c.kind === "baseline" ? null : stat(`bare ${caseId(c)}`);
      // Ratios: the median over rounds of this case's req/s over its neighbour's in that round.
      const pairedRatio = (other: string) => {
        const mine = acc.get(caseId(c))!.rps;
        const theirs = acc.get(other)?.rps;
        return theirs ? median(mine.map((r, i) => r / theirs[i]!)) : NaN;
      };
      const vsD1 = c.kind === "baseline" ? 1 : pairedRatio(`d1 before ${caseId(c)}`);
      const vsBare = twin ? pairedRatio(`bare ${caseId(c)}`) : NaN;
      let target = "";
      if (c.kind === "uncached" && c.status === 200) {
        // Uncached HTML pages (a miss that also fills the caches) are held to 0.7× the 20-row
        // query; rendered feeds, the API and search to 0.8× as before.
        const goal = isPage(c) ? 0.7 : 0.8;
        target = `≥ ${goal}× D1: ${vsD1 >= goal ? "yes" : "NO"}`;
        verdicts.push({
          target: `${label(c.size)} ${c.key} ≥ ${goal}× the 20-row baseline`,
          value: vsD1.toFixed(2),
          ok: vsD1 >= goal,
        });
      } else if (c.kind === "cached") {
        target = `≥ 0.8× bare: ${vsBare >= 0.8 ? "yes" : "NO"}`;
        verdicts.push({
          target: `${label(c.size)} ${c.key} ≥ 0.8× the bare worker`,
          value: vsBare.toFixed(2),
          ok: vsBare >= 0.8,
        });
      }
      return {
        size: label(c.size),
        case: c.key,
        KB: c.status === 304 ? "304" : (bodies[caseId(c)]!.body.length / 1024).toFixed(1),
        "p50 ms": s.p50,
        "p99 ms": s.p99,
        "req/s": Math.round(s.rps),
        "bare same bytes req/s": twin ? Math.round(twin.rps) : "–",
        "× bare": twin ? vsBare.toFixed(2) : "–",
        "× D1 20-row": vsD1.toFixed(2),
        target,
      };
    });
    console.log(
      `\nScale: through Miniflare's API inside workerd, ${C} concurrent, ${N} requests per case and size in ${ROUNDS} interleaved rounds (${seconds.toFixed(0)} s)\n`,
    );
    table(rows);

    // Depth and size: p50 ratios.
    const ratioRows: Record<string, string>[] = [];
    for (const n of SIZES) {
      const d1 = acc.get(`${n}:category, depth 1`);
      for (const depth of [100, 1000]) {
        const d = acc.get(`${n}:category, depth ${depth}`);
        if (!d1 || !d) {
          ratioRows.push({
            what: `${label(n)}: category depth ${depth} / depth 1 (p50)`,
            ratio: "n/a (the category has fewer pages)",
            target: depth === 1000 ? "≤ 1.1" : "",
            ok: "",
          });
          continue;
        }
        const r = median(d.p50) / median(d1.p50);
        ratioRows.push({
          what: `${label(n)}: category depth ${depth} / depth 1 (p50)`,
          ratio: r.toFixed(2),
          target: depth === 1000 ? "≤ 1.1" : "",
          ok: depth === 1000 ? (r <= 1.1 ? "yes" : "NO") : "",
        });
        if (depth === 1000)
          verdicts.push({
            target: `${label(n)} category p50 depth 1000 ≤ 1.1× depth 1`,
            value: r.toFixed(2),
            ok: r <= 1.1,
          });
      }
    }
    if (SIZES.length > 1) {
      const [small, large] = [SIZES[0]!, SIZES[SIZES.length - 1]!];
      for (const c of cases.filter((c) => c.size === large && c.kind !== "baseline")) {
        const a = acc.get(`${small}:${c.key}`);
        if (!a) continue;
        const r = stat(caseId(c)).p50 / median(a.p50);
        ratioRows.push({
          what: `${c.key}: p50 ${label(large)} / ${label(small)}`,
          ratio: r.toFixed(2),
          target: "≤ 1.3",
          ok: r <= 1.3 ? "yes" : "NO",
        });
        verdicts.push({
          target: `${c.key} p50 at ${label(large)} ≤ 1.3× ${label(small)}`,
          value: r.toFixed(2),
          ok: r <= 1.3,
        });
      }
    }
    // Pages served like feeds: each page's uncached ratio (to the 20-row query) beside its cached
    // ones (to a bare worker returning the same bytes), from this one run.
    const ratioOf = (size: number, key: string) => rows.find((r) => r.size === label(size) && r.case === key);
    const pageRows = SIZES.flatMap((n) =>
      [
        ["home /", "home /, cached 200 (isolate memory)", "home /, cached 200 (Cache API)"],
        ["category, depth 1", "category, cached 200 (isolate memory)", ""],
        ["tag /tag/民生", "tag, cached 200 (isolate memory)", ""],
        ["article page", "article, cached 200 (isolate memory)", "article, cached 200 (Cache API)"],
      ].map(([uncached, memory, edge]) => ({
        size: label(n),
        page: uncached!,
        "uncached × D1 20-row (≥ 0.7)": ratioOf(n, uncached!)?.["× D1 20-row"] ?? "–",
        "cached memory × bare (≥ 0.8)": ratioOf(n, memory!)?.["× bare"] ?? "–",
        "cached Cache API × bare (≥ 0.8)": edge ? (ratioOf(n, edge)?.["× bare"] ?? "–") : "–",
      })),
    );
    console.log(
      "\nPages served like feeds: uncached vs the 20-row D1 query, cached vs a bare worker with the same bytes\n",
    );
    table(pageRows);
    console.log("\nFlat with depth and with size (ratios of p50)\n");
    table(ratioRows);
    const missed = verdicts.filter((v) => !v.ok);
    console.log(
      `\nTargets: ${verdicts.length - missed.length} of ${verdicts.length} met${missed.length ? `; missed:\n${missed.map((v) => `- ${v.target}: ${v.value}`).join("\n")}` : ""}`,
    );
    console.log(`\nData\n${notes.map((l) => `- ${l}`).join("\n")}`);
    console.log(
      "\nNotes: each case's \"bare same bytes\" is a worker returning that case's exact response bytes (status, content type);\n" +
        "each case runs between the 20-row D1 worker and its bare twin every round, and a ratio is the median over rounds of\n" +
        "the case's req/s over its neighbour's in the same round (req/s columns: all rounds together).\n" +
        "The D1 baseline reads the newest 20 articles' id, title, summary and date through the search rowid's index. Rendered feeds use\n" +
        "a page cursor above every article (the newest 20, like the feed itself) under a URL no cache has seen, on an isolate\n" +
        "with MEMORY_CACHE_MB=0. Uncached pages are misses on the production config (each URL new: a cursor above every\n" +
        "article, a deep cursor moved one article per request, a different article each request). The home 304 from its rows\n" +
        "is a miss with If-None-Match: one D1 batch and a tag compared, nothing rendered.\n" +
        "This machine is shared (2 cores): expect ±20 % between runs.",
    );
  } finally {
    await mf.dispose();
  }
}

await main();
