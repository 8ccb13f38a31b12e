// npm run bench:search — search latency inside workerd over 100,000 synthetic Chinese articles in
// local D1: p50/p99 of one page of results (the app's listArticles, search scope) per query class,
// beside a trivial 20-row D1 read, and the size of the FTS index beside the table's
// (method: README, Benchmarks). Options: --articles N (default 100000), --requests N per class
// (default 500), --persist (keep the loaded D1 in .tmp/bench/search-d1, reuse it while its inputs
// are unchanged, and read exact page sizes from the file with sqlite3's dbstat when available),
// --no-merge (time the index as loaded, without the cron's merge of its segments: needs a fresh
// load, since a persisted one keeps its merge).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ROOT, benchGet, bundle, mergeUntilSettled, migrationsSql, table } from "./lib";

const COMPAT = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };
/** Articles per load request (one db.batch of ~5 statements per article). */
const CHUNK = 200;
/** Rounds the timed requests are spread over, every class in each, so drift hits all alike. */
const ROUNDS = 20;
const WARM = 5;
/** Searches per request for the in-request figure. */
const IN_REQUEST = 10;
const TARGET_MS = 5;
const PERSIST_DIR = join(ROOT, ".tmp/bench/search-d1");
/** What a persisted database was built from: reused only while all of it is unchanged. */
const BUILT_FROM = [
  "bench/search-data.ts",
  "src/core/search-tokens.ts",
  "src/db/search.ts",
  "src/db/articles.ts",
  "src/db/article-writes.ts",
  "src/db/sources.ts",
];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} wants a positive integer`);
  return v;
}
const ARTICLES = option("articles", 100_000);
const REQUESTS = option("requests", 500);
const PERSIST = process.argv.includes("--persist");
const MERGE = !process.argv.includes("--no-merge");

interface QueryClass {
  key: string;
  queries: string[];
  /** ms; null: reported, not judged. */
  target: number | null;
  /** Every query of the class must match nothing. */
  none?: boolean;
  note?: string;
}

const CLASSES: QueryClass[] = [
  { key: "2-char", queries: ["就业", "医院", "社区", "漓江"], target: TARGET_MS },
  { key: "3-char", queries: ["服务站", "图书馆", "幼儿园", "高铁站"], target: TARGET_MS },
  { key: "4-char", queries: ["充分就业", "老旧小区", "垃圾分类", "乡村振兴"], target: TARGET_MS },
  { key: "English / mixed", queries: ["hono", "Cloudflare", "GDP", "5G网络"], target: TARGET_MS },
  { key: "common word", queries: ["桂林", "市民", "服务", "工作"], target: TARGET_MS },
  { key: "no match", queries: ["火星", "恐龙化石"], target: TARGET_MS, none: true },
  {
    key: "1-char",
    queries: ["桂", "漓", "橘"],
    target: TARGET_MS,
    note: "the index's terms starting with the character, OR'd (db/search-vocab.ts)",
  },
  {
    key: "no match, every bigram common (separately)",
    queries: ["社区市", "市场馆"],
    target: null,
    none: true,
    note: "each bigram occurs, never in this order",
  },
];

interface Check {
  match: string;
  total: number;
  pageRows: number;
  rowsRead: number;
  perToken: Record<string, number>;
  plan: string[];
}
interface SearchResult {
  rows: number;
  more: boolean;
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(n * 1000 < of ? 2 : 1)} %`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const range = (xs: number[], f: (x: number) => string = String) => {
  const lo = Math.min(...xs),
    hi = Math.max(...xs);
  return lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`;
};

async function main() {
  const scriptPath = await bundle("bench/search-worker.ts", "search-worker");
  const marker = join(PERSIST_DIR, "loaded.json");
  const hash = createHash("sha256");
  for (const f of BUILT_FROM) hash.update(readFileSync(join(ROOT, f)));
  hash.update(migrationsSql().join(";\n"));
  const built = JSON.stringify({ articles: ARTICLES, from: hash.digest("hex") });
  const reuse = PERSIST && existsSync(marker) && readFileSync(marker, "utf8") === built;
  if (PERSIST && !reuse) rmSync(PERSIST_DIR, { recursive: true, force: true });
  const mf = new Miniflare({
    workers: [{ name: "search", modules: true, scriptPath, ...COMPAT, d1Databases: { DB: "bench-search-db" } }],
    ...(PERSIST ? { d1Persist: PERSIST_DIR } : {}),
  });
  try {
    const worker = await mf.getWorker("search");
    const get = benchGet(worker);
    const checks: string[] = [];

    // 1. Load: every migration, then ARTICLES articles in db.batch chunks of CHUNK, the
    //    statements built in the worker by the app's own upsertArticleStatements.
    let loadSeconds = 0;
    if (reuse) {
      checks.push(`load: reused the persisted database in ${PERSIST_DIR} (${ARTICLES} articles)`);
    } else {
      const db = await mf.getD1Database("DB", "search");
      for (const q of migrationsSql()) await db.prepare(q).run();
      const start = performance.now();
      let statements = 0;
      let loaded = 0;
      let nextReport = ARTICLES / 10;
      for (let from = 0; from < ARTICLES; from += CHUNK) {
        const r = await get<{ articles: number; statements: number }>(
          `op=load&from=${from}&n=${CHUNK}&total=${ARTICLES}`,
        );
        loaded += r.articles;
        statements += r.statements;
        if (loaded >= nextReport) {
          const s = (performance.now() - start) / 1000;
          console.log(`loaded ${loaded} articles in ${s.toFixed(0)} s (${Math.round(loaded / s)}/s)`);
          nextReport += ARTICLES / 10;
        }
      }
      loadSeconds = (performance.now() - start) / 1000;
      checks.push(
        `load: ${loaded} articles in ${Math.ceil(ARTICLES / CHUNK)} db.batch calls of ${CHUNK} articles (${statements} statements), ` +
          `${loadSeconds.toFixed(0)} s (${Math.round(loaded / loadSeconds)} articles/s)`,
      );
      if (PERSIST) {
        mkdirSync(PERSIST_DIR, { recursive: true });
        writeFileSync(marker, built);
      }
    }

    // 1b. The cron's merge of the index's segments (src/archive/search-merge.ts), tick after tick
    //     until nothing is left to merge, as a deployment's cron does after a load.
    interface Segments {
      segments: number;
      pages: number;
      mergeable: boolean;
    }
    const loadedAs = await get<Segments>("op=segments");
    if (MERGE) {
      const mergeStart = performance.now();
      const { ticks, calls } = await mergeUntilSettled(() => get<{ calls: number; settled: boolean }>("op=merge"));
      const merged = await get<Segments>("op=segments");
      if (merged.mergeable) throw new Error(`merge: still mergeable after ${ticks} ticks: ${JSON.stringify(merged)}`);
      checks.push(
        `segments: ${loadedAs.segments} as loaded (${loadedAs.pages} leaf pages); the cron's merge made ${calls} calls in ` +
          `${ticks} tick(s), ${((performance.now() - mergeStart) / 1000).toFixed(1)} s, leaving ${merged.segments} ` +
          `(${merged.pages} leaf pages)`,
      );
    } else {
      checks.push(`segments: ${loadedAs.segments} as loaded (${loadedAs.pages} leaf pages), not merged (--no-merge)`);
    }

    // 2. What was stored, and its size.
    const sizes = await get<Record<string, number>>("op=sizes");
    if (sizes.articles !== ARTICLES || sizes.unindexed !== 0 || sizes.ftsDocsizeRows !== ARTICLES) {
      throw new Error(`stored: ${JSON.stringify(sizes)}`);
    }
    const days = (sizes.maxPublished! - sizes.minPublished!) / 86_400_000;
    checks.push(
      `stored: ${sizes.articles} articles (every one with a search index row), ${sizes.sources} sources, ${sizes.tags} tags, ` +
        `${sizes.articleTags} tag links; published over ${days.toFixed(0)} days; ` +
        `~${Math.round(sizes.contentHtmlBytes! / sizes.articles!)} bytes of body HTML each`,
    );
    const verify = await get<
      {
        i: number;
        stored: boolean;
        sameText: boolean;
        tags: boolean;
        offset: number;
        rowidOk: boolean;
        indexed: number;
      }[]
    >(`op=verify&total=${ARTICLES}`);
    for (const v of verify) {
      if (!v.stored || !v.sameText || !v.tags || v.offset !== 480 || !v.rowidOk || v.indexed !== 1)
        throw new Error(`article ${v.i}: ${JSON.stringify(v)}`);
    }
    checks.push(
      `articles ${verify.map((v) => v.i).join(", ")}: stored as generated (tags in order, +08:00, search rowid = published_at second × 16 + tiebreak, ` +
        `one index row); their body text equals htmlToText of the stored HTML, i.e. what ingest indexes`,
    );

    // 3. Each query: its FTS5 expression, total matches (against a full scan without the index),
    //    the page it returns, per-token document counts, the plan.
    const all = CLASSES.flatMap((c) => c.queries);
    const info = new Map<string, Check>();
    for (const q of all) info.set(q, await get<Check>(`op=check&q=${encodeURIComponent(q)}`));
    const truthStart = performance.now();
    const truth = await get<number[]>(`op=truth&qs=${encodeURIComponent(JSON.stringify(all))}`);
    const truthMs = performance.now() - truthStart;
    all.forEach((q, i) => {
      const c = info.get(q)!;
      if (c.total !== truth[i]) throw new Error(`${q}: the index finds ${c.total} articles, a full scan ${truth[i]}`);
      if (c.pageRows !== Math.min(c.total, 20))
        throw new Error(`${q}: page of ${c.pageRows} rows for ${c.total} matches`);
    });
    for (const cls of CLASSES) {
      for (const q of cls.queries) {
        const c = info.get(q)!;
        if (cls.none && c.total !== 0) throw new Error(`${q}: expected no match, found ${c.total}`);
        if (!cls.none && c.total === 0) throw new Error(`${q}: no match, pick a word that occurs`);
      }
      checks.push(
        `${cls.key}: ` +
          cls.queries
            .map((q) => {
              const c = info.get(q)!;
              const tokens = Object.entries(c.perToken)
                .map(([t, n]) => `${t} in ${pct(n, ARTICLES)}`)
                .join(", ");
              return `${q} → ${c.match}: ${c.total} articles (${pct(c.total, ARTICLES)}), page ${c.pageRows} rows, D1 rows_read ${c.rowsRead}; tokens: ${tokens}`;
            })
            .join("; "),
      );
    }
    checks.push(
      `every query's total equals a full scan's count of articles holding the text (one scan of all ${ARTICLES} articles: ${(truthMs / 1000).toFixed(1)} s)`,
    );
    const plans = new Set(all.map((q) => info.get(q)!.plan.join("\n")));
    const plan = plans.size === 1 ? [...plans][0]! : `${plans.size} different plans:\n${[...plans].join("\n--\n")}`;

    // 4. Timing: one request = one search page (or one reference request); wall time from Node.
    //    REQUESTS per row, spread over ROUNDS interleaved rounds, every response checked.
    interface TimedCase extends QueryClass {
      request: (q: string) => string;
      reference?: boolean;
    }
    const EMPTY: TimedCase = {
      key: "floor: a request with no D1 call",
      queries: ["–"],
      target: null,
      reference: true,
      request: () => "op=empty",
    };
    const BASELINE: TimedCase = {
      key: "baseline: SELECT id FROM articles LIMIT 20",
      queries: ["–"],
      target: null,
      reference: true,
      request: () => "op=baseline",
    };
    const FRONT: TimedCase = {
      key: "reference: front page listing (no FTS)",
      queries: ["–"],
      target: null,
      reference: true,
      request: () => "op=front",
    };
    const cases: TimedCase[] = [
      EMPTY,
      BASELINE,
      FRONT,
      ...CLASSES.map((c) => ({ ...c, request: (q: string) => `op=search&q=${encodeURIComponent(q)}` })),
    ];
    const expected = (c: TimedCase, q: string) => (c === EMPTY ? 0 : c.reference ? 20 : info.get(q)!.pageRows);
    const call = async (c: TimedCase, q: string) => {
      const r = await get<SearchResult>(c.request(q));
      if (r.rows !== expected(c, q) || (!c.reference && r.more !== info.get(q)!.total > 20))
        throw new Error(`${c.key} ${q}: ${JSON.stringify(r)}`);
    };
    for (const c of cases) for (const q of c.queries) for (let w = 0; w < WARM; w++) await call(c, q);
    const perRound = Math.ceil(REQUESTS / ROUNDS);
    const lat = new Map<string, number[]>(cases.map((c) => [c.key, []]));
    const perQuery = new Map<string, number[]>();
    const timeStart = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        for (let k = 0; k < perRound; k++) {
          const q = c.queries[(round * perRound + k) % c.queries.length]!;
          const t = performance.now();
          await call(c, q);
          const ms = performance.now() - t;
          lat.get(c.key)!.push(ms);
          if (!c.reference) perQuery.set(q, [...(perQuery.get(q) ?? []), ms]);
        }
      }
    }
    // In-request: (a request running the search IN_REQUEST times − the same request running it
    // 0 times) / IN_REQUEST, as bench:ingest does: the cost of one search inside workerd, the
    // D1 call included, without the hop from Node through Miniflare's API. Median of ROUNDS.
    const inRequest = new Map<string, number[]>();
    const inRequestPerQuery = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        if (c === EMPTY) continue;
        const q = c.queries[round % c.queries.length]!;
        let t = performance.now();
        await get(`${c.request(q)}&repeat=0`);
        const zero = performance.now() - t;
        t = performance.now();
        const r = await get<SearchResult>(`${c.request(q)}&repeat=${IN_REQUEST}`);
        const loaded = performance.now() - t;
        if (r.rows !== expected(c, q)) throw new Error(`${c.key} ${q} ×${IN_REQUEST}: ${JSON.stringify(r)}`);
        inRequest.set(c.key, [...(inRequest.get(c.key) ?? []), (loaded - zero) / IN_REQUEST]);
        if (!c.reference) inRequestPerQuery.set(q, [...(inRequestPerQuery.get(q) ?? []), (loaded - zero) / IN_REQUEST]);
      }
    }
    const timeSeconds = (performance.now() - timeStart) / 1000;
    const summary = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
    };
    const stats = new Map([...lat].map(([k, xs]) => [k, summary(xs)] as const));
    const base = stats.get(BASELINE.key)!;
    const inside = (c: TimedCase) =>
      quantile(
        [...inRequest.get(c.key)!].sort((a, b) => a - b),
        0.5,
      );
    const rows = cases.map((c) => {
      const s = stats.get(c.key)!;
      return {
        class: c.key,
        queries: c.reference ? "–" : c.queries.join(" "),
        "rows returned": c.reference ? String(expected(c, "")) : range(c.queries.map((q) => expected(c, q))),
        "articles matching": c.reference
          ? "–"
          : range(
              c.queries.map((q) => info.get(q)!.total),
              (n) => pct(n, ARTICLES),
            ),
        "p50 ms": s.p50,
        "p99 ms": s.p99,
        "× baseline": (s.p50 / base.p50).toFixed(2),
        "in-request ms": c === EMPTY ? "–" : inside(c).toFixed(3),
        "target ms": c.target ?? "",
        "ok (p50 / in-request)":
          c.target === null ? "" : `${s.p50 <= c.target ? "yes" : "NO"} / ${inside(c) <= c.target ? "yes" : "NO"}`,
      };
    });
    checks.push(
      `p50 per query (ms): ${CLASSES.flatMap((c) => c.queries.map((q) => `${q} ${summary(perQuery.get(q)!).p50.toFixed(2)}`)).join(", ")}`,
    );
    // A class's in-request figure is the median over its queries taken in turn; each query's own
    // (median of the rounds that ran it) shows a query the class median hides.
    checks.push(
      `in-request per query (ms, median of ${Math.floor(ROUNDS / 4)}–${ROUNDS / 2} rounds): ${CLASSES.flatMap((c) => c.queries.map((q) => `${q} ${summary(inRequestPerQuery.get(q)!).p50.toFixed(2)}`)).join(", ")}`,
    );

    // 5. Output.
    console.log(
      `\nSearch over ${ARTICLES} synthetic Chinese articles (~${(sizes.articleTextBytes! / sizes.articles! / 1024).toFixed(1)} KB of title + summary + HTML each) in local D1, inside workerd`,
    );
    console.log(
      `One request = one page of 20 results through the app's listArticles (search scope), timed from Node;\n` +
        `${stats.get(BASELINE.key)!.n} requests per row in ${ROUNDS} interleaved rounds, one at a time. In-request: (a request running\n` +
        `the search ${IN_REQUEST} times − one running it 0 times) / ${IN_REQUEST}, median of ${ROUNDS}, i.e. without the hop from Node (${timeSeconds.toFixed(0)} s in all)\n`,
    );
    table(rows);
    const idxBytes = sizes.ftsDataBytes! + sizes.ftsIdxBytes! + sizes.ftsDocsizeBytes!;
    console.log(
      `\nSizes: D1 refuses PRAGMA page_count/page_size and has no dbstat, so these are the bytes of the rows,\n` +
        `summed in SQL (length of each column; the FTS5 shadow tables' blocks); the file size is D1's meta.size_after\n`,
    );
    table([
      {
        what: "articles: title + summary + content_html",
        rows: sizes.articles!,
        bytes: mb(sizes.articleTextBytes!),
        "per article": `${Math.round(sizes.articleTextBytes! / sizes.articles!)} B`,
      },
      {
        what: "articles: the other columns (ids, URLs, dates, hash)",
        rows: sizes.articles!,
        bytes: mb(sizes.articleOtherBytes!),
        "per article": `${Math.round(sizes.articleOtherBytes! / sizes.articles!)} B`,
      },
      {
        what: "FTS index: search_index_data (segment blocks)",
        rows: sizes.ftsDataRows!,
        bytes: mb(sizes.ftsDataBytes!),
        "per article": `${Math.round(sizes.ftsDataBytes! / sizes.articles!)} B`,
      },
      {
        what: "FTS index: search_index_idx + search_index_docsize",
        rows: sizes.ftsIdxRows! + sizes.ftsDocsizeRows!,
        bytes: mb(sizes.ftsIdxBytes! + sizes.ftsDocsizeBytes!),
        "per article": `${Math.round((sizes.ftsIdxBytes! + sizes.ftsDocsizeBytes!) / sizes.articles!)} B`,
      },
      {
        what: "FTS index (article tokens and labels), all",
        rows: "",
        bytes: mb(idxBytes),
        "per article": `${Math.round(idxBytes / sizes.articles!)} B (${((100 * idxBytes) / sizes.articleTextBytes!).toFixed(0)} % of the article text)`,
      },
      {
        what: "whole database file (D1 meta.size_after)",
        rows: "",
        bytes: mb(sizes.dbBytes!),
        "per article": `${Math.round(sizes.dbBytes! / sizes.articles!)} B`,
      },
    ]);
    console.log("\nChecks");
    for (const line of checks) console.log(`- ${line}`);
    console.log(
      `- query plan (${plans.size === 1 ? "the same for every query" : "differs"}; the sort is the tags subquery's, per row):\n${plan.replace(/^/gm, "    ")}`,
    );
    console.log(
      "\nNote: local D1 is SQLite behind Miniflare's D1 simulator in the same workerd process, and each\n" +
        "request goes from Node through Miniflare's API: the floor and baseline rows are those costs, which\n" +
        "every search row includes; in production a D1 query is I/O the worker waits on. D1's rows_read\n" +
        "counts the rows of articles, sources and tags a page reads, not FTS5's own shadow-table reads.\n" +
        'The "separately" row is reported, not judged: a phrase whose bigrams are all common but never\n' +
        "adjacent is the worst case of a bigram index (FTS5 walks both posting lists to prove it absent).\n" +
        "This machine is shared: expect ±20 % between runs.",
    );
  } finally {
    await mf.dispose();
  }
  if (PERSIST) exactSizes();
}

/** With --persist the D1 file is on disk, and a sqlite3 binary (when there is one) can read its
 *  dbstat, which D1 itself refuses: exact pages per table and index, beside the estimate above. */
function exactSizes(): void {
  const dir = join(PERSIST_DIR, "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  let out: string;
  try {
    out = execFileSync(
      "sqlite3",
      [
        "-separator",
        "\t",
        join(dir, file!),
        "SELECT name, count(*), sum(pgsize), sum(payload) FROM dbstat GROUP BY name",
      ],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
  } catch (e) {
    console.log(`\n(exact sizes skipped: no sqlite3 with dbstat: ${(e as Error).message.split("\n")[0]})`);
    return;
  }
  const group = (name: string) =>
    name === "articles"
      ? "articles table"
      : name.startsWith("articles_") || name.startsWith("sqlite_autoindex_articles")
        ? "articles' indexes (time, source, guid, id, search rowid)"
        : name.startsWith("search_index")
          ? "FTS index (search_index_*)"
          : /^(sqlite_autoindex_)?tags/.test(name)
            ? "tags (names)"
            : "sources, schema, other";
  const sums = new Map<string, { pages: number; bytes: number; payload: number }>();
  let totalBytes = 0;
  for (const line of out.trim().split("\n")) {
    const [name, pages, bytes, payload] = line.split("\t") as [string, string, string, string];
    const g = sums.get(group(name)) ?? { pages: 0, bytes: 0, payload: 0 };
    g.pages += Number(pages);
    g.bytes += Number(bytes);
    g.payload += Number(payload);
    sums.set(group(name), g);
    totalBytes += Number(bytes);
  }
  const articles = sums.get("articles table")!.bytes;
  console.log(`\nExact sizes on disk (sqlite3 dbstat on the persisted D1 file, ${file})\n`);
  table(
    [...sums]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([what, g]) => ({
        what,
        pages: g.pages,
        "on disk": mb(g.bytes),
        payload: mb(g.payload),
        "× articles table": (g.bytes / articles).toFixed(2),
      }))
      .concat([
        {
          what: "all",
          pages: [...sums.values()].reduce((n, g) => n + g.pages, 0),
          "on disk": mb(totalBytes),
          payload: "",
          "× articles table": "",
        },
      ]),
  );
}

await main();
