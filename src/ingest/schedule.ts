// When to fetch a source next (pure): the largest of its own interval, the feed's ttl,
// Cache-Control max-age and Expires; Retry-After on 429/503; exponential backoff on errors.

export const MAX_DELAY_MINUTES = 24 * 60;
/** After this many failures in a row a source is paused until an admin resumes it. */
export const PAUSE_AFTER_FAILURES = 10;

export interface FetchTiming {
  readonly intervalMinutes: number;
  readonly ttlMinutes?: number | null;
  readonly cacheControl?: string | null;
  readonly expires?: string | null;
  readonly retryAfter?: string | null;
  /** Failures in a row, this one included (0 after a success). */
  readonly errorCount: number;
}

/** Cache-Control max-age in seconds (no-store / no-cache give 0). */
export function parseMaxAge(header: string | null | undefined): number | null {
  if (!header) return null;
  const m = /(?:^|,)\s*(?:s-)?max-age\s*=\s*"?(\d+)"?/i.exec(header);
  return m ? Number(m[1]) : null;
}

/** Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3) → ms from now. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function nextFetchAt(now: number, t: FetchTiming): number {
  const minute = 60_000;
  const cap = MAX_DELAY_MINUTES * minute;
  const interval = t.intervalMinutes * minute;
  if (t.errorCount > 0) {
    const backoff = Math.min(cap, interval * 2 ** Math.min(t.errorCount - 1, 16));
    const retryAfter = parseRetryAfter(t.retryAfter, now) ?? 0;
    return now + Math.min(cap, Math.max(backoff, retryAfter));
  }
  const expires = t.expires ? Date.parse(t.expires) - now : NaN;
  const delay = Math.max(
    interval,
    (t.ttlMinutes ?? 0) * minute,
    (parseMaxAge(t.cacheControl) ?? 0) * 1000,
    Number.isFinite(expires) ? expires : 0,
  );
  return now + Math.min(cap, delay);
}
