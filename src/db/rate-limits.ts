// Fixed-window request counters in D1 (the WebSub hub's rate limits). One upsert per key both
// counts the request and reads the count, so concurrent requests can never both see room.
import { type SqlRunner, sql } from "./sql";

export interface RateLimit {
  readonly key: string;
  readonly limit: number;
}

export interface RateVerdict {
  /** The first key over its limit, or null when every key has room. */
  readonly exceeded: string | null;
  /** Seconds until the current window ends (for Retry-After). */
  readonly retryAfterSeconds: number;
}

/** Count one request against every key (one round trip, one transaction). */
export async function hitRateLimits(
  db: SqlRunner,
  limits: readonly RateLimit[],
  windowMs: number,
  now: number,
): Promise<RateVerdict> {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const results = (await db.allMany(
    limits.map((l) =>
      sql(
        `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1) ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN window_start = ?2 THEN count + 1 ELSE 1 END, window_start = ?2 RETURNING count`,
        l.key,
        windowStart,
      ),
    ),
  )) as { count: number }[][];
  const over = limits.find((l, i) => (results[i]?.[0]?.count ?? 0) > l.limit);
  return {
    exceeded: over?.key ?? null,
    retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
  };
}

/** Counters of windows long gone. */
export const purgeRateLimitsStatement = (before: number) =>
  sql("DELETE FROM rate_limits WHERE window_start < ?1", before);
