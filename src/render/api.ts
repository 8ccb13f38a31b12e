// Model → the public JSON shapes of the API (pure). Field names are stable and documented.
import type { Article, SourceWithState } from "../core/model";
import { redactText } from "../core/redact";
import { articlePath } from "../core/urls";
import { absolutizeHtml } from "./feeds";
import { instantIn, toRfc3339 } from "../core/time";

function instantJson(ms: number | null, timeZone: string): string | null {
  if (ms === null || ms <= 0) return null;
  return toRfc3339(instantIn(timeZone, ms));
}

/** Public health of a source: no feed URL, no validators (a URL may carry a key), and URLs in
 *  its error redacted; `reveal` (the admin API, behind the token) keeps the error as recorded. */
export function sourceHealthJson(s: SourceWithState, now: number, reveal = false) {
  return {
    slug: s.slug,
    name: s.name,
    enabled: s.enabled,
    paused: s.state.pausedAt !== null,
    last_fetch_at: instantJson(s.state.lastFetchAt, s.timezone),
    last_result: s.state.lastStatus,
    error_streak: s.state.errorCount,
    last_error: reveal ? s.state.lastError : redactText(s.state.lastError),
    last_counts: s.state.lastCounts,
    last_duration_ms: s.state.lastDurationMs,
    // The last body fit no encoding and was read with replacement characters (ingest/decode.ts).
    decode_warning: s.state.decodeWarning ?? null,
    // Null when nothing is scheduled (disabled, paused, or no feed); else the next cron tick at
    // or after the stored time.
    next_attempt_at:
      s.enabled && s.state.pausedAt === null && s.feedUrl
        ? instantJson(Math.max(s.state.nextFetchAt, now), s.timezone)
        : null,
  };
}

/** A source as the admin API shows it: settings plus health. */
export function sourceJson(s: SourceWithState, now: number) {
  return {
    slug: s.slug,
    name: s.name,
    label: s.label,
    feed_url: s.feedUrl,
    kind: s.kind,
    rules: s.rules ? (JSON.parse(s.rules) as unknown) : null,
    homepage: s.homepage,
    timezone: s.timezone,
    interval_minutes: s.intervalMinutes,
    enabled: s.enabled,
    proxy_images: s.proxyImages,
    health: sourceHealthJson(s, now, true),
  };
}

/** An article as the API shows it; dates in RFC 3339 with the source's own offset. */
export function articleJson(a: Article, baseUrl: string, withContent: boolean) {
  return {
    id: a.id,
    title: a.title,
    /** The upstream item had no title: `title` was derived from its text, or its source and time. */
    title_derived: a.titleDerived === true,
    url: `${baseUrl}${articlePath(a)}`,
    original_url: a.originalUrl,
    category: a.source.slug,
    category_name: a.source.name,
    tags: a.tags,
    summary: a.summary,
    author: a.author,
    image: a.image ? (a.image.startsWith("/") ? `${baseUrl}${a.image}` : a.image) : null,
    enclosures: (a.enclosures ?? []).map((e) => ({ url: e.url, type: e.type, length: e.length })),
    published_at: toRfc3339(a.published),
    updated_at: toRfc3339(a.updated),
    ...(withContent ? { content_html: absolutizeHtml(a.contentHtml, baseUrl) } : {}),
  };
}
