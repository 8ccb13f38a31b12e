// Bench-only worker for bench:search: loads synthetic articles into the local D1 with the app's own
// write statements (upsertArticleStatements, ensureSourceStatement: articles, tags
// and the search index, exactly as ingest writes them), and runs one search per request through
// the app's real read path (listArticles over d1Runner), so its cost can be timed from outside
// workerd (inside it, timers only advance on I/O). The other ops check results and read sizes;
// they are never timed.
import { articleWrites, contentHash, upsertArticleStatements } from "../src/db/article-writes";
import { listArticles, listStatement } from "../src/db/articles";
import { ensureSourceStatement } from "../src/db/sources";
import { type SqlRunner, type Stmt, d1Runner, sql } from "../src/db/sql";
import {
  type ArticleWrites,
  ROWIDS_PER_SECOND,
  labelsSql,
  searchRowidAt,
  searchTextOf,
  searchWritesLast,
} from "../src/db/search";
import { articleId } from "../src/core/ids";
import { buildSearchQuery, indexTokens } from "../src/core/search-tokens";
import { expandedMatch } from "../src/db/search-vocab";
import { htmlToText } from "../src/core/text";
import type { ArticleInput, Scope, SourceRef } from "../src/core/model";
import { generateArticle, sourceOf } from "./search-data";
import { SEARCH_REBUILD_LIMITS, searchRebuildTick } from "../src/archive/search-rebuild";
import { SEARCH_MERGE_LIMITS, searchMergeTick } from "../src/archive/search-merge";
import { readSearchSegments } from "../src/db/search-segments";

const TIMEZONE = "Asia/Shanghai";
const LIMIT = 20;

function searchScope(q: string): Extract<Scope, { kind: "search" }> {
  const built = buildSearchQuery(q);
  if (!built) throw new Error(`nothing searchable in ${JSON.stringify(q)}`);
  return { kind: "search", query: q, match: built.match };
}

/** Articles [from, from + n) of `total` (the request's parameters), each source created once
 *  (ON CONFLICT DO NOTHING after that), then the articles' writes, in one db.batch ordered as
 *  ingest orders it (searchWritesLast: every index row last). */
async function loadBatch(
  url: URL,
  db: SqlRunner,
  writesOf: (source: SourceRef, input: ArticleInput, id: string, now: number, i: number) => Promise<ArticleWrites>,
): Promise<Response> {
  const from = Number(url.searchParams.get("from"));
  const n = Number(url.searchParams.get("n"));
  const total = Number(url.searchParams.get("total"));
  const now = Date.now();
  const stmts: Stmt[] = [];
  const writes: ArticleWrites[] = [];
  const sources = new Set<number>();
  let articles = 0;
  for (let i = from; i < Math.min(from + n, total); i++, articles++) {
    const { sourceIndex, input } = generateArticle(i, total);
    const source = sourceOf(sourceIndex);
    if (!sources.has(sourceIndex)) {
      sources.add(sourceIndex);
      stmts.push(ensureSourceStatement(source, TIMEZONE, now));
    }
    writes.push(await writesOf(source, input, await articleId(source.slug, input.guid), now, i));
  }
  stmts.push(...searchWritesLast(writes));
  await db.batch(stmts);
  return Response.json({ articles, statements: stmts.length });
}

/** A statement with its parameters inlined positionally, for D1's prepare/bind. */
const prepare = (db: D1Database, s: Stmt) => db.prepare(s.sql).bind(...s.params);

export default {
  async fetch(req: Request, env: { DB: D1Database }): Promise<Response> {
    const url = new URL(req.url);
    const op = url.searchParams.get("op") ?? "search";
    const q = url.searchParams.get("q") ?? "";
    const repeat = Number(url.searchParams.get("repeat") ?? "1");
    const db = d1Runner(env.DB);
    try {
      switch (op) {
        // The timed request: one page of search results, the app's own statement and mapping.
        // `repeat` runs it that many times in the one request (0: none), for the in-request figure.
        case "search": {
          const scope = searchScope(q);
          let page = null;
          for (let i = 0; i < repeat; i++) page = await listArticles(db, scope, { limit: LIMIT });
          return Response.json({ rows: page?.items.length ?? 0, more: (page?.next ?? null) !== null });
        }
        // The floor of any request through Miniflare's API: no D1 call at all.
        case "empty":
          return Response.json({ rows: 0, more: false });
        // A reference: the front page's listing (scope "all"), the same columns and mapping as a
        // search page but driven by the (published_at, id) index instead of FTS5.
        case "front": {
          let page = null;
          for (let i = 0; i < repeat; i++) page = await listArticles(db, { kind: "all" }, { limit: LIMIT });
          return Response.json({ rows: page?.items.length ?? 0, more: (page?.next ?? null) !== null });
        }
        // The baseline: one trivial 20-row D1 read through the same runner.
        case "baseline": {
          let rows: { id: string }[] = [];
          for (let i = 0; i < repeat; i++) rows = await db.all<{ id: string }>(sql("SELECT id FROM articles LIMIT 20"));
          return Response.json({ rows: rows.length, more: false });
        }
        // Articles [from, from + n) of `total`, in one db.batch: each article's source (created
        // once, ON CONFLICT DO NOTHING after that) and the statements ingest writes for a new item.
        case "load":
          return loadBatch(url, db, async (source, input, id, now) =>
            articleWrites(source, input, id, await contentHash(input), now, true),
          );
        // The same articles in the layout before migrations/0019 (bench:fts-migrate): the row as
        // ingest writes it, then the tokens in search_index (rowid published_at ms × 1024 + a
        // tiebreak) and the labels in search_labels, as that layout's writer did.
        case "load-old":
          return loadBatch(url, db, async (source, input, id, now, i) => ({
            index: [],
            row: [
              ...upsertArticleStatements(source, input, id, await contentHash(input), now, true).filter(
                (s) => !/search_index/.test(s.sql),
              ),
              sql("UPDATE articles SET search_rowid = published_at * 1024 + ?2 WHERE id = ?1", id, i % 1024),
              sql(
                "INSERT INTO search_index (rowid, tokens) SELECT search_rowid, ?2 FROM articles WHERE id = ?1",
                id,
                indexTokens(searchTextOf(input)),
              ),
              sql(
                `INSERT INTO search_labels (rowid, labels) SELECT a.search_rowid, ${labelsSql("a", { stories: false })} FROM articles a WHERE a.id = ?1`,
                id,
              ),
            ],
          }));
        // One batch of the search index's rebuild (bench:fts-migrate times each from outside): the
        // cron's own tick, bounded to the calls of one step-1 or one step-2 batch.
        case "rebuild": {
          const step = url.searchParams.get("step");
          const batch = Number(url.searchParams.get("batch"));
          const outcome = await searchRebuildTick(
            { db, bucket: null, log: () => undefined },
            { ...SEARCH_REBUILD_LIMITS, budgetMs: 600_000, relabelBatch: batch, wordsBatch: batch, maxBatches: 1 },
            step === "1" ? "labels" : "both",
          );
          return Response.json(outcome);
        }
        // The index's segments, and one tick of the cron's merge of them (bench:search runs
        // ticks until nothing is left to merge, as the cron does after a load).
        case "segments":
          return Response.json(await readSearchSegments(db));
        case "merge":
          return Response.json(await searchMergeTick({ db, log: () => undefined }, SEARCH_MERGE_LIMITS));
        // Checks of one query, outside the timed requests: the FTS5 expression, how many articles
        // match in all, how many hold each token, D1's rows_read for the page, the query plan.
        // The total is counted with the expression the page ran (a lone character expanded into
        // the index's terms, db/search-vocab.ts), so the check against a full scan covers it.
        case "check": {
          const scope = searchScope(q);
          const match = await expandedMatch(db, buildSearchQuery(q)!);
          const stmt = listStatement({ ...scope, match }, { limit: LIMIT });
          const page = await prepare(env.DB, stmt).all();
          const total = await db.all<{ n: number }>(
            sql("SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?1", match),
          );
          const tokens = [...scope.match.matchAll(/"([^"]*)"( \*)?/g)].flatMap((m) =>
            m[1]!.split(" ").map((t) => (m[2] ? `"${t}" *` : `"${t}"`)),
          );
          const perToken: Record<string, number> = {};
          for (const t of tokens) {
            perToken[t] = (
              await db.all<{ n: number }>(sql("SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?1", t))
            )[0]!.n;
          }
          let plan: string[] = [];
          try {
            // As a tree: "parent>id detail", so a step can be told from the subquery it belongs to.
            const steps = (
              await prepare(env.DB, { sql: `EXPLAIN QUERY PLAN ${stmt.sql}`, params: stmt.params }).all<{
                id: number;
                parent: number;
                detail: string;
              }>()
            ).results;
            const depth = new Map<number, number>([[0, 0]]);
            plan = steps.map((r) => {
              depth.set(r.id, (depth.get(r.parent) ?? 0) + 1);
              return `${"  ".repeat(depth.get(r.id)! - 1)}${r.detail}`;
            });
          } catch (e) {
            plan = [`(EXPLAIN QUERY PLAN refused: ${(e as Error).message})`];
          }
          return Response.json({
            match: match === scope.match ? match : `${scope.match} → ${match.split(" OR ").length} terms OR'd`,
            total: total[0]!.n,
            pageRows: Math.min(page.results.length, LIMIT),
            rowsRead: page.meta.rows_read,
            perToken,
            plan,
          });
        }
        // Ground truth without the index: in how many articles each query's text occurs, by a
        // full scan of what searchTextOf indexes (title, tags, body text; lower-cased, as the
        // index is; a Han word never spans the space or punctuation between runs in either).
        case "truth": {
          const qs = JSON.parse(url.searchParams.get("qs") ?? "[]") as string[];
          const cols = qs.map((_, i) => `sum(instr(t, ?${i + 1}) > 0) AS c${i}`).join(", ");
          const row = (
            await db.all<Record<string, number>>(
              sql(
                `SELECT ${cols} FROM (SELECT lower(a.title || ' ' ||
                   coalesce((SELECT group_concat(value, ' ') FROM json_each(a.tags)), '') ||
                   ' ' || a.content_html) AS t FROM articles a)`,
                ...qs.map((s) => s.normalize("NFKC").toLowerCase()),
              ),
            )
          )[0]!;
          return Response.json(qs.map((_, i) => row[`c${i}`] ?? 0));
        }
        // What the loader wrote for a few articles, against what the generator meant: the same
        // text as htmlToText gives (what ingest indexes), tags, offset, index row present.
        case "verify": {
          const total = Number(url.searchParams.get("total"));
          const picks = [0, Math.floor(total / 2), total - 1];
          const out = [];
          for (const i of picks) {
            const { sourceIndex, input } = generateArticle(i, total);
            const id = await articleId(sourceOf(sourceIndex).slug, input.guid);
            const row = (
              await db.all<{
                title: string;
                published_at: number;
                published_offset: number;
                search_rowid: number | null;
                tags: string;
                indexed: number;
              }>(
                sql(
                  `SELECT a.title, a.published_at, a.published_offset, a.search_rowid,
                     coalesce(a.tags, '[]') AS tags,
                     (SELECT count(*) FROM search_index WHERE rowid = a.search_rowid) AS indexed
                   FROM articles a WHERE a.id = ?1`,
                  id,
                ),
              )
            )[0];
            out.push({
              i,
              stored: !!row,
              sameText: htmlToText(input.contentHtml) === input.plainText,
              tags: row ? JSON.parse(row.tags).join(",") === input.tags.join(",") : false,
              offset: row?.published_offset,
              // The second's first rowid or one of its 15 tiebreaks (a second this full never occurs here).
              rowidOk: row
                ? (row.search_rowid ?? -1) - searchRowidAt(row.published_at) >= 0 &&
                  (row.search_rowid ?? -1) - searchRowidAt(row.published_at) < ROWIDS_PER_SECOND
                : false,
              indexed: row?.indexed ?? 0,
            });
          }
          return Response.json(out);
        }
        // Row counts, and sizes: D1 refuses PRAGMA page_count/page_size and has no dbstat, so
        // the FTS index is measured as the bytes of its shadow tables' rows (the B-tree pages
        // around them add a little), beside the bytes of the article text; meta.size_after is
        // the whole database file.
        case "sizes": {
          const r = await env.DB.prepare(
            `SELECT
               (SELECT count(*) FROM articles) AS articles,
               (SELECT count(*) FROM sources) AS sources,
               (SELECT count(*) FROM tags) AS tags,
               (SELECT coalesce(sum(json_array_length(tags)), 0) FROM articles) AS articleTags,
               (SELECT count(*) FROM articles WHERE search_rowid IS NULL) AS unindexed,
               (SELECT min(published_at) FROM articles) AS minPublished,
               (SELECT max(published_at) FROM articles) AS maxPublished,
               (SELECT sum(length(CAST(title AS BLOB)) + length(CAST(summary AS BLOB)) + length(CAST(content_html AS BLOB))) FROM articles) AS articleTextBytes,
               (SELECT sum(length(CAST(content_html AS BLOB))) FROM articles) AS contentHtmlBytes,
               (SELECT sum(length(CAST(id AS BLOB)) + length(CAST(guid AS BLOB)) + length(CAST(path_date AS BLOB)) + coalesce(length(CAST(original_url AS BLOB)), 0)
                  + coalesce(length(CAST(author AS BLOB)), 0) + coalesce(length(CAST(image AS BLOB)), 0) + length(CAST(content_hash AS BLOB))
                  + length(CAST(date_source AS BLOB)) + 8 * 8) FROM articles) AS articleOtherBytes,
               (SELECT count(*) FROM search_index_data) AS ftsDataRows,
               (SELECT sum(length(block)) FROM search_index_data) AS ftsDataBytes,
               (SELECT count(*) FROM search_index_idx) AS ftsIdxRows,
               (SELECT sum(length(term) + 16) FROM search_index_idx) AS ftsIdxBytes,
               (SELECT count(*) FROM search_index_docsize) AS ftsDocsizeRows,
               (SELECT sum(length(sz) + 16) FROM search_index_docsize) AS ftsDocsizeBytes`,
          ).all();
          return Response.json({ ...(r.results[0] as Record<string, number>), dbBytes: r.meta.size_after });
        }
        default:
          return new Response(`unknown op ${op}`, { status: 400 });
      }
    } catch (e) {
      return new Response(String((e as Error).stack ?? e), { status: 500 });
    }
  },
};
