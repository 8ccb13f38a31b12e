// Every SQL statement about sources (the site's categories).
import type { NavSource, SiteNav, Source, SourceRef, SourceWithState } from "../core/model";
import { type SourceRow, type SourceStateRow, toSource, toSourceWithState } from "./rows";
import { fetchLogEntryJson, fetchLogSetSql } from "./fetch-log";
import { unindexSourceStatements } from "./search";
import { type SqlRunner, type Stmt, sql } from "./sql";

const COLUMNS = "id, slug, name, label, homepage, feed_url, timezone, enabled, interval_minutes, proxy_images";

// A new source's generation: random (53 bits, a safe JS integer), so a source created again under
// a deleted one's slug never matches a refresh of the old one.
const FRESH_GENERATION = "(random() & 9007199254740991)";

export async function listSources(db: SqlRunner): Promise<Source[]> {
  return (await db.all<SourceRow>(sql(`SELECT ${COLUMNS} FROM sources ORDER BY id`))).map(toSource);
}

export function sourceBySlugStatement(slug: string): Stmt {
  return sql(`SELECT ${COLUMNS} FROM sources WHERE slug = ?1`, slug);
}

export async function getSourceBySlug(db: SqlRunner, slug: string): Promise<Source | null> {
  const rows = await db.all<SourceRow>(sourceBySlugStatement(slug));
  return rows[0] ? toSource(rows[0]) : null;
}

// --- the header's categories and the directory of all sources --------------------------------

/** How many sources the header links. A page's cost must not grow with the number of sources. */
export const NAV_SOURCES = 10;

/** The header's sources, one more than it shows to know whether others exist (primary key
 *  order: a range of the rowid, whatever the number of sources). Read in the same batch as
 *  the page's own rows, so a page is one round trip to D1. */
export function navStatement(): Stmt {
  return sql(`SELECT slug, name FROM sources ORDER BY id LIMIT ${NAV_SOURCES + 1}`);
}

/** Rows of `navStatement` (or any sources in id order) → the header's categories. */
export function toNav(rows: readonly NavSource[]): SiteNav {
  return {
    sources: rows.slice(0, NAV_SOURCES).map((r) => ({ slug: r.slug, name: r.name })),
    more: rows.length > NAV_SOURCES,
  };
}

export async function getNav(db: SqlRunner): Promise<SiteNav> {
  return toNav(await db.all<NavSource>(navStatement()));
}

/** A page of the directory of all sources, in the header's order, after source id `after`. */
export function directoryStatement(after: number, limit: number): Stmt {
  return sql(
    `SELECT s.id, s.slug, s.name, s.label, s.timezone, coalesce(st.article_count, 0) AS articleCount, st.last_updated AS lastUpdated
     FROM sources s LEFT JOIN source_stats st ON st.source_id = s.id
     WHERE s.id > ?1 ORDER BY s.id LIMIT ?2`,
    after,
    limit + 1,
  );
}

/** Create the source if it is new; an existing source keeps its own settings. */
export function ensureSourceStatement(source: SourceRef, timezone: string, now: number): Stmt {
  return sql(
    `INSERT INTO sources (slug, name, label, timezone, created_at, generation) VALUES (?1, ?2, ?3, ?4, ?5, ${FRESH_GENERATION})
     ON CONFLICT (slug) DO NOTHING`,
    source.slug,
    source.name,
    source.label,
    timezone,
    now,
  );
}

// --- fetch state (the refresh) -------------------------------------------------------------

const STATE_COLUMNS = `${COLUMNS}, kind, rules, etag, last_modified, next_fetch_at, last_fetch_at, last_status, error_count,
  last_error, paused_at, last_duration_ms, last_counts, last_body_hash, decode_warning, generation`;

export async function listSourcesWithState(db: SqlRunner): Promise<SourceWithState[]> {
  return (await db.all<SourceStateRow>(sql(`SELECT ${STATE_COLUMNS} FROM sources ORDER BY slug`))).map(
    toSourceWithState,
  );
}

export async function getSourceWithState(db: SqlRunner, slug: string): Promise<SourceWithState | null> {
  const rows = await db.all<SourceStateRow>(sql(`SELECT ${STATE_COLUMNS} FROM sources WHERE slug = ?1`, slug));
  return rows[0] ? toSourceWithState(rows[0]) : null;
}

// What makes a source due. Read by a scan of the sources table: an index on next_fetch_at would
// be rewritten by every refresh and every claim (a row written each time), and D1 bills a row
// read at a thousandth of a row written (docs/operations.md, "What the refresh costs in D1").
const DUE = "enabled = 1 AND next_fetch_at <= ?1 AND paused_at IS NULL AND feed_url IS NOT NULL";

// A claim is of the source as it was: its id, its generation (an admin change moves it) and its
// last fetch (a refresh's recorded outcome moves it). One text value, so that the claims still
// held are looked up as one set (a row value compared against them cost a read per claim).
const CLAIM_KEY = "id || '.' || generation || '.' || coalesce(last_fetch_at, 0)";
/** Claims held at once, at most: ~40 bytes each in the claims row, well inside D1's 2 MB for a
 *  value however often the cron runs and however many a tick may take (a tick takes fewer when
 *  earlier claims still hold this many; the rest stay due for the next). */
export const MAX_CLAIMS = 40_000;

/** Take the sources that are due (most overdue first), at most `limit`, and record the claim until
 *  `leaseUntil`: an overlapping cron run or a queue backlog does not fetch a source again while its
 *  claim holds. A claim holds until the lease ends, a refresh of the source records its outcome
 *  (`last_fetch_at` moves) or an admin changes it (the generation moves): a source made due again
 *  after either is claimable at once. All claims are one row (`refresh_claims`, written here
 *  only): a tick writes that row once, whatever the number of sources it claims, and nothing when
 *  none is due. The write and the read of what it claimed are one batch, so one transaction: two ticks' claims
 *  are serialized and never overlap. `tick` tells this run's claim from another's. */
export async function claimDueSources(
  db: SqlRunner,
  now: number,
  limit: number,
  leaseUntil: number,
  tick: string = crypto.randomUUID(),
): Promise<SourceWithState[]> {
  const [, rows] = await db.allMany([
    sql(
      `WITH leased AS MATERIALIZED (
         SELECT json_extract(value, '$[0]') AS claim, value AS e
         FROM refresh_claims, json_each(refresh_claims.claimed)
         WHERE refresh_claims.id = 1 AND json_extract(value, '$[1]') > ?1),
       due AS MATERIALIZED (
         SELECT id, ${CLAIM_KEY} AS claim FROM sources
         WHERE ${DUE} AND ${CLAIM_KEY} NOT IN (SELECT claim FROM leased)
         ORDER BY next_fetch_at, id LIMIT min(?2, max(0, ${MAX_CLAIMS} - (SELECT count(*) FROM leased))))
       INSERT INTO refresh_claims (id, tick, latest, claimed)
       SELECT 1, ?4, (SELECT json_group_array(id) FROM due),
         (SELECT json_group_array(json(e)) FROM (SELECT e FROM leased UNION ALL SELECT json_array(claim, ?3) FROM due))
       WHERE EXISTS (SELECT 1 FROM due)
       ON CONFLICT (id) DO UPDATE SET tick = excluded.tick, latest = excluded.latest, claimed = excluded.claimed`,
      now,
      limit,
      leaseUntil,
      tick,
    ),
    sql(
      `SELECT ${STATE_COLUMNS} FROM sources
       WHERE id IN (SELECT value FROM refresh_claims, json_each(refresh_claims.latest) WHERE refresh_claims.tick = ?1)
       ORDER BY next_fetch_at, id`,
      tick,
    ),
  ]);
  return (rows as SourceStateRow[]).map(toSourceWithState);
}

/** Enabled, unpaused sources with a feed whose next fetch time has come, most overdue first. */
export async function listDueSources(db: SqlRunner, now: number, limit: number): Promise<SourceWithState[]> {
  return (
    await db.all<SourceStateRow>(
      sql(`SELECT ${STATE_COLUMNS} FROM sources WHERE ${DUE} ORDER BY next_fetch_at, id LIMIT ?2`, now, limit),
    )
  ).map(toSourceWithState);
}

export interface FetchSuccess {
  readonly status: "200" | "304";
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly nextFetchAt: number;
  readonly now: number;
  readonly durationMs: number;
  readonly counts: { new: number; updated: number; unchanged: number; empty?: number };
  readonly bodyHash: string | null;
  /** What went wrong on the way without failing the refresh (pages the rules did not match). */
  readonly problem?: string | null;
}

/** The refresh's outcome and its fetch log entry, in one write of the source's row. */
export function recordSuccessStatement(slug: string, r: FetchSuccess): Stmt {
  return sql(
    `UPDATE sources SET etag = ?2, last_modified = ?3, next_fetch_at = ?4, last_fetch_at = ?5, last_status = ?6,
       error_count = 0, last_error = ?10, last_duration_ms = ?7, last_counts = ?8, last_body_hash = ?9,
       ${fetchLogSetSql("?11")} WHERE slug = ?1`,
    slug,
    r.etag,
    r.lastModified,
    r.nextFetchAt,
    r.now,
    r.status,
    r.durationMs,
    JSON.stringify(r.counts),
    r.bodyHash,
    r.problem?.slice(0, 500) ?? null,
    fetchLogEntryJson({
      at: r.now,
      status: r.status,
      counts: r.counts,
      durationMs: r.durationMs,
      error: r.problem ?? null,
    }),
  );
}

export interface FetchFailure {
  readonly reason: string;
  readonly nextFetchAt: number;
  readonly now: number;
  readonly durationMs: number;
  readonly pauseAfter: number;
}

/** One more failure in a row; the source pauses when the streak reaches `pauseAfter`. Stored
 *  articles are not touched. The failure goes into the fetch log in the same write. */
export function recordFailureStatement(slug: string, f: FetchFailure): Stmt {
  return sql(
    `UPDATE sources SET next_fetch_at = ?2, last_fetch_at = ?3, last_status = 'error', error_count = error_count + 1,
       last_error = ?4, last_duration_ms = ?5,
       paused_at = CASE WHEN error_count + 1 >= ?6 THEN ?3 ELSE paused_at END ,
       ${fetchLogSetSql("?7")}
     WHERE slug = ?1`,
    slug,
    f.nextFetchAt,
    f.now,
    f.reason.slice(0, 500),
    f.durationMs,
    f.pauseAfter,
    fetchLogEntryJson({
      at: f.now,
      status: "error",
      counts: { new: 0, updated: 0, unchanged: 0 },
      durationMs: f.durationMs,
      error: f.reason,
    }),
  );
}

// --- admin ----------------------------------------------------------------------------------

export interface SourceFields {
  readonly kind: "feed" | "html" | "json";
  /** Rules as JSON text (already checked), or null. */
  readonly rules: string | null;
  readonly name: string;
  readonly label: string;
  readonly feedUrl: string | null;
  readonly homepage: string | null;
  readonly timezone: string;
  readonly intervalMinutes: number;
  readonly enabled: boolean;
  /** Serve its articles' images through the image proxy. */
  readonly proxyImages: boolean;
}

/** The first statement of every refresh write batch: it fails (CHECK "superseded"), rolling the
 *  whole batch back, unless the source is still at `generation` (an admin change or a delete
 *  since the refresh read it wins). When the source is unchanged it inserts nothing, so it costs
 *  a row read and no row written; `refresh_guard` stays empty (migrations/0018_refresh_rows.sql). */
export function refreshGuardStatement(slug: string, generation: number): Stmt {
  return sql(
    `INSERT INTO refresh_guard (id, current)
     SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM sources WHERE slug = ?1 AND generation = ?2)`,
    slug,
    generation,
  );
}

/** Whether a batch failed because refreshGuardStatement found the source changed. */
export const isSupersededError = (e: unknown): boolean => /superseded/.test(String(e));

/** Insert a new source, due at once; returns no row when the slug exists. */
export function createSourceStatement(slug: string, f: SourceFields, now: number): Stmt {
  return sql(
    `INSERT INTO sources (slug, name, label, feed_url, homepage, timezone, interval_minutes, enabled, kind, rules, proxy_images, next_fetch_at, created_at, generation)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?11, ?12, 0, ?9, ${FRESH_GENERATION}) ON CONFLICT (slug) DO NOTHING RETURNING id`,
    slug,
    f.name,
    f.label,
    f.feedUrl,
    f.homepage,
    f.timezone,
    f.intervalMinutes,
    f.enabled ? 1 : 0,
    now,
    f.kind,
    f.rules,
    f.proxyImages ? 1 : 0,
  );
}

/** Replace a source's settings. A changed feed URL, kind or rules forgets the old validators
 *  (and the last body hash) and is due at once;
 *  `resume` clears a pause and the failure streak, and makes the source due at once. */
export function updateSourceStatement(slug: string, f: SourceFields, resume: boolean): Stmt {
  // Every right-hand side reads the row as it was before this UPDATE.
  return sql(
    `UPDATE sources SET name = ?2, label = ?3, homepage = ?5, timezone = ?6, interval_minutes = ?7, enabled = ?8, proxy_images = ?12,
       etag = CASE WHEN feed_url IS ?4 AND kind IS ?10 AND rules IS ?11 THEN etag ELSE NULL END ,
       last_modified = CASE WHEN feed_url IS ?4 AND kind IS ?10 AND rules IS ?11 THEN last_modified ELSE NULL END ,
       last_body_hash = CASE WHEN feed_url IS ?4 AND kind IS ?10 AND rules IS ?11 THEN last_body_hash ELSE NULL END ,
       next_fetch_at = CASE WHEN ?9 = 1 OR feed_url IS NOT ?4 OR kind IS NOT ?10 OR rules IS NOT ?11 THEN 0 ELSE next_fetch_at END ,
       paused_at = CASE WHEN ?9 = 1 THEN NULL ELSE paused_at END ,
       error_count = CASE WHEN ?9 = 1 THEN 0 ELSE error_count END ,
       feed_url = ?4, kind = ?10, rules = ?11, generation = generation + 1
     WHERE slug = ?1`,
    slug,
    f.name,
    f.label,
    f.feedUrl,
    f.homepage,
    f.timezone,
    f.intervalMinutes,
    f.enabled ? 1 : 0,
    resume ? 1 : 0,
    f.kind,
    f.rules,
    f.proxyImages ? 1 : 0,
  );
}

/** A source and everything filed under it, in one batch. */
export function deleteSourceStatements(slug: string): Stmt[] {
  const id = "(SELECT id FROM sources WHERE slug = ?1)";
  return [
    ...unindexSourceStatements(slug),
    // The months this source has articles in get their newest update recomputed after the
    // delete (the trigger only counts down): marked first, while the articles are still there.
    sql(
      `UPDATE month_stats SET last_updated = -1 WHERE month IN (SELECT month FROM source_month_stats WHERE source_id = ${id})`,
      slug,
    ),
    sql(`DELETE FROM articles WHERE source_id = ${id}`, slug),
    // What is left of each such month, read through its label (the source's rows are gone).
    sql(
      `UPDATE month_stats SET last_updated = coalesce((SELECT max(a.updated_at) FROM search_index l
         JOIN articles a ON a.search_rowid = l.rowid
         WHERE search_index MATCH '"' || char(57347) || replace(month_stats.month, '/', '') || '"'), 0)
       WHERE last_updated = -1`,
    ),
    sql("DELETE FROM month_stats WHERE article_count <= 0"),
    sql(`DELETE FROM source_pages WHERE source_id = ${id}`, slug),
    sql(`DELETE FROM source_stats WHERE source_id = ${id}`, slug),
    sql(`DELETE FROM source_month_stats WHERE source_id = ${id}`, slug),
    sql("DELETE FROM sources WHERE slug = ?1", slug),
  ];
}

/** Create a source with a feed, or give an existing one its feed URL if it has none (samples). */
export function ensureSourceFeedStatement(source: SourceRef, feedUrl: string, timezone: string, now: number): Stmt {
  return sql(
    `INSERT INTO sources (slug, name, label, feed_url, timezone, next_fetch_at, created_at, generation)
     VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ${FRESH_GENERATION})
     ON CONFLICT (slug) DO UPDATE SET feed_url = COALESCE(sources.feed_url, excluded.feed_url),
       generation = CASE WHEN sources.feed_url IS NULL THEN sources.generation + 1 ELSE sources.generation END`,
    source.slug,
    source.name,
    source.label,
    feedUrl,
    timezone,
    now,
  );
}
