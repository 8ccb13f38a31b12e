// The archive tier's statements (migrations/0014_archive.sql; the R2 side is archive/bodies.ts).
import type { ArchiveState } from "../core/model";
import { type SqlRunner, type Stmt, sql } from "./sql";

export interface ArchiveCandidate {
  readonly id: string;
  readonly content_html: string;
  readonly content_hash: string;
}

/** Up to `limit` articles published before `cutoffMs` whose body is still in D1, oldest first:
 *  one range of the partial index articles_to_archive. An article not yet in the search index
 *  waits for the backfill (its body is what gets indexed). */
export function archiveCandidates(db: SqlRunner, cutoffMs: number, limit: number): Promise<ArchiveCandidate[]> {
  return db.all<ArchiveCandidate>(
    sql(
      `SELECT id, content_html, content_hash FROM articles INDEXED BY articles_to_archive
       WHERE archived_at IS NULL AND published_at < ?1 AND search_rowid IS NOT NULL
       ORDER BY published_at LIMIT ?2`,
      cutoffMs,
      limit,
    ),
  );
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

/** Record a tick: what it moved, and its failure if any (a tick without one clears it: the
 *  status page shows a failure only while it lasts). */
export function recordArchiveRunStatement(now: number, archived: number, error: string | null): Stmt {
  return sql(
    `INSERT INTO archive_state (id, last_run_at, last_archived, last_error, last_error_at) VALUES (1, ?1, ?2, ?3, ?4)
     ON CONFLICT (id) DO UPDATE SET last_run_at = excluded.last_run_at, last_archived = excluded.last_archived,
       last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
    now,
    archived,
    error,
    error === null ? null : now,
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
