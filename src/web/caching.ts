// HTTP validators and cache policy (pure): strong ETags, RFC 9110 conditional requests, and the
// Cache-Control every cacheable response carries. Written by hand because hono's etag middleware
// hashes the rendered body, and the feed 304 path must answer without rendering anything.

/** RFC 9110 §13.1.2: If-None-Match uses the weak comparison; "*" matches any current representation. */
export function matchesIfNoneMatch(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((candidate) => opaque(candidate) === opaque(etag));
}

/** RFC 9110 §13.1.3: "modified since" compares instants at one-second resolution, not strings. */
export function isModifiedSince(header: string | null | undefined, lastModifiedMs: number): boolean {
  if (!header) return true;
  const since = Date.parse(header);
  if (Number.isNaN(since)) return true;
  return Math.floor(lastModifiedMs / 1000) * 1000 > since;
}

/** Whether a GET/HEAD with these headers can be answered 304 (§13.2.2: If-None-Match wins). */
export function isNotModified(headers: Headers, etag: string, lastModifiedMs: number | null): boolean {
  const inm = headers.get("if-none-match");
  if (inm !== null) return matchesIfNoneMatch(inm, etag);
  if (lastModifiedMs === null) return false;
  const ims = headers.get("if-modified-since");
  return ims !== null && !isModifiedSince(ims, lastModifiedMs);
}

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** Cache lifetimes derived from how often the cron refreshes the content. */
export interface CachePolicy {
  readonly maxAge: number;
  readonly staleWhileRevalidate: number;
  readonly staleIfError: number;
}

// A reader (or the edge) may keep a copy for a third of the refresh interval: content is then at
// most that much staler than D1, and a refresh is visible within one max-age.
const MAX_AGE_SHARE_OF_INTERVAL = 1 / 3;
const STALE_IF_ERROR_SECONDS = 86_400;

export function cachePolicy(refreshIntervalMinutes: number): CachePolicy {
  const interval = refreshIntervalMinutes * 60;
  return {
    maxAge: Math.max(60, Math.round(interval * MAX_AGE_SHARE_OF_INTERVAL)),
    staleWhileRevalidate: interval,
    staleIfError: STALE_IF_ERROR_SECONDS,
  };
}

export function cacheControl(p: CachePolicy): string {
  return `public, max-age=${p.maxAge}, stale-while-revalidate=${p.staleWhileRevalidate}, stale-if-error=${p.staleIfError}`;
}
