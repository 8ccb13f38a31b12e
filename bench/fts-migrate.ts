// npm run bench:fts-migrate — migrations/0019_one_search_row.sql and the cron's rebuild of the
// search index (src/archive/search-rebuild.ts) on a database of the layout before it, inside
// workerd's local D1: every migration up to 0018 (and 0020's column), then N articles of the search bench's generator
// written in that layout (bench/search-worker.ts op=load-old), then each statement of 0019 timed,
// then the rebuild one batch per request (op=rebuild: the cron's tick bounded to one batch), each
// timed, with the batch sizes the cron uses. Checks after: one index row per article, unique
// rowids, no row left without its words, and the search bench's totals (a query's matches equal a
// full scan's count) for a few words.
// Options: --articles N (default 100000). Method and results: bench/README.md, Search.
import { Miniflare } from "miniflare";
import { WORDS_PENDING_MATCH } from "../src/core/search-tokens";
import { SEARCH_REBUILD_LIMITS, type SearchRebuildOutcome } from "../src/archive/search-rebuild";
import { benchGet, bundle, migrationsSql, table } from "./lib";

const COMPAT = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };
const CHUNK = 200;
const at = process.argv.indexOf("--articles");
const ARTICLES = at > 0 ? Number(process.argv[at + 1]) : 100_000;
const WORDS = ["桂", "就业", "图书馆", "垃圾分类", "hono", "5G网络"];

async function main() {
  const scriptPath = await bundle("bench/search-worker.ts", "search-worker");
  const mf = new Miniflare({
    workers: [{ name: "search", modules: true, scriptPath, ...COMPAT, d1Databases: { DB: "bench-migrate-db" } }],
  });
  try {
    const worker = await mf.getWorker("search");
    const get = benchGet(worker);
    const db = await mf.getD1Database("DB", "search");
    // The layout before 0019, plus 0020's one new column: the loader writes each row with the
    // app's own statement, which names it (0020 only adds that column, so it can go first).
    for (const q of migrationsSql((f) => f < "0019" || f.startsWith("0020"))) await db.prepare(q).run();
    const loadStart = performance.now();
    for (let from = 0; from < ARTICLES; from += CHUNK) {
      await get(`op=load-old&from=${from}&n=${CHUNK}&total=${ARTICLES}`);
      if ((from + CHUNK) % (ARTICLES / 5) === 0) console.log(`loaded ${from + CHUNK} articles (earlier layout)`);
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const rows: Record<string, string>[] = [];
    let total = 0;
    for (const q of migrationsSql((f) => f >= "0019" && !f.startsWith("0020"))) {
      const start = performance.now();
      await db.prepare(q).run();
      const ms = performance.now() - start;
      total += ms;
      rows.push({ statement: q.replace(/\s+/g, " ").slice(0, 90), seconds: (ms / 1000).toFixed(2) });
    }
    rows.push({ statement: "all of 0019 and 0021", seconds: (total / 1000).toFixed(2) });

    // The rebuild, one batch per request, each timed.
    const steps: Record<string, string>[] = [];
    for (const [step, size, key] of [
      ["1", SEARCH_REBUILD_LIMITS.relabelBatch, "relabelled"],
      ["2", SEARCH_REBUILD_LIMITS.wordsBatch, "worded"],
    ] as const) {
      const times: number[] = [];
      let articles = 0;
      for (;;) {
        const start = performance.now();
        const outcome = await get<SearchRebuildOutcome>(`op=rebuild&step=${step}&batch=${size}`);
        const ms = performance.now() - start;
        if (outcome[key] === 0) break;
        times.push(ms);
        articles += outcome[key];
      }
      const sum = times.reduce((a, b) => a + b, 0);
      times.sort((a, b) => a - b);
      steps.push({
        step: step === "1" ? "1: new rowid and labels" : "2: words",
        "batch (articles)": String(size),
        batches: String(times.length),
        "p50 ms": (times[Math.floor(times.length / 2)] ?? 0).toFixed(0),
        "max ms": (times.at(-1) ?? 0).toFixed(0),
        "articles/s": ((articles * 1000) / sum).toFixed(0),
        "all, s": (sum / 1000).toFixed(1),
      });
    }

    const counts = await db
      .prepare(
        `SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(DISTINCT search_rowid) FROM articles) AS rowids,
           (SELECT count(*) FROM search_index) AS indexed,
           (SELECT count(*) FROM search_index WHERE search_index MATCH '${WORDS_PENDING_MATCH}') AS pending`,
      )
      .first<{ articles: number; rowids: number; indexed: number; pending: number }>();
    if (
      counts!.articles !== ARTICLES ||
      counts!.rowids !== ARTICLES ||
      counts!.indexed !== ARTICLES ||
      counts!.pending !== 0
    )
      throw new Error(`after 0019: ${JSON.stringify(counts)}`);
    const truth = await get<number[]>(`op=truth&qs=${encodeURIComponent(JSON.stringify(WORDS))}`);
    for (const [i, w] of WORDS.entries()) {
      const c = await get<{ total: number }>(`op=check&q=${encodeURIComponent(w)}`);
      if (c.total !== truth[i]) throw new Error(`${w}: the migrated index finds ${c.total}, a full scan ${truth[i]}`);
    }
    console.log(
      `\nmigrations/0019 on ${ARTICLES} articles of the earlier layout (loaded in ${loadSeconds.toFixed(0)} s), local D1 inside workerd\n`,
    );
    table(rows);
    console.log(
      "\nThe rebuild (the cron's tick, one batch per request, timed from outside; a tick runs batches for up to a minute)\n",
    );
    table(steps);
    console.log(
      `\nChecks: ${ARTICLES} articles, ${ARTICLES} distinct rowids, ${ARTICLES} index rows, none without its words; totals equal a full scan's for ${WORDS.join(" ")}`,
    );
  } finally {
    await mf.dispose();
  }
}

await main();
