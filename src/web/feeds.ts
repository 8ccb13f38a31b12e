// Feeds over HTTP: the route table of src/feeds/ served with validators, 304s and two cache
// layers (this isolate's memory, then the edge cache). What a feed says is decided in src/feeds/.
//
// Module state: the isolate's memory cache of rendered feeds (core/lru.ts, MEMORY_CACHE_MB),
// reset by resetFeedMemory() (src/state.ts).
import { Hono } from "hono";
import type { Context } from "hono";
import type { Config } from "../config";
import { strongEtag } from "../core/ids";
import { LruCache } from "../core/lru";
import { monthIn } from "../core/time";
import type { FeedFormat } from "../core/urls";
import { getListingVersion } from "../db/articles";
import {
  ARCHIVE_MAX_ITEMS,
  FEED_FORMATS,
  RENDER_VERSION,
  archiveNeighbours,
  hubUrlFor,
  renderListingFeed,
} from "../feeds/document";
import { type FeedListing, parseFeedLimit } from "../feeds/listings";
import { FEED_ROUTES, type Params, canonicalFeedUrl } from "../feeds/routes";
import { cacheControl, cachePolicy, httpDate, isNotModified } from "./caching";
import { type AppEnv, readBeforeCursor } from "./context";

/** A browser opening a feed asks for HTML first: it gets the same bytes as application/xml, so
 *  it applies the feed's XSL stylesheet instead of offering a download. Readers are unaffected. */
function isBrowser(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/.test(accept);
}

/** Edge cache key: the URL plus the representation variant (Cache API ignores Vary). */
export function feedCacheKey(url: string, browser: boolean): Request {
  const u = new URL(url);
  u.searchParams.set("__variant", browser ? "browser" : "reader");
  return new Request(u.toString(), { method: "GET" });
}

/** A rendered feed held in this isolate: its body, headers and when it goes stale. */
interface HeldFeed {
  readonly body: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly expiresAt: number;
}

// Rendered feeds kept in this isolate (MEMORY_CACHE_MB, default 8 of a Worker's 128 MB): a hot
// feed polled by many readers is answered (200 or 304) with no I/O. Entries expire at the instant
// their edge copy does, so max-age holds across both layers. Sized as UTF-16 (what the strings
// cost the heap) plus a little for the headers; no feed may take more than a quarter.
const newMemory = (bytes: number) => new LruCache<HeldFeed>(bytes, (_key, f) => f.body.length * 2 + 256, bytes / 4);
let memory = newMemory(0);
function memoryFor(config: Config): LruCache<HeldFeed> {
  const bytes = config.memoryCacheMb * 1024 * 1024;
  if (memory.maxBytes !== bytes) memory = newMemory(bytes);
  return memory;
}

/** A held feed still fresh at `now`; an expired one is dropped. */
function heldFeed(memory: LruCache<HeldFeed>, key: string, now: number): HeldFeed | undefined {
  const held = memory.get(key);
  if (held && held.expiresAt <= now) return void memory.delete(key);
  return held;
}

/** Forget every feed held in this isolate's memory (src/state.ts). */
export function resetFeedMemory(): void {
  memory = newMemory(0);
}
const RENDERED_AT = "x-rendered-at";

/** Forget a feed's cached copies (tests use it to stand in for max-age passing). */
export async function evictFeed(
  url: string,
  browser: boolean,
  layers: { memory?: boolean; edge?: boolean } = { memory: true, edge: true },
) {
  const key = feedCacheKey(canonicalFeedUrl(url).href, browser);
  if (layers.memory) memory.delete(key.url);
  if (layers.edge) await caches.default.delete(key);
}

function fromCache(
  reqHeaders: Headers,
  cached: { body: string | ReadableStream | null; headers: Headers },
  layer: string,
): Response {
  const lm = cached.headers.get("last-modified");
  if (isNotModified(reqHeaders, cached.headers.get("etag") ?? "", lm ? Date.parse(lm) : null))
    return notModified(cached.headers);
  const res = new Response(cached.body, { headers: cached.headers });
  res.headers.set("x-cache", layer);
  res.headers.delete(RENDERED_AT);
  return res;
}

const ARCHIVE_CACHE = "public, max-age=86400, stale-while-revalidate=604800, stale-if-error=604800";

const readFeedCursor = (c: Context<AppEnv>) =>
  readBeforeCursor(c, "before is not a cursor this feed issued (follow its rel=next link)");

/** Answer from this isolate's memory or the edge cache when possible; only a miss touches D1
 *  (including the lookup of the listing itself, so an unknown listing is a 404 on a miss). */
async function serveFeed(
  c: Context<AppEnv>,
  format: FeedFormat,
  resolve: () => Promise<FeedListing>,
): Promise<Response> {
  const { config, db } = c.var;
  const requestedLimit = parseFeedLimit(c.req.query("limit"));
  const browser = format !== "json" && isBrowser(c.req.header("accept"));
  const policy = cachePolicy(config.refreshIntervalMinutes);
  // The address as the feed knows it: only the parameters it reads, in one order. Anything else
  // (tracking tags, cache-busters) neither changes the document nor splits the caches.
  const requested = canonicalFeedUrl(c.req.url);
  const reqHeaders = c.req.raw.headers;

  const key = feedCacheKey(requested.href, browser);
  const now = Date.now();
  const memory = memoryFor(config);
  const held = heldFeed(memory, key.url, now);
  if (held)
    return fromCache(
      reqHeaders,
      { body: held.body, headers: new Headers(held.headers as [string, string][]) },
      "memory",
    );
  const cache = caches.default;
  const hit = await cache.match(key);
  if (hit) {
    const body = await hit.text();
    const renderedAt = Number(hit.headers.get(RENDERED_AT) ?? now);
    memory.set(key.url, { body, headers: [...hit.headers], expiresAt: renderedAt + policy.maxAge * 1000 });
    return fromCache(reqHeaders, { body, headers: hit.headers }, "edge");
  }

  const listing = await resolve();
  const isArchive = listing.scope.kind === "month";
  const limit = isArchive ? ARCHIVE_MAX_ITEMS : requestedLimit;
  const before = isArchive ? null : readFeedCursor(c);
  const archives = await archiveNeighbours(db, listing, before);
  const selfUrl = `${config.baseUrl}${requested.pathname}${requested.search}`;
  const hubUrl = hubUrlFor(config, listing, before);
  const etagFor = (parts: readonly (string | number)[]) =>
    strongEtag([
      RENDER_VERSION,
      format,
      browser,
      config.baseUrl,
      config.siteTitle,
      listing.title,
      selfUrl,
      limit,
      archives,
      parts,
    ]);
  const headersFor = (etag: string, lastModified: number | null) => {
    const h = new Headers({
      "content-type": browser ? "application/xml; charset=utf-8" : FEED_FORMATS[format].type,
      etag,
      // A past month's archive does not change: crawlers and readers may keep it a day.
      "cache-control":
        isArchive && listing.scope.kind === "month" && listing.scope.month < monthIn(config.defaultTimezone, now)
          ? ARCHIVE_CACHE
          : cacheControl(policy),
      vary: "Accept",
    });
    if (lastModified !== null) h.set("last-modified", httpDate(lastModified));
    // WebSub discovery (W3C WebSub §4): the hub and the topic URL, also as HTTP Link headers.
    if (hubUrl) h.set("link", `<${hubUrl}>; rel="hub", <${selfUrl}>; rel="self"`);
    return h;
  };

  // A conditional request is answered from the listing's version alone: ids and content hashes
  // of its rows, read without bodies. Nothing is rendered on this path.
  if (reqHeaders.has("if-none-match") || reqHeaders.has("if-modified-since")) {
    const v = await getListingVersion(db, listing.scope, limit, before);
    const etag = await etagFor(v.parts);
    if (isNotModified(reqHeaders, etag, v.lastModified)) return notModified(headersFor(etag, v.lastModified));
  }

  const { body, version: v } = await renderListingFeed(db, config, format, listing, {
    requested,
    limit,
    before,
    archives,
    hubUrl,
  });
  const headers = headersFor(await etagFor(v.parts), v.lastModified);
  memory.set(key.url, { body, headers: [...headers], expiresAt: now + policy.maxAge * 1000 });
  const stored = new Headers(headers);
  stored.set(RENDERED_AT, String(now));
  c.executionCtx.waitUntil(cache.put(key, new Response(body, { headers: stored })));
  return new Response(body, { headers });
}

function notModified(headers: Headers): Response {
  const h = new Headers();
  for (const name of ["etag", "last-modified", "cache-control", "vary"]) {
    const v = headers.get(name);
    if (v !== null) h.set(name, v);
  }
  return new Response(null, { status: 304, headers: h });
}

export const feeds = new Hono<AppEnv>();
for (const route of FEED_ROUTES) {
  feeds.get(route.path, (c) =>
    serveFeed(c, route.format, () =>
      route.resolve(c.var.db, c.var.config, c.req.param() as Params, new URL(c.req.url)),
    ),
  );
}
