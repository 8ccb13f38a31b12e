// The operator's console: its reads (the sources table, a source's page) and the sign-in counter.
import type { ConsoleSourcePage, ConsoleSourceRow, ConsoleSourceState } from "../core/model";
import { sourceLabelMatch } from "../core/search-tokens";
import { type SqlRunner, type Stmt, sql } from "./sql";

/** Days the sparkline covers. */
export const SPARK_DAYS = 30;
const DAY_MS = 86_400_000;

const STATE_FILTER: Record<ConsoleSourceState, string> = {
  all: "1",
  failing: "s.last_status = 'error'",
  paused: "(s.paused_at IS NOT NULL OR s.enabled = 0)",
  never: "s.last_fetch_at IS NULL",
};

/** LIKE pattern for a name or slug search; %, _ and \ typed by the operator match themselves. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

interface Row {
  id: number;
  slug: string;
  name: string;
  kind: "feed" | "html" | "json";
  timezone: string;
  enabled: number;
  feed_url: string | null;
  last_fetch_at: number | null;
  last_status: "200" | "304" | "error" | null;
  error_count: number;
  last_error: string | null;
  paused_at: number | null;
  next_fetch_at: number;
}

/** One page of sources in id order after `after` (keyset: a range of the rowid, so page 200
 *  costs what page 1 costs), then their articles per day over SPARK_DAYS in one aggregate over
 *  the (source_id, published_at) index. */
export async function consoleSourcePage(
  db: SqlRunner,
  opts: { after: number; limit: number; q: string; state: ConsoleSourceState; now: number },
): Promise<ConsoleSourcePage> {
  const q = opts.q.trim();
  const rows = await db.all<Row>(
    sql(
      `SELECT s.id, s.slug, s.name, s.kind, s.timezone, s.enabled, s.feed_url, s.last_fetch_at, s.last_status,
         s.error_count, s.last_error, s.paused_at, s.next_fetch_at
       FROM sources s
       WHERE s.id > ?1 AND (?2 = '' OR s.name LIKE ?3 ESCAPE '\\' OR s.slug LIKE ?3 ESCAPE '\\') AND ${STATE_FILTER[opts.state]}
       ORDER BY s.id LIMIT ?4`,
      opts.after,
      q,
      likePattern(q),
      opts.limit + 1,
    ),
  );
  const page = rows.slice(0, opts.limit);
  const since = opts.now - SPARK_DAYS * DAY_MS;
  const counts =
    page.length === 0
      ? []
      : await db.all<{ source_id: number; day: number; n: number }>(
          sql(
            `SELECT source_id, (?2 - published_at) / ${DAY_MS} AS day, count(*) AS n FROM articles
             WHERE source_id IN (SELECT value FROM json_each(?1)) AND published_at > ?3 AND published_at <= ?2
             GROUP BY source_id, day`,
            JSON.stringify(page.map((r) => r.id)),
            opts.now,
            since,
          ),
        );
  const perDay = new Map<number, number[]>();
  for (const c of counts) {
    const days = perDay.get(c.source_id) ?? new Array<number>(SPARK_DAYS).fill(0);
    // day 0 is the last 24 h; the array runs oldest first.
    const i = SPARK_DAYS - 1 - Math.min(SPARK_DAYS - 1, Math.floor(c.day));
    days[i] = (days[i] ?? 0) + c.n;
    perDay.set(c.source_id, days);
  }
  return {
    rows: page.map(
      (r): ConsoleSourceRow => ({
        id: r.id,
        slug: r.slug,
        name: r.name,
        kind: r.kind,
        timezone: r.timezone,
        enabled: r.enabled === 1,
        hasFeed: r.feed_url !== null,
        lastFetchAt: r.last_fetch_at,
        lastStatus: r.last_status,
        errorCount: r.error_count,
        lastError: r.last_error,
        pausedAt: r.paused_at,
        nextFetchAt: r.next_fetch_at,
        perDay: perDay.get(r.id) ?? new Array<number>(SPARK_DAYS).fill(0),
      }),
    ),
    next: rows.length > opts.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** How many articles a source has (said before it is deleted). */
export async function countSourceArticles(db: SqlRunner, sourceId: number): Promise<number> {
  const rows = await db.all<{ n: number }>(sql("SELECT count(*) AS n FROM articles WHERE source_id = ?1", sourceId));
  return rows[0]?.n ?? 0;
}

/** A source's newest articles, for its console page (its label, newest first). */
export async function newestSourceArticles(
  db: SqlRunner,
  sourceId: number,
  limit: number,
): Promise<{ id: string; pathDate: string; title: string; publishedAt: number }[]> {
  return db.all(
    sql(
      `SELECT a.id, a.path_date AS pathDate, a.title, a.published_at AS publishedAt FROM search_index l
       JOIN articles a ON a.search_rowid = l.rowid WHERE search_index MATCH ?1 ORDER BY l.rowid DESC LIMIT ?2`,
      sourceLabelMatch(sourceId),
      limit,
    ),
  );
}

// --- failed sign-ins --------------------------------------------------------------------------

/** Failures of `client` inside the window that ends now (0 once the window has passed). */
export async function signInFailures(db: SqlRunner, client: string, now: number, windowMs: number): Promise<number> {
  const rows = await db.all<{ failures: number }>(
    sql("SELECT failures FROM console_signin_failures WHERE client = ?1 AND window_start > ?2", client, now - windowMs),
  );
  return rows[0]?.failures ?? 0;
}

/** One more failure (a new window starts when the old one has passed); counters whose window
 *  has passed are swept in the same batch, so the table holds only the current window's clients. */
export function recordSignInFailureStatements(client: string, now: number, windowMs: number): Stmt[] {
  return [
    sql("DELETE FROM console_signin_failures WHERE window_start <= ?1 AND client <> ?2", now - windowMs, client),
    sql(
      `INSERT INTO console_signin_failures (client, failures, window_start) VALUES (?1, 1, ?2)
     ON CONFLICT (client) DO UPDATE SET
       failures = CASE WHEN window_start > ?2 - ?3 THEN failures + 1 ELSE 1 END,
       window_start = CASE WHEN window_start > ?2 - ?3 THEN window_start ELSE ?2 END`,
      client,
      now,
      windowMs,
    ),
  ];
}

/** A successful sign-in forgets the client's failures. */
export function clearSignInFailuresStatement(client: string): Stmt {
  return sql("DELETE FROM console_signin_failures WHERE client = ?1", client);
}
