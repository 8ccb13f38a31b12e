// The archive tier's statements (migrations/0014_archive.sql; the R2 side is archive/bodies.ts).
import type { ArchiveState } from "../core/model";
import { searchRowidAt } from "./search";
import { type SqlRunner, type Stmt, sql } from "./sql";

export interface ArchiveCandidate {
  readonly id: string;
  readonly content_html: string;
  readonly content_hash: string;
  readonly search_rowid: number;
}

/** Where the archive's walk over the articles is (migrations/0017_fewer_rows_per_article.sql). */
export interface ArchiveSweep {
  /** The search rowid examined up to; null: the next tick starts from the beginning. */
  readonly after: number | null;
  /** When the current pass began (ms); null before the first. */
  readonly startedAt: number | null;
}

export interface ArchiveWindow {
  /** Up to `limit` articles of the window published before the cutoff whose body is still in
   *  D1, in the walk's order. */
  readonly candidates: ArchiveCandidate[];
  /** The window's last search rowid; null when nothing is left below the cutoff. */
  readonly end: number | null;
  /** Whether the window reached the cutoff (held fewer than `scan` rows). */
  readonly reachedCutoff: boolean;
}

/** The next window of the archive's walk: up to `scan` articles after `after` in the search
 *  rowid's order (time order: articles_search_rowid, no index of its own), ending before the
 *  first rowid of `cutoffMs`; of them, those still holding their body, at most `limit`. Rows read
 *  are bounded by `scan` (the index's entries and their rows); rows written: none. An article not
 *  yet in the search index waits for the backfill (its body is what gets indexed). */
export async function archiveWindow(
  db: SqlRunner,
  after: number | null,
  cutoffMs: number,
  scan: number,
  limit: number,
): Promise<ArchiveWindow> {
  // The window's bounds as parameters: ?1 after (exclusive), ?2 the cutoff's first rowid, ?3 scan.
  const window = `SELECT search_rowid FROM articles INDEXED BY articles_search_rowid
    WHERE search_rowid > ?1 AND search_rowid < ?2 ORDER BY search_rowid LIMIT ?3`;
  const from = after ?? Number.MIN_SAFE_INTEGER;
  const [candidates, ends] = (await db.allMany([
    sql(
      `SELECT a.id, a.content_html, a.content_hash, a.search_rowid FROM articles a
       WHERE a.search_rowid IN (${window}) AND a.archived_at IS NULL AND a.published_at < ?4
       ORDER BY a.search_rowid LIMIT ?5`,
      from,
      searchRowidAt(cutoffMs),
      scan,
      cutoffMs,
      limit,
    ),
    sql(`SELECT max(search_rowid) AS end, count(*) AS n FROM (${window})`, from, searchRowidAt(cutoffMs), scan),
  ])) as [ArchiveCandidate[], { end: number | null; n: number }[]];
  const e = ends[0];
  return { candidates, end: e?.end ?? null, reachedCutoff: (e?.n ?? 0) < scan };
}

export async function getArchiveSweep(db: SqlRunner): Promise<ArchiveSweep> {
  const rows = await db.all<{ sweep_after: number | null; sweep_started_at: number | null }>(
    sql("SELECT sweep_after, sweep_started_at FROM archive_state WHERE id = 1"),
  );
  return { after: rows[0]?.sweep_after ?? null, startedAt: rows[0]?.sweep_started_at ?? null };
}

/** Empty the body of an article whose body R2 now holds, only if the row is still the version
 *  that was written there (a refresh in between changed its hash: then nothing happens, and the
 *  next tick archives the new body). Returns the id when it did.
 *
 *  The row also moves to a new rowid at the table's end. SQLite rebalances a b-tree when a row
 *  leaves a page, not when it shrinks there: emptied in place, the row would keep its page
 *  allocated and nearly empty for good (new rows are appended at the end, never there). Moved,
 *  its old page is merged or freed to the free list, which new rows reuse (bench:archive). Nothing
 *  refers to an article's rowid: links use its id, the search index its search_rowid. */
export function markArchivedStatement(id: string, version: string, now: number): Stmt {
  return sql(
    `UPDATE articles SET content_html = '', archived_at = ?3, rowid = (SELECT max(rowid) + 1 FROM articles)
     WHERE id = ?1 AND content_hash = ?2 AND archived_at IS NULL
     RETURNING id`,
    id,
    version,
    now,
  );
}

/** Archived articles that lost their search index row (a reindex): their bodies come back to D1
 *  first, so the backfill indexes the text and not an empty body. */
export function archivedUnindexed(db: SqlRunner, limit: number): Promise<{ id: string; content_hash: string }[]> {
  return db.all(
    sql("SELECT id, content_hash FROM articles WHERE search_rowid IS NULL AND archived_at IS NOT NULL LIMIT ?1", limit),
  );
}

/** Put a body read back from R2 into D1 again (same compare-and-set as archiving). */
export function restoreBodyStatement(id: string, version: string, html: string): Stmt {
  return sql(
    "UPDATE articles SET content_html = ?3, archived_at = NULL WHERE id = ?1 AND content_hash = ?2 AND archived_at IS NOT NULL",
    id,
    version,
    html,
  );
}

/** Record a tick: what it moved, its failure if any (a tick without one clears it: the status
 *  page shows a failure only while it lasts), and where its walk stopped (one row written). */
export function recordArchiveRunStatement(
  now: number,
  archived: number,
  error: string | null,
  sweep: ArchiveSweep,
): Stmt {
  return sql(
    `INSERT INTO archive_state (id, last_run_at, last_archived, last_error, last_error_at, sweep_after, sweep_started_at)
     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (id) DO UPDATE SET last_run_at = excluded.last_run_at, last_archived = excluded.last_archived,
       last_error = excluded.last_error, last_error_at = excluded.last_error_at,
       sweep_after = excluded.sweep_after, sweep_started_at = excluded.sweep_started_at`,
    now,
    archived,
    error,
    error === null ? null : now,
    sweep.after,
    sweep.startedAt,
  );
}

export async function getArchiveState(db: SqlRunner): Promise<ArchiveState | null> {
  const rows = await db.all<{
    last_run_at: number;
    last_archived: number;
    last_error: string | null;
    last_error_at: number | null;
  }>(sql("SELECT last_run_at, last_archived, last_error, last_error_at FROM archive_state WHERE id = 1"));
  const r = rows[0];
  return r
    ? { lastRunAt: r.last_run_at, lastArchived: r.last_archived, lastError: r.last_error, lastErrorAt: r.last_error_at }
    : null;
}
