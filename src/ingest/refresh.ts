// One source: fetch → decode → parse → normalize → sanitize → store, and the outcome recorded.
// A refresh never throws: whatever goes wrong becomes the source's recorded error, and the
// articles already stored are untouched (the writes of a refresh are one atomic db.batch).
import type { ArticleInput, SourceWithState } from "../core/model";
import { planUpsert, readKnownHashes } from "../db/articles";
import type { SqlRunner } from "../db/sql";
import { recordFailureStatement, recordSuccessStatement } from "../db/sources";
import { decodeFeedBytes } from "./decode";
import { type FetchLimits, fetchUpstream } from "./fetch-upstream";
import { normalizeItem } from "./normalize";
import { parseFeedText } from "./parse";
import { PAUSE_AFTER_FAILURES, nextFetchAt } from "./schedule";

export interface RefreshDeps {
  readonly db: SqlRunner;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly limits: FetchLimits;
  readonly log: (line: Record<string, unknown>) => void;
}

export interface RefreshOutcome {
  readonly source: string;
  readonly status: "200" | "304" | "error";
  readonly new: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly ms: number;
  readonly error?: string;
  readonly paused?: boolean;
}

class RefreshError extends Error {
  constructor(message: string, readonly headers?: Headers) {
    super(message);
  }
}

export async function refreshSource(deps: RefreshDeps, source: SourceWithState): Promise<RefreshOutcome> {
  const started = deps.now();
  let outcome: RefreshOutcome;
  try {
    outcome = await refreshOrThrow(deps, source, started);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const now = deps.now();
    const errorCount = source.state.errorCount + 1;
    const retryAfter = e instanceof RefreshError ? e.headers?.get("retry-after") : null;
    try {
      await deps.db.batch([
        recordFailureStatement(source.slug, {
          reason,
          nextFetchAt: nextFetchAt(now, { intervalMinutes: source.intervalMinutes, errorCount, retryAfter }),
          now,
          durationMs: now - started,
          pauseAfter: PAUSE_AFTER_FAILURES,
        }),
      ]);
    } catch (recordError) {
      deps.log({ level: "error", msg: "could not record a refresh failure", source: source.slug, error: String(recordError) });
    }
    outcome = { source: source.slug, status: "error", new: 0, updated: 0, unchanged: 0, ms: now - started, error: reason, paused: errorCount >= PAUSE_AFTER_FAILURES };
  }
  deps.log({ level: outcome.status === "error" ? "warn" : "info", msg: "refresh", ...outcome });
  return outcome;
}

async function refreshOrThrow(deps: RefreshDeps, source: SourceWithState, started: number): Promise<RefreshOutcome> {
  if (!source.feedUrl) throw new RefreshError("the source has no feed URL");
  const fetched = await fetchUpstream(deps.fetch, source.feedUrl, { etag: source.state.etag, lastModified: source.state.lastModified }, deps.limits);
  const now = deps.now();
  const timing = (headers: Headers, ttlMinutes: number | null = null) =>
    nextFetchAt(now, {
      intervalMinutes: source.intervalMinutes,
      ttlMinutes,
      cacheControl: headers.get("cache-control"),
      expires: headers.get("expires"),
      errorCount: 0,
    });

  if (fetched.kind === "error") throw new RefreshError(fetched.reason, fetched.headers);
  if (fetched.kind === "not-modified") {
    const counts = { new: 0, updated: 0, unchanged: 0 };
    await deps.db.batch([
      recordSuccessStatement(source.slug, {
        status: "304", etag: fetched.headers.get("etag") ?? source.state.etag, lastModified: fetched.headers.get("last-modified") ?? source.state.lastModified,
        nextFetchAt: timing(fetched.headers), now, durationMs: now - started, counts, bodyHash: source.state.bodyHash,
      }),
    ]);
    return { source: source.slug, status: "304", ...counts, ms: now - started };
  }

  // The same bytes as last time (an upstream that ignores conditional GET): nothing to parse.
  const bodyHash = await hashBody(fetched.bytes);
  if (bodyHash === source.state.bodyHash) {
    const last = source.state.lastCounts;
    const counts = { new: 0, updated: 0, unchanged: last ? last.new + last.updated + last.unchanged : 0 };
    await deps.db.batch([
      recordSuccessStatement(source.slug, {
        status: "200", etag: fetched.headers.get("etag"), lastModified: fetched.headers.get("last-modified"),
        nextFetchAt: timing(fetched.headers), now, durationMs: deps.now() - started, counts, bodyHash,
      }),
    ]);
    return { source: source.slug, status: "200", ...counts, ms: deps.now() - started };
  }

  const { text } = decodeFeedBytes(fetched.bytes, fetched.headers.get("content-type"));
  const feed = parseFeedText(text);
  const base = resolveBase(feed.base, feed.link, fetched.url);
  const inputs: ArticleInput[] = [];
  for (const item of feed.items) {
    const article = await normalizeItem(item, { source, base, xmlBase: feed.base ? base : null, now });
    if (article) inputs.push(article);
  }
  if (feed.items.length > 0 && inputs.length === 0) throw new RefreshError("the feed's items have no title or content");

  // Upstream duplicates are one article: the later occurrence wins.
  const byGuid = new Map(inputs.map((a) => [a.guid, a]));
  const known = await readKnownHashes(deps.db, new Map([[source.slug, [...byGuid.keys()]]]));
  const plan = await planUpsert(known, source, [...byGuid.values()], now);
  const counts = { new: plan.inserted, updated: plan.updated, unchanged: plan.unchanged };
  await deps.db.batch([
    ...plan.statements,
    recordSuccessStatement(source.slug, {
      status: "200", etag: fetched.headers.get("etag"), lastModified: fetched.headers.get("last-modified"),
      nextFetchAt: timing(fetched.headers, feed.ttlMinutes), now, durationMs: deps.now() - started, counts, bodyHash,
    }),
  ]);
  return { source: source.slug, status: "200", ...counts, ms: deps.now() - started };
}

// Bump when decoding, parsing, normalizing or sanitizing changes what a feed's bytes become, so
// sources whose bytes did not change are processed again once.
const PIPELINE_VERSION = "2026-11-26.1";

/** The identity of a fetched body for this version of the pipeline. */
export async function hashBody(bytes: Uint8Array): Promise<string> {
  const salt = new TextEncoder().encode(`${PIPELINE_VERSION}\n`);
  const all = new Uint8Array(salt.byteLength + bytes.byteLength);
  all.set(salt);
  all.set(bytes, salt.byteLength);
  const digest = await crypto.subtle.digest("SHA-256", all);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** xml:base (itself relative to the feed's URL), else the feed's own link, else its URL. */
function resolveBase(xmlBase: string | null, link: string | null, url: string): string {
  for (const candidate of [xmlBase, link]) {
    if (!candidate) continue;
    try {
      const u = new URL(candidate, url);
      if (u.protocol === "http:" || u.protocol === "https:") return u.href;
    } catch {
      // try the next
    }
  }
  return url;
}

/** Refresh the given sources, at most `concurrency` at a time; never throws. */
export async function refreshAll(deps: RefreshDeps, sources: readonly SourceWithState[], concurrency: number): Promise<RefreshOutcome[]> {
  const outcomes: RefreshOutcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, sources.length) }, async () => {
      while (next < sources.length) {
        const source = sources[next++]!;
        outcomes.push(await refreshSource(deps, source));
      }
    }),
  );
  return outcomes;
}
