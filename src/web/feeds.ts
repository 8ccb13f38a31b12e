// Feeds over HTTP: the route table of src/feeds/ served with validators, 304s and two cache
// layers (this isolate's memory, then the edge cache). What a feed says is decided in src/feeds/.
// A browser navigating to a feed gets it as an HTML page (render/pages/feed-page.tsx); every
// feed reader gets the feed.
//
// Module state: the isolate's memory cache of rendered feeds (core/lru.ts, MEMORY_CACHE_MB),
// reset by resetFeedMemory() (src/state.ts).
import { Hono } from "hono";
import type { Context } from "hono";
import { type Accept, parseAccept } from "hono/utils/accept";
import type { Config } from "../config";
import { strongEtag } from "../core/ids";
import { LruCache } from "../core/lru";
import { monthIn } from "../core/time";
import type { FeedFormat } from "../core/urls";
import { type ListingVersion, getListingVersion } from "../db/articles";
import { getNav } from "../db/sources";
import {
  ARCHIVE_MAX_ITEMS,
  FEED_FORMATS,
  RENDER_VERSION,
  archiveNeighbours,
  hubUrlFor,
  listingFeedDocument,
  renderListingFeed,
} from "../feeds/document";
import { type FeedListing, parseFeedDedupe, parseFeedLimit } from "../feeds/listings";
import { FEED_ROUTES, type Params, canonicalFeedUrl } from "../feeds/routes";
import { FeedPage } from "../render/pages/feed-page";
import { cacheControl, cachePolicy, httpDate, isNotModified } from "./caching";
import { type AppEnv, readBeforeCursor } from "./context";

/** Media types a feed reader asks for; a browser ranks text/html above all of them. */
const FEED_MEDIA_TYPES = [
  "application/atom+xml",
  "application/rss+xml",
  "application/feed+json",
  "application/xml",
  "text/xml",
  "application/json",
];

/** RFC 9110 §12.5.1: a media type's quality is the one of the most specific range matching it. */
function quality(ranges: readonly Accept[], type: string): number {
  const main = `${type.slice(0, type.indexOf("/"))}/*`;
  let best: { specificity: number; q: number } = { specificity: 0, q: 0 };
  for (const r of ranges) {
    const t = r.type.toLowerCase();
    const specificity = t === type ? 3 : t === main ? 2 : t === "*/*" ? 1 : 0;
    if (specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best.q;
}

/** Who is asking: a person's browser navigating to the feed (Sec-Fetch-Dest: document, or an
 *  Accept that ranks text/html above every feed type) gets the feed as an HTML page; anything
 *  else (a feed type, *\/*, no Accept at all: every feed reader) gets the feed itself. */
export type FeedVariant = "reader" | "page";
export function feedVariant(headers: Headers): FeedVariant {
  if (headers.get("sec-fetch-dest") === "document") return "page";
  const accept = headers.get("accept");
  if (!accept) return "reader";
  const ranges = parseAccept(accept);
  const html = quality(ranges, "text/html");
  return html > 0 && FEED_MEDIA_TYPES.every((t) => quality(ranges, t) < html) ? "page" : "reader";
}

/** The request headers that decision reads, for Vary. */
const VARY = "Accept, Sec-Fetch-Dest";

/** Edge cache key: the URL plus the representation variant (Cache API ignores Vary). */
export function feedCacheKey(url: string, variant: FeedVariant): Request {
  const u = new URL(url);
  u.searchParams.set("__variant", variant);
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
// The copy in the edge cache carries, as its Cache-Control, only what that cache should act on:
// max-age. The stale-while-revalidate / stale-if-error readers and browsers get are not for it:
// the local runtime keeps (and serves) an entry for as long as they allow, a day, long after the
// listing changed. Until when the copy is fresh is stored beside it and checked on every hit, so
// no runtime serves it longer; the public Cache-Control travels in a header of its own.
const FRESH_UNTIL = "x-fresh-until";
const PUBLIC_CACHE_CONTROL = "x-cache-control";

/** What the Cache API stores: the response's headers with the cache's own Cache-Control. */
function forEdge(headers: Headers, maxAge: number, freshUntil: number): Headers {
  const stored = new Headers(headers);
  stored.set(PUBLIC_CACHE_CONTROL, headers.get("cache-control") ?? "");
  stored.set("cache-control", `public, max-age=${maxAge}`);
  stored.set(FRESH_UNTIL, String(freshUntil));
  return stored;
}

/** A stored copy's headers as a client gets them. */
function fromEdge(stored: Headers): Headers {
  const headers = new Headers(stored);
  headers.set("cache-control", stored.get(PUBLIC_CACHE_CONTROL) ?? "");
  headers.delete(PUBLIC_CACHE_CONTROL);
  headers.delete(FRESH_UNTIL);
  return headers;
}

/** Forget a feed's cached copies (tests use it to stand in for a production eviction). */
export async function evictFeed(
  url: string,
  variant: FeedVariant,
  layers: { memory?: boolean; edge?: boolean } = { memory: true, edge: true },
) {
  const key = feedCacheKey(canonicalFeedUrl(url).href, variant);
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
  return res;
}

const ARCHIVE_MAX_AGE = 86_400;
const ARCHIVE_CACHE = `public, max-age=${ARCHIVE_MAX_AGE}, stale-while-revalidate=604800, stale-if-error=604800`;

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
  const dedupe = parseFeedDedupe(c.req.query("dedupe"));
  const reqHeaders = c.req.raw.headers;
  const variant = feedVariant(reqHeaders);
  const policy = cachePolicy(config.refreshIntervalMinutes);
  // The address as the feed knows it: only the parameters it reads, in one order. Anything else
  // (tracking tags, cache-busters) neither changes the document nor splits the caches.
  const requested = canonicalFeedUrl(c.req.url);

  const key = feedCacheKey(requested.href, variant);
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
    const freshUntil = Number(hit.headers.get(FRESH_UNTIL));
    if (freshUntil > now) {
      const body = await hit.text();
      const headers = fromEdge(hit.headers);
      memory.set(key.url, { body, headers: [...headers], expiresAt: freshUntil });
      return fromCache(reqHeaders, { body, headers }, "edge");
    }
    // Past its max-age (a runtime that kept it longer): gone, as in production.
    await hit.body?.cancel();
    c.executionCtx.waitUntil(cache.delete(key));
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
      RENDER_VERSION[format],
      format,
      variant === "page" ? variant : false, // a reader's tag as it always was
      config.baseUrl,
      config.siteTitle,
      listing.title,
      selfUrl,
      limit,
      archives,
      parts,
    ]);
  // A past month's archive does not change: crawlers and readers may keep it a day.
  const pastArchive =
    isArchive && listing.scope.kind === "month" && listing.scope.month < monthIn(config.defaultTimezone, now);
  const maxAge = pastArchive ? ARCHIVE_MAX_AGE : policy.maxAge;
  const headersFor = (etag: string, renderedAt: number | null) => {
    const h = new Headers({
      "content-type": variant === "page" ? "text/html; charset=UTF-8" : FEED_FORMATS[format].type,
      etag,
      "cache-control": pastArchive ? ARCHIVE_CACHE : cacheControl(policy),
      vary: VARY,
    });
    if (renderedAt !== null) h.set("last-modified", httpDate(renderedAt));
    // WebSub discovery (W3C WebSub §4): the hub and the topic URL, also as HTTP Link headers.
    if (hubUrl && variant === "reader") h.set("link", `<${hubUrl}>; rel="hub", <${selfUrl}>; rel="self"`);
    return h;
  };

  // If-None-Match is answered from the listing's version alone: ids and content hashes of its
  // rows, read without bodies. Nothing is rendered on this path, so it has no Last-Modified to
  // offer and If-Modified-Since alone is never answered here (the client keeps its stored date).
  if (reqHeaders.has("if-none-match")) {
    const v = await getListingVersion(db, listing.scope, limit, before, dedupe);
    const etag = await etagFor(v.parts);
    if (isNotModified(reqHeaders, etag, null)) return notModified(headersFor(etag, null));
  }

  const request = { requested, limit, before, archives, hubUrl, dedupe };
  let body: string;
  let v: ListingVersion;
  if (variant === "page") {
    const [feed, nav] = await Promise.all([
      listingFeedDocument(db, config, format, listing, request, false),
      getNav(db),
    ]);
    const path = `${requested.pathname}${requested.search}`;
    body = await (await FeedPage({ config, nav, format, doc: feed.doc, path })).toString();
    v = feed.version;
  } else {
    ({ body, version: v } = await renderListingFeed(db, config, format, listing, request));
  }
  // Last-Modified is the instant this representation was rendered, read after D1 was: never
  // earlier than the last change of what it shows, whatever that change was (an item dated in
  // the past, an edit that kept its date, a deleted source: none moves an item date forward, so
  // the newest item's date would be a false "not modified"). The cached copies keep this header,
  // and answer If-Modified-Since against it; a miss renders anew. HTTP dates have one-second
  // resolution: two renders of different content within one second share a date (RFC 9110
  // §8.8.2.2 calls that validator weak); If-None-Match is exact.
  const headers = headersFor(await etagFor(v.parts), Date.now());
  const freshUntil = now + maxAge * 1000;
  memory.set(key.url, { body, headers: [...headers], expiresAt: freshUntil });
  c.executionCtx.waitUntil(cache.put(key, new Response(body, { headers: forEdge(headers, maxAge, freshUntil) })));
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
