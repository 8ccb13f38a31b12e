// Bench-only worker: runs the real refreshSource (src/ingest/refresh.ts) n times per request
// against an in-memory upstream and the local D1, so the cost of one source refresh can be
// measured from outside workerd (inside it, timers only advance on I/O). The `cpu-*` cases run
// the same pipeline, or one stage of it, without any D1 call; the `d1-*` cases D1 calls alone.
import { searchRebuildTick } from "../src/archive/search-rebuild";
import { contentHash, planUpsert, readKnownHashes } from "../src/db/article-writes";
import { claimDueSources, createSourceStatement, getSourceWithState } from "../src/db/sources";
import { readArticlePage, readListingPage, readSearchPage } from "../src/db/page-reads";
import { buildSearchQuery } from "../src/core/search-tokens";
import { type SqlRunner, type Stmt, d1Runner, sql } from "../src/db/sql";
import { type ArticleInput, NEVER_FETCHED, type SourceWithState } from "../src/core/model";
import { articleId } from "../src/core/ids";
import { decodeFeedBytes } from "../src/ingest/decode";
import { DEFAULT_LIMITS, fetchUpstream } from "../src/ingest/fetch-upstream";
import { itemIdentity, normalizeItem } from "../src/ingest/normalize";
import { type ParsedFeed, parseFeedText } from "../src/ingest/parse";
import type { RefreshDeps } from "../src/ingest/gather";
import { hashBody, hashItem } from "../src/ingest/pipeline-hash";
import { type RefreshOutcome, refreshSource } from "../src/ingest/refresh";
import { sanitizeHtml } from "../src/ingest/sanitize";
import { assignStories } from "../src/ingest/stories";
import { encodeSketch, storySketch } from "../src/core/story-sketch";
import { htmlToText } from "../src/core/text";
import { BODY_BYTES, ITEMS, SOURCES, feedWithOneNew, generateFeed } from "./ingest-data";
import { generateCorpus, textOf } from "./dedupe-data";

const UPSTREAM = "https://upstream.example.com";
const ETAG = '"glwb-v1"';
const CONTENT_TYPE = "application/rss+xml; charset=utf-8";
const TIMEZONE = "Asia/Shanghai";

type RefreshCase = keyof typeof SOURCES;

const encoder = new TextEncoder();
const SAME = { items: ITEMS, bodyBytes: BODY_BYTES, guidPrefix: "same" };
const sameBytes = encoder.encode(generateFeed(SAME));
// The story step's worst case: the same feed with every body drawn from the same sentences, so
// each item joins one story and is compared with every item before it in the refresh.
const oneStoryBytes = encoder.encode(generateFeed({ ...SAME, oneStory: true }));
// (c) the same feed with one new item (and its oldest gone): always the same bytes for the
// CPU-only rows (nothing is stored there), one per refresh for the D1 row (op=prepare-one).
const oneNewBytes = encoder.encode(feedWithOneNew(SAME, "one"));
const oneNew: Uint8Array[] = [];
let oneNewNext = 0;
let oneNewMade = 0;

// Feeds of all-new items, generated ahead of the timed requests (op=prepare), one per refresh.
const fresh: Uint8Array[] = [];
let freshNext = 0;
let freshMade = 0;

const upstream = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const headers = new Headers(init?.headers);
  switch (url.pathname) {
    case "/etag.xml":
      if (headers.get("if-none-match") === ETAG) return new Response(null, { status: 304, headers: { etag: ETAG } });
      return new Response(sameBytes, { headers: { "content-type": CONTENT_TYPE, etag: ETAG } });
    case "/same.xml":
      return new Response(sameBytes, { headers: { "content-type": CONTENT_TYPE } });
    case "/one-story.xml":
      return new Response(oneStoryBytes, { headers: { "content-type": CONTENT_TYPE } });
    case "/one-new-cpu.xml":
      return new Response(oneNewBytes, { headers: { "content-type": CONTENT_TYPE } });
    case "/one-new.xml": {
      // The same bytes as (a2) until feeds are prepared (setup stores its items).
      const bytes = oneNew[oneNewNext];
      if (!bytes) return new Response(sameBytes, { headers: { "content-type": CONTENT_TYPE } });
      oneNew[oneNewNext++] = new Uint8Array();
      return new Response(bytes, { headers: { "content-type": CONTENT_TYPE } });
    }
    case "/fresh.xml": {
      const bytes = fresh[freshNext];
      if (!bytes) return new Response("no prepared feed left", { status: 500 });
      fresh[freshNext++] = new Uint8Array(); // let it go once served
      return new Response(bytes, { headers: { "content-type": CONTENT_TYPE } });
    }
    default:
      return new Response("not found", { status: 404 });
  }
}) as typeof fetch;

function deps(db: SqlRunner): RefreshDeps {
  return { db, fetch: upstream, now: () => Date.now(), limits: DEFAULT_LIMITS, log: () => {} };
}

/** A D1 binding that tallies what each batch did (rows read / written, statements), for the checks. */
function counting(db: D1Database) {
  const stats = { batches: 0, statements: 0, rowsRead: 0, rowsWritten: 0 };
  const wrapped = {
    prepare: (query: string) => db.prepare(query),
    async batch(stmts: D1PreparedStatement[]) {
      stats.batches++;
      stats.statements += stmts.length;
      const results = await db.batch(stmts);
      for (const r of results) {
        stats.rowsRead += r.meta.rows_read ?? 0;
        stats.rowsWritten += r.meta.rows_written ?? 0;
      }
      return results;
    },
  } as unknown as D1Database;
  return { db: wrapped, stats };
}

// --- the same pipeline with no D1 call, on the same bytes as the "unchanged" cases ------------

const SOURCE = { slug: "bench-cpu", name: "桂林晚报", label: "桂林晚报新闻", timezone: TIMEZONE, intervalMinutes: 15 };
let staged: {
  text: string;
  feed: ParsedFeed;
  base: string;
  inputs: ArticleInput[];
  known: Map<string, string>;
  raw: Map<string, string>;
} | null = null;

async function normalizeAll(feed: ParsedFeed, base: string, now: number): Promise<ArticleInput[]> {
  const inputs: ArticleInput[] = [];
  for (const item of feed.items) {
    const a = await normalizeItem(item, { source: SOURCE, base, xmlBase: null, now });
    if (a) inputs.push(a);
  }
  return inputs;
}

/** A SqlRunner with no database: reads of stored hashes are answered from `known` (the shape
 *  readKnownHashes asks for), writes are built and dropped. The real refreshSource runs on it, so
 *  the CPU-only rows measure exactly the production code path minus D1. */
function memoryRunner(
  known: ReadonlyMap<string, string>,
  raw: ReadonlyMap<string, string> = new Map(),
): SqlRunner & { written: number } {
  const runner = {
    written: 0,
    async all<T>(): Promise<T[]> {
      return [];
    },
    async allMany(stmts: readonly Stmt[]): Promise<unknown[][]> {
      return stmts.map((st) => {
        const [slug, guidsJson] = st.params as [string, string];
        const guids =
          typeof guidsJson === "string" && guidsJson.startsWith("[") ? (JSON.parse(guidsJson) as string[]) : [];
        return guids.flatMap((guid) => {
          const hash = known.get(`${slug}\n${guid}`);
          return hash ? [{ slug, guid, content_hash: hash, raw_hash: raw.get(`${slug}\n${guid}`) ?? null }] : [];
        });
      });
    },
    async batch(stmts: readonly Stmt[]) {
      runner.written += stmts.length;
    },
  };
  return runner;
}

function cpuSource(state: Partial<SourceWithState["state"]>): SourceWithState {
  return {
    id: 0,
    slug: SOURCE.slug,
    name: SOURCE.name,
    label: SOURCE.label,
    homepage: null,
    feedUrl: `${UPSTREAM}/same.xml`,
    timezone: TIMEZONE,
    enabled: true,
    intervalMinutes: SOURCE.intervalMinutes,
    kind: "feed",
    rules: null,
    proxyImages: false,
    generation: 0,
    state: { ...NEVER_FETCHED, ...state },
  };
}

/** refreshSource itself, with every D1 call left out (memoryRunner). Returns the statements built. */
async function refreshWithoutD1(
  path: string,
  state: Partial<SourceWithState["state"]>,
  known: ReadonlyMap<string, string>,
  raw?: ReadonlyMap<string, string>,
): Promise<number> {
  const db = memoryRunner(known, raw);
  const outcome = await refreshSource(deps(db), { ...cpuSource(state), feedUrl: `${UPSTREAM}${path}` });
  if (outcome.status === "error") throw new Error(outcome.error);
  return db.written;
}

async function stage(): Promise<NonNullable<typeof staged>> {
  if (!staged) {
    const { text } = decodeFeedBytes(sameBytes, CONTENT_TYPE);
    const feed = parseFeedText(text);
    const base = new URL(feed.link ?? `${UPSTREAM}/same.xml`, `${UPSTREAM}/same.xml`).href;
    const inputs = await normalizeAll(feed, base, Date.now());
    const known = new Map<string, string>();
    for (const a of inputs) known.set(`${SOURCE.slug}\n${a.guid}`, await contentHash(a));
    // The raw hashes a refresh of this feed stores (the items' guids are their identities).
    const raw = new Map<string, string>();
    for (const item of feed.items) {
      raw.set(
        `${SOURCE.slug}\n${item.guid}`,
        await hashItem(item, { base, xmlBase: null, label: SOURCE.label, name: SOURCE.name, timezone: TIMEZONE }),
      );
    }
    staged = { text, feed, base, inputs, known, raw };
  }
  return staged;
}

/** Stored candidates per new article in the story step: about the mean bench:dedupe measures on
 *  its corpus (~20), every one with a key among the article's probes, so each is decoded and
 *  compared — an upper bound on the step's work. */
const STORY_CANDIDATES = 20;
let storyRows: Record<string, unknown>[] | null = null;

/** A runner whose one read (the story candidates) returns STORY_CANDIDATES rows per article of
 *  the feed: the sketches of other articles, keyed so that they match. */
function storyRunner(): SqlRunner {
  if (!storyRows) {
    const sketches = staged!.inputs.map((a) => storySketch(a.plainText ?? htmlToText(a.contentHtml))!);
    storyRows = sketches.flatMap((own, i) =>
      Array.from({ length: STORY_CANDIDATES }, (_, j) => {
        const other = sketches[(i + j + 1) % sketches.length]!;
        return {
          id: `c${i}-${j}`,
          story_id: `c${i}-${j}`,
          published_at: Date.now(),
          story_sketch: encodeSketch(other),
          story_keys: String(own.key),
        };
      }),
    );
  }
  const rows = storyRows;
  return {
    all: async <T>() => rows as T[],
    allMany: async () => [],
    batch: async () => {},
  };
}

const CPU_CASES: Record<string, (now: number, db: SqlRunner) => Promise<number> | number> = {
  "cpu-304": () => refreshWithoutD1("/etag.xml", { etag: ETAG }, new Map()),
  "cpu-same": async () =>
    refreshWithoutD1(
      "/same.xml",
      { bodyHash: await hashBody(sameBytes), lastCounts: { new: 0, updated: 0, unchanged: ITEMS } },
      staged!.known,
    ),
  "cpu-new": () => refreshWithoutD1("/same.xml", {}, new Map()),
  "cpu-new-one-story": () => refreshWithoutD1("/one-story.xml", {}, new Map()),
  // (c) one new item among 50: the other 49 known with their raw hashes (skipped before
  // normalizing), or with none stored (every item normalized, as before raw hashes).
  "cpu-one": () => refreshWithoutD1("/one-new-cpu.xml", {}, staged!.known, staged!.raw),
  "cpu-one-noskip": () => refreshWithoutD1("/one-new-cpu.xml", {}, staged!.known),
  "cpu-fetch": async () => {
    const f = await fetchUpstream(upstream, `${UPSTREAM}/same.xml`, { etag: null, lastModified: null }, DEFAULT_LIMITS);
    return f.kind === "ok" ? f.bytes.length : -1;
  },
  "cpu-decode": () => decodeFeedBytes(sameBytes, CONTENT_TYPE).text.length,
  "cpu-parse": () => parseFeedText(staged!.text).items.length,
  "cpu-normalize": async (now) => (await normalizeAll(staged!.feed, staged!.base, now)).length,
  "cpu-sanitize": () =>
    staged!.feed.items.filter((item) => sanitizeHtml(item.content ?? "", item.link).length > 0).length,
  // What the skip adds to every changed feed: identities and raw hashes of its items.
  "cpu-rawhash": async () => {
    const ctx = { base: staged!.base, xmlBase: null, label: SOURCE.label, name: SOURCE.name, timezone: TIMEZONE };
    let n = 0;
    for (const item of staged!.feed.items)
      if ((await itemIdentity(item, staged!.base)) && (await hashItem(item, ctx))) n++;
    return n;
  },
  // The story step of a refresh of 50 new articles: sketches, the candidates decoded and compared.
  "cpu-story": async () => (await assignStories(storyRunner(), SOURCE.slug, staged!.inputs)).size,
  "cpu-plan": async (now) => (await planUpsert(new Map(), SOURCE, staged!.inputs, now)).statements.length,
  // Not part of the refresh: what a skip on identical bytes, before any parsing, would cost.
  "cpu-sha-feed": async () => (await crypto.subtle.digest("SHA-256", sameBytes)).byteLength,
  // D1 alone: the write batch of 50 new items (built ahead by op=prepare-writes), with and
  // without the search index's statements.
  "d1-write": (_, db) => writeBatch(db, "all"),
  "d1-write-nosearch": (_, db) => writeBatch(db, "nosearch"),
  // D1 alone: the floor of one round trip, and the read a 200 refresh makes before deciding.
  "d1-floor": async (_, db) => (await db.allMany([sql("SELECT 1 AS one")])).length,
  "d1-read": async (_, db) =>
    (await readKnownHashes(db, new Map([[SOURCES["unchanged-200"].slug, staged!.inputs.map((a) => a.guid)]]))).size,
};

// Write batches of all-new items for the d1-write cases, built outside the timed requests.
const WRITE_SOURCE = { slug: "bench-write", name: "桂林晚报", label: "桂林晚报新闻" };
const writes = { all: [] as Stmt[][], nosearch: [] as Stmt[][] };
let writesMade = 0;
let lastBatchSize = 0;
const isSearchStatement = (s: Stmt) => /\bsearch_index\b|SET search_rowid/.test(s.sql);

async function prepareWrites(variant: keyof typeof writes, n: number): Promise<void> {
  const { inputs } = await stage();
  for (let i = 0; i < n; i++) {
    const fresh = inputs.map((a) => ({ ...a, guid: `${a.guid}#w${writesMade}` }));
    writesMade++;
    const { statements } = await planUpsert(new Map(), WRITE_SOURCE, fresh, Date.now());
    writes[variant].push(variant === "all" ? statements : statements.filter((s) => !isSearchStatement(s)));
  }
}

async function writeBatch(db: SqlRunner, variant: keyof typeof writes): Promise<number> {
  const stmts = writes[variant].shift();
  if (!stmts) throw new Error(`no prepared ${variant} write batch left`);
  await db.batch(stmts);
  lastBatchSize = stmts.length;
  return stmts.length;
}

const articleIdOf = (guid: string) => articleId(WRITE_SOURCE.slug, guid);

/** ITEMS originals of bench:dedupe's corpus as ingest would give them. */
function distinctStories(): ArticleInput[] {
  const now = Date.now();
  return generateCorpus({ seed: 11, days: 1, perDay: ITEMS * 2, sources: 5 })
    .filter((a) => a.kind === "original")
    .slice(0, ITEMS)
    .map((a, i) => {
      const text = textOf(a);
      const at = { ms: now - i * 60_000, offset: 480 };
      return {
        guid: `story-${a.id}`,
        originalUrl: null,
        title: a.title,
        summary: text.slice(0, 100),
        contentHtml: a.paragraphs.map((p) => `<p>${p}</p>`).join(""),
        plainText: text,
        published: at,
        updated: at,
        author: null,
        image: null,
        tags: [],
      };
    });
}

// --- requests ---------------------------------------------------------------------------------

async function loadSource(db: SqlRunner, c: RefreshCase): Promise<SourceWithState> {
  const source = await getSourceWithState(db, SOURCES[c].slug);
  if (!source) throw new Error(`source ${SOURCES[c].slug} missing: run op=setup first`);
  return source;
}

function tally(outcomes: RefreshOutcome[]) {
  const t = {
    refreshes: outcomes.length,
    new: 0,
    updated: 0,
    unchanged: 0,
    status: {} as Record<string, number>,
    errors: [] as string[],
  };
  for (const o of outcomes) {
    t.new += o.new;
    t.updated += o.updated;
    t.unchanged += o.unchanged;
    t.status[o.status] = (t.status[o.status] ?? 0) + 1;
    if (o.error && t.errors.length < 3) t.errors.push(o.error);
  }
  return t;
}

export default {
  async fetch(req: Request, env: { DB: D1Database }): Promise<Response> {
    const url = new URL(req.url);
    const op = url.searchParams.get("op") ?? "run";
    const c = url.searchParams.get("case") ?? "";
    const n = Number(url.searchParams.get("n") ?? "1");
    const db = d1Runner(env.DB);
    try {
      switch (op) {
        // Create the sources; fetch the two "unchanged" ones once so their items are stored and
        // the 304 source holds the upstream's ETag.
        case "setup": {
          // The schema as a deployment's first cron tick leaves it: the search index's rebuild
          // drops what the layouts before 0019 and 0020 kept (src/archive/search-rebuild.ts).
          await searchRebuildTick({ db, bucket: null, log: () => undefined });
          const now = Date.now();
          const fields = (path: string) => ({
            name: "桂林晚报",
            label: "桂林晚报新闻",
            feedUrl: `${UPSTREAM}${path}`,
            homepage: "https://www.guilinwb.example.com/",
            timezone: TIMEZONE,
            intervalMinutes: 15,
            enabled: true,
            kind: "feed" as const,
            rules: null,
            proxyImages: false,
          });
          await db.batch([
            ...Object.values(SOURCES).map((s) => createSourceStatement(s.slug, fields(s.path), now)),
            createSourceStatement(WRITE_SOURCE.slug, fields("/none.xml"), now),
          ]);
          const primed = [];
          for (const k of ["unchanged-304", "unchanged-200", "one-new"] as const)
            primed.push(await refreshSource(deps(db), await loadSource(db, k)));
          await stage();
          return Response.json({
            primed: tally(primed),
            feedBytes: sameBytes.length,
            items: staged!.feed.items.length,
          });
        }
        // Generate n feeds of all-new items for the "new" case (outside any timed request).
        case "prepare": {
          for (let i = 0; i < n; i++) {
            fresh.push(
              encoder.encode(generateFeed({ items: ITEMS, bodyBytes: BODY_BYTES, guidPrefix: `r${freshMade++}` })),
            );
          }
          return Response.json({ prepared: fresh.length - freshNext });
        }
        // Generate n feeds of one new item among the (a2) feed's for the "one-new" case.
        case "prepare-one": {
          for (let i = 0; i < n; i++) oneNew.push(encoder.encode(feedWithOneNew(SAME, `o${oneNewMade++}`)));
          return Response.json({ prepared: oneNew.length - oneNewNext });
        }
        case "prepare-writes": {
          const variant = c === "nosearch" ? "nosearch" : "all";
          await prepareWrites(variant, n);
          return Response.json({ prepared: writes[variant].length, statements: writes[variant][0]?.length ?? 0 });
        }
        // One refresh with a counting D1 binding: what it read and wrote.
        case "probe": {
          const { db: d1, stats } = counting(env.DB);
          const runner = d1Runner(d1);
          const outcome = await refreshSource(deps(runner), await loadSource(runner, c as RefreshCase));
          return Response.json({ outcome: tally([outcome]), ...stats });
        }
        // The cron's claim, through a counting binding: a tick at an instant when every source
        // with a feed is due, then a second tick at the same instant (their claims still hold).
        case "claim-probe": {
          const at = Date.now() + 400 * 86_400_000;
          const tick = async () => {
            const { db: d1, stats } = counting(env.DB);
            const claimed = await claimDueSources(d1Runner(d1), at, 1000, at + 10 * 60_000);
            return { claimed: claimed.length, rowsRead: stats.rowsRead, rowsWritten: stats.rowsWritten };
          };
          const first = await tick();
          return Response.json({ first, second: await tick() });
        }
        // The claim's reads at scale: n more sources (a full fetch log each, due over 30 minutes),
        // claimed at instants with none, a few, 500 (the inline cap) and all of them due.
        case "claim-scale": {
          const base = Date.now() + 800 * 86_400_000;
          const entry = JSON.stringify({ t: base, s: "304", n: 0, u: 0, k: 50, d: 120, e: null });
          const log = `[${Array(20).fill(entry).join(",")}]`;
          for (let b = 0; b < n; b += 500) {
            const stmts = [];
            for (let i = b; i < Math.min(n, b + 500); i++) {
              stmts.push(
                env.DB.prepare(
                  `INSERT INTO sources (slug, name, label, feed_url, created_at, generation, next_fetch_at, last_fetch_at, fetch_log, etag, last_counts)
                   VALUES (?1, ?1, ?1, ?2, 0, ?3, ?4, ?5, ?6, '"0123456789abcdef"', '{"new":0,"updated":0,"unchanged":50}')`,
                ).bind(
                  `claim-${i}`,
                  `https://c${i}.example.com/feed.xml`,
                  i,
                  base + (i % 120) * 15_000 + 60_000,
                  base,
                  log,
                ),
              );
            }
            await env.DB.batch(stmts);
          }
          // Only the n sources are due in what follows (the bench's own come due years later).
          await env.DB.batch([
            env.DB.prepare("UPDATE sources SET next_fetch_at = ?1 WHERE slug NOT LIKE 'claim-%'").bind(base * 2),
            env.DB.prepare("UPDATE refresh_claims SET claimed = '[]'"),
          ]);
          const at = async (when: number, limit: number) => {
            const { db: d1, stats } = counting(env.DB);
            const claimed = await claimDueSources(d1Runner(d1), when, limit, when + 10 * 60_000);
            return { claimed: claimed.length, rowsRead: stats.rowsRead, rowsWritten: stats.rowsWritten };
          };
          const far = base + 86_400_000;
          return Response.json({
            sources: (await env.DB.prepare("SELECT count(*) AS n FROM sources").first<{ n: number }>())!.n,
            none: await at(base, 10_000),
            few: await at(base + 60_000, 10_000),
            inline: await at(far, 500),
            all: await at(far, 10_000),
            held: await at(far + 1, 10_000),
            claimsBytes: (await env.DB.prepare("SELECT length(claimed) AS n FROM refresh_claims").first<{
              n: number;
            }>())!.n,
          });
        }
        // Rows written by 50 new articles stored without story columns, as heads of their own
        // stories, and as members of stories stored just before (the same texts, other guids).
        case "story-rows": {
          // Distinct stories (bench:dedupe's originals, one story each), not the feed's items:
          // the feed's bodies repeat one another and would join one story.
          const inputs = distinctStories();
          const round = writesMade++;
          const batchOf = async (suffix: string, withStories: boolean) => {
            const batch = inputs.map((a) => ({ ...a, guid: `${a.guid}#s${round}${suffix}` }));
            const { db: d1, stats } = counting(env.DB);
            // Reads counted too: the candidates are one read statement.
            const runner: SqlRunner = {
              ...d1Runner(d1),
              async all<T>(st: Stmt) {
                const r = await env.DB.prepare(st.sql)
                  .bind(...st.params)
                  .all<T>();
                stats.rowsRead += r.meta.rows_read ?? 0;
                return r.results;
              },
            };
            const stories = withStories ? await assignStories(runner, WRITE_SOURCE.slug, batch) : new Map();
            const { statements } = await planUpsert(new Map(), WRITE_SOURCE, batch, Date.now(), new Map(), stories);
            const read = stats.rowsRead;
            await runner.batch(statements);
            let members = 0;
            for (const [guid, st] of stories) if (st.storyId !== (await articleIdOf(guid))) members++;
            return {
              rowsWritten: stats.rowsWritten,
              rowsRead: read,
              statements: statements.length,
              members,
              sketched: stories.size,
            };
          };
          const plain = await batchOf("p", false);
          const heads = await batchOf("h", true);
          const members = await batchOf("m", true);
          // Where the rows go, from the schema: every index of articles (a partial one holds only
          // the batch's rows its WHERE admits) and every FTS5 table (one row each per article; an
          // fts5vocab table is a view of one, written by nobody).
          const schema = await env.DB.prepare(
            `SELECT type, name, sql FROM sqlite_master WHERE (type = 'index' AND tbl_name = 'articles')
               OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' AND sql NOT LIKE '%USING fts5vocab%') ORDER BY type, name`,
          ).all<{ type: string; name: string; sql: string | null }>();
          const parts: { part: string; heads: number; members: number }[] = [];
          for (const o of schema.results) {
            if (o.type === "table") {
              parts.push({ part: `${o.name} row (FTS5)`, heads: ITEMS, members: ITEMS });
              continue;
            }
            const where = o.sql ? /\bWHERE\b([\s\S]*)$/i.exec(o.sql)?.[1] : undefined;
            const count = async (suffix: string) =>
              (await env.DB.prepare(
                `SELECT count(*) AS n FROM articles WHERE guid LIKE ?1${where ? ` AND (${where})` : ""}`,
              )
                .bind(`%#s${round}${suffix}`)
                .first<{ n: number }>())!.n;
            const cols = await env.DB.prepare("SELECT group_concat(name, ', ') AS c FROM pragma_index_info(?1)")
              .bind(o.name)
              .first<{ c: string }>();
            parts.push({
              part: `index entry: ${o.name} (${cols?.c ?? "?"})`,
              heads: await count("h"),
              members: await count("m"),
            });
          }
          return Response.json({ items: inputs.length, plain, heads, members, parts });
        }
        // D1 rows one page view reads (meta.rows_read of its one batch), on what setup stored.
        case "pages": {
          const { db: d1, stats } = counting(env.DB);
          const runner = d1Runner(d1);
          const one = await runner.all<{ id: string }>(sql("SELECT id FROM articles ORDER BY id LIMIT 1"));
          const member = await runner.all<{ id: string }>(
            sql("SELECT id FROM articles WHERE story_id IS NOT NULL AND story_id <> id ORDER BY id LIMIT 1"),
          );
          const q = "桂林";
          const views: [string, () => Promise<unknown>][] = [
            ["home /", () => readListingPage(runner, { kind: "all" }, { limit: 20 }, null)],
            [
              "category",
              () =>
                readListingPage(
                  runner,
                  { kind: "source", source: { slug: SOURCES["unchanged-200"].slug } },
                  { limit: 20 },
                  { source: SOURCES["unchanged-200"].slug },
                ),
            ],
            [
              "tag",
              () =>
                readListingPage(runner, { kind: "tag", tag: "桂林晚报新闻" }, { limit: 20 }, { tag: "桂林晚报新闻" }),
            ],
            ["article", () => readArticlePage(runner, one[0]!.id)],
            // As the site serves them (STORY_GROUPING on): one story once, its count per row.
            ["home / grouped", () => readListingPage(runner, { kind: "all" }, { limit: 20, grouped: true }, null)],
            [
              "tag grouped",
              () =>
                readListingPage(
                  runner,
                  { kind: "tag", tag: "桂林晚报新闻" },
                  { limit: 20, grouped: true },
                  { tag: "桂林晚报新闻" },
                ),
            ],
            ["article of a story", () => readArticlePage(runner, member[0]?.id ?? one[0]!.id)],
            [
              `search ${q}`,
              () =>
                readSearchPage(runner, { kind: "search", query: q, match: buildSearchQuery(q)!.match }, { limit: 20 }),
            ],
          ];
          const out: Record<string, number> = {};
          for (const [name, view] of views) {
            const before = stats.rowsRead;
            await view();
            out[name] = stats.rowsRead - before;
          }
          return Response.json(out);
        }
        case "run": {
          if (c in SOURCES) {
            // The source is read once, as the cron's listDueSources does, before the refreshes.
            const source = await loadSource(db, c as RefreshCase);
            const outcomes: RefreshOutcome[] = [];
            for (let i = 0; i < n; i++) outcomes.push(await refreshSource(deps(db), source));
            return Response.json(tally(outcomes));
          }
          const fn = CPU_CASES[c];
          if (!fn) return new Response(`unknown case ${c}`, { status: 400 });
          await stage();
          let check = 0;
          for (let i = 0; i < n; i++) check += await fn(Date.now(), db);
          return Response.json({ refreshes: n, check, statements: lastBatchSize });
        }
        default:
          return new Response(`unknown op ${op}`, { status: 400 });
      }
    } catch (e) {
      return new Response(String((e as Error).stack ?? e), { status: 500 });
    }
  },
};
