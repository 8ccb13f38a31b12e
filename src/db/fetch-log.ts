// The per-source fetch log: one row per refresh, the newest FETCH_LOG_KEEP kept.
import type { FetchLogEntry } from "../core/model";
import { type SqlRunner, type Stmt, sql } from "./sql";

/** How many fetches a source's log keeps. */
export const FETCH_LOG_KEEP = 20;

export interface FetchLogWrite {
  readonly at: number;
  readonly status: "200" | "304" | "error";
  readonly counts: { readonly new: number; readonly updated: number; readonly unchanged: number };
  readonly durationMs: number;
  readonly error: string | null;
}

/** Append one fetch and drop what falls beyond the newest FETCH_LOG_KEEP (bounded per source). */
export function logFetchStatements(slug: string, f: FetchLogWrite): Stmt[] {
  const id = "(SELECT id FROM sources WHERE slug = ?1)";
  return [
    sql(
      `INSERT INTO source_fetches (source_id, fetched_at, status, new, updated, unchanged, duration_ms, error)
       SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM sources WHERE slug = ?1`,
      slug,
      f.at,
      f.status,
      f.counts.new,
      f.counts.updated,
      f.counts.unchanged,
      f.durationMs,
      f.error?.slice(0, 500) ?? null,
    ),
    sql(
      `DELETE FROM source_fetches WHERE source_id = ${id} AND id < coalesce((SELECT id FROM source_fetches
         WHERE source_id = ${id} ORDER BY id DESC LIMIT 1 OFFSET ${FETCH_LOG_KEEP - 1}), 0)`,
      slug,
    ),
  ];
}

export async function listFetchLog(db: SqlRunner, sourceId: number): Promise<FetchLogEntry[]> {
  const rows = await db.all<{
    fetched_at: number;
    status: "200" | "304" | "error";
    new: number;
    updated: number;
    unchanged: number;
    duration_ms: number | null;
    error: string | null;
  }>(
    sql(
      `SELECT fetched_at, status, new, updated, unchanged, duration_ms, error FROM source_fetches
       WHERE source_id = ?1 ORDER BY id DESC LIMIT ${FETCH_LOG_KEEP}`,
      sourceId,
    ),
  );
  return rows.map((r) => ({
    at: r.fetched_at,
    status: r.status,
    new: r.new,
    updated: r.updated,
    unchanged: r.unchanged,
    durationMs: r.duration_ms,
    error: r.error,
  }));
}
