// npm run bench:archive — bytes on disk per article before and after the archive tier moves every
// body to R2, at ARCHIVE_BENCH_N articles (default 100,000). The data is bench:scale's (the search
// bench's generator: ~1.6 KB of Chinese body text per article), loaded with bench/scale-data.ts's
// bulkLoad and indexed by the app's own backfill inside workerd. Sizes are sqlite3's dbstat on the
// D1 file (pages in use; D1 itself refuses dbstat), grouped as bench:search groups them, then again
// after the archive step's UPDATE (content_html = '', archived_at set) on a copy of the file, and the
// file size after VACUUM. Method and figures: bench/README.md#archive.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ROOT, bundle, migrationsSql, table } from "./lib";
import { bulkLoad } from "./scale-data";

const N = Number(process.env.ARCHIVE_BENCH_N ?? 100_000);
const PERSIST = join(ROOT, ".tmp/bench/archive-d1");
const COMPAT = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };

const sqlite = (file: string, sql: string) =>
  execFileSync("sqlite3", ["-separator", "\t", file, sql], { encoding: "utf8", maxBuffer: 1 << 26 });

const group = (name: string) =>
  name === "articles"
    ? "articles table"
    : name.startsWith("articles_") || name.startsWith("sqlite_autoindex_articles")
      ? "articles' indexes"
      : name.startsWith("search_index")
        ? "FTS index (search_index_*)"
        : /^(sqlite_autoindex_)?(article_)?tags/.test(name)
          ? "tags + article_tags"
          : "sources, schema, other";

function sizes(file: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of sqlite(file, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name").trim().split("\n")) {
    const [name, bytes] = line.split("\t") as [string, string];
    sums.set(group(name), (sums.get(group(name)) ?? 0) + Number(bytes));
  }
  return sums;
}

/** Load and index N articles into a fresh D1 file; with ARCHIVE_BENCH_REUSE=1, the last run's. */
async function loadedFile(): Promise<string> {
  const dir = join(PERSIST, "miniflare-D1DatabaseObject");
  const find = () => join(dir, readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!);
  if (process.env.ARCHIVE_BENCH_REUSE === "1" && existsSync(dir)) return find();
  rmSync(PERSIST, { recursive: true, force: true });
  mkdirSync(PERSIST, { recursive: true });
  const worker = await bundle("bench/scale-worker.ts", "scale-worker");
  const setup = () =>
    new Miniflare({
      workers: [{ name: "setup", modules: true, scriptPath: worker, ...COMPAT, d1Databases: { DB: "archive-bench" } }],
      d1Persist: PERSIST,
    });
  let mf = setup();
  const db = await mf.getD1Database("DB", "setup");
  for (const q of migrationsSql()) await db.prepare(q).run();
  await mf.dispose();
  const file = find();
  // Fold the WAL in, so sqlite3 sees every table the migrations made.
  sqlite(file, "PRAGMA wal_checkpoint(TRUNCATE)");

  console.log(`loading ${N} articles …`);
  const loadSeconds = await bulkLoad(file, N, () => undefined);
  console.log(`  loaded in ${loadSeconds.toFixed(0)} s; indexing with the app's backfill …`);
  mf = setup();
  const w = await mf.getWorker("setup");
  const start = performance.now();
  for (;;) {
    const r = await w.fetch("http://bench/?op=index&n=2000");
    if (!r.ok) throw new Error(`index: ${await r.text()}`);
    if (((await r.json()) as { indexed: number }).indexed === 0) break;
  }
  console.log(`  indexed in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  await mf.dispose();
  sqlite(file, "PRAGMA wal_checkpoint(TRUNCATE)");
  return file;
}

async function main() {
  const file = await loadedFile();
  const counts = sqlite(
    file,
    "SELECT count(*), sum(search_rowid IS NULL), sum(length(CAST(content_html AS BLOB))), sum(length(CAST(summary AS BLOB))) FROM articles",
  )
    .trim()
    .split("\t")
    .map(Number);
  const [articles, unindexed, bodyBytes, summaryBytes] = counts as [number, number, number, number];
  if (articles !== N || unindexed !== 0) throw new Error(`expected ${N} indexed articles, got ${counts.join(" ")}`);

  const live = sizes(file);
  // The archive step's own update (db/archive.ts markArchivedStatement), for every article at once.
  const archivedFile = join(PERSIST, "archived.sqlite");
  copyFileSync(file, archivedFile);
  // db/archive.ts markArchivedStatement for every article at once: the body emptied and the row
  // moved to a rowid past the end (one statement here; the app moves each to max(rowid) + 1).
  sqlite(
    archivedFile,
    `UPDATE articles SET content_html = '', archived_at = ${Date.now()}, rowid = rowid + (SELECT max(rowid) FROM articles)
     WHERE archived_at IS NULL`,
  );
  const freeInPlace = Number(sqlite(archivedFile, "PRAGMA freelist_count").trim()) * 4096;
  const inPlace = sizes(archivedFile);
  const beforeVacuum = statSync(archivedFile).size;
  sqlite(archivedFile, "VACUUM");
  const archived = sizes(archivedFile);
  const fileAfter = statSync(archivedFile).size;

  const kb = (bytes: number) => `${(bytes / N / 1024).toFixed(2)} KB`;
  const groups = [...new Set([...live.keys(), ...archived.keys()])].sort(
    (a, b) => (live.get(b) ?? 0) - (live.get(a) ?? 0),
  );
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  console.log(
    `\n${N} articles; body text ${kb(bodyBytes)} (HTML, UTF-8) and summary ${kb(summaryBytes)} per article\n` +
      "Bytes on disk per article (sqlite3 dbstat: pages of each table and index), live, then with every body moved\n" +
      "to R2: in use right after the archive step's update, and after VACUUM (pages repacked):\n",
  );
  table(
    [...groups, "all"].map((g) => ({
      what: g,
      "live, per article": kb(g === "all" ? total(live) : (live.get(g) ?? 0)),
      "archived, in use": kb(g === "all" ? total(inPlace) : (inPlace.get(g) ?? 0)),
      "archived, after VACUUM": kb(g === "all" ? total(archived) : (archived.get(g) ?? 0)),
    })),
  );
  console.log(
    `\nFile: ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB live; archived ${(beforeVacuum / 2 ** 20).toFixed(1)} MiB before VACUUM, ${kb(freeInPlace)} per article of it on the free list that new rows reuse, ${(fileAfter / 2 ** 20).toFixed(1)} MiB after (${kb(fileAfter)} per article).`,
  );
}

await main();
