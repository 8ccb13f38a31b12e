// Every SQL statement about source_pages: the article pages of html sources and the item pages
// of summary-only feeds that a refresh fetched, with their validators and outcome.
import { type SqlRunner, type Stmt, sql } from "./sql";

export interface UpstreamPageState {
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly status: "ok" | "unmatched" | "error";
  readonly attempts: number;
  readonly firstSeen: number;
  readonly checkedAt: number;
}

interface UpstreamPageRow {
  url: string;
  etag: string | null;
  last_modified: string | null;
  status: "ok" | "unmatched" | "error";
  attempts: number;
  first_seen: number;
  checked_at: number;
}
const toUpstreamPage = (r: UpstreamPageRow): UpstreamPageState => ({
  url: r.url,
  etag: r.etag,
  lastModified: r.last_modified,
  status: r.status,
  attempts: r.attempts,
  firstSeen: r.first_seen,
  checkedAt: r.checked_at,
});

/** What we know of these pages of a source (unknown URLs are absent from the map). */
export async function getUpstreamPages(
  db: SqlRunner,
  sourceId: number,
  urls: readonly string[],
): Promise<Map<string, UpstreamPageState>> {
  const out = new Map<string, UpstreamPageState>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < urls.length; i += 90) {
    const chunk = urls.slice(i, i + 90);
    const rows = await db.all<UpstreamPageRow>(
      sql(
        `SELECT url, etag, last_modified, status, attempts, first_seen, checked_at FROM source_pages WHERE source_id = ?1 AND url IN (${chunk.map((_, j) => `?${j + 2}`).join(", ")})`,
        sourceId,
        ...chunk,
      ),
    );
    for (const r of rows) out.set(r.url, toUpstreamPage(r));
  }
  return out;
}

/** Pages of a source first seen since `since`, least recently checked first (to revisit). */
export async function listRecentUpstreamPages(
  db: SqlRunner,
  sourceId: number,
  since: number,
  limit: number,
): Promise<UpstreamPageState[]> {
  return (
    await db.all<UpstreamPageRow>(
      sql(
        `SELECT url, etag, last_modified, status, attempts, first_seen, checked_at FROM source_pages
         WHERE source_id = ?1 AND first_seen >= ?2 AND status = 'ok' ORDER BY checked_at LIMIT ?3`,
        sourceId,
        since,
        limit,
      ),
    )
  ).map(toUpstreamPage);
}

export interface UpstreamPageVisit {
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly status: "ok" | "unmatched" | "error";
  readonly error: string | null;
}

/** Record a visit; an error adds an attempt, anything else resets the count. */
export function recordUpstreamPageStatement(sourceId: number, v: UpstreamPageVisit, now: number): Stmt {
  return sql(
    `INSERT INTO source_pages (source_id, url, etag, last_modified, status, error, attempts, first_seen, checked_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?5 = 'error' THEN 1 ELSE 0 END, ?7, ?7)
     ON CONFLICT (source_id, url) DO UPDATE SET
       etag = COALESCE(excluded.etag, source_pages.etag), last_modified = COALESCE(excluded.last_modified, source_pages.last_modified),
       status = excluded.status, error = excluded.error, checked_at = excluded.checked_at,
       attempts = CASE WHEN excluded.status = 'error' THEN source_pages.attempts + 1 ELSE 0 END`,
    sourceId,
    v.url,
    v.etag,
    v.lastModified,
    v.status,
    v.error,
    now,
  );
}

/** New rules deserve a new look at pages the old ones could not read. */
export function forgetUnreadUpstreamPagesStatement(slug: string): Stmt {
  return sql(
    "DELETE FROM source_pages WHERE status != 'ok' AND source_id = (SELECT id FROM sources WHERE slug = ?1)",
    slug,
  );
}
