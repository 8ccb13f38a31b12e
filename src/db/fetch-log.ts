// The per-source fetch log: the newest FETCH_LOG_KEEP refreshes, kept as a JSON array (newest
// first) in the source's own row and written by the same UPDATE that records the refresh's
// outcome — a refresh that changes nothing writes the source's row and nothing else.
import type { FetchLogEntry } from "../core/model";
import { type SqlRunner, sql } from "./sql";

/** How many fetches a source's log keeps. */
export const FETCH_LOG_KEEP = 20;

export interface FetchLogWrite {
  readonly at: number;
  readonly status: "200" | "304" | "error";
  readonly counts: { readonly new: number; readonly updated: number; readonly unchanged: number };
  readonly durationMs: number;
  readonly error: string | null;
}

/** One entry as stored (short keys: 20 of them live in every source's row). */
interface StoredEntry {
  t: number;
  s: "200" | "304" | "error";
  n: number;
  u: number;
  k: number;
  d: number | null;
  e: string | null;
}

/** The SET clause that puts entry `param` (an SQL parameter holding fetchLogEntryJson's text)
 *  first in the source's log and keeps the newest FETCH_LOG_KEEP. */
export function fetchLogSetSql(param: string): string {
  return `fetch_log = (SELECT json_group_array(json(e)) FROM (
      SELECT ${param} AS e UNION ALL SELECT value FROM json_each(coalesce(sources.fetch_log, '[]')) LIMIT ${FETCH_LOG_KEEP}))`;
}

/** The JSON text of one entry, for fetchLogSetSql's parameter. */
export function fetchLogEntryJson(f: FetchLogWrite): string {
  const entry: StoredEntry = {
    t: f.at,
    s: f.status,
    n: f.counts.new,
    u: f.counts.updated,
    k: f.counts.unchanged,
    d: f.durationMs,
    e: f.error?.slice(0, 500) ?? null,
  };
  return JSON.stringify(entry);
}

export async function listFetchLog(db: SqlRunner, sourceId: number): Promise<FetchLogEntry[]> {
  const rows = await db.all<{ fetch_log: string | null }>(sql("SELECT fetch_log FROM sources WHERE id = ?1", sourceId));
  const log = JSON.parse(rows[0]?.fetch_log ?? "[]") as StoredEntry[];
  return log.map((r) => ({
    at: r.t,
    status: r.s,
    new: r.n,
    updated: r.u,
    unchanged: r.k,
    durationMs: r.d,
    error: r.e,
  }));
}
