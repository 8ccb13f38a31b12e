// Feeds over HTTP: the route table of src/feeds/ served with validators, 304s and the two cache
// layers of web/response-cache.ts (this isolate's memory, then the edge cache). What a feed says
// is decided in src/feeds/. A browser navigating to a feed gets it as an HTML page
// (render/pages/feed-page.tsx); every feed reader gets the feed.
import { Hono } from "hono";
import type { Context } from "hono";
import { type Accept, parseAccept } from "hono/utils/accept";
import { archiveBucket } from "../archive/bodies";
import { strongEtag } from "../core/ids";
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
import { filteredVersion } from "../feeds/filtered";
import { FEED_ROUTES, type Params, canonicalFeedRequest, canonicalFeedUrl } from "../feeds/routes";
import { FeedPage } from "../render/pages/feed-page";
import { cacheControl, cachePolicy, httpDate, isNotModified } from "./caching";
import { type AppEnv, readBeforeCursor } from "./context";
import { cachedOrFilled, evictResponse, notModified, storeResponse } from "./response-cache";

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

/** Forget a feed's cached copies (tests use it to stand in for a production eviction). */
export function evictFeed(
  url: string,
  variant: FeedVariant,
  layers: { memory?: boolean; edge?: boolean } = { memory: true, edge: true },
): Promise<void> {
  return evictResponse(feedCacheKey(canonicalFeedUrl(url).href, variant), layers);
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
  const { config } = c.var;
  const requestedLimit = parseFeedLimit(c.req.query("limit"));
  const dedupe = parseFeedDedupe(c.req.query("dedupe"));
  const reqHeaders = c.req.raw.headers;
  const variant = feedVariant(reqHeaders);
  // The address as the feed knows it: only the parameters it reads, in one order. Anything else
  // (tracking tags, cache-busters) neither changes the document nor splits the caches. A filter
  // this site does not run is a 400 here, before any cache or D1 read.
  const { url: requested, filter } = canonicalFeedRequest(c.req.url);

  const key = feedCacheKey(requested.href, variant);
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  // Concurrent misses of this isolate (readers polling at a feed's expiry) share one read and
  // render (response-cache.ts).
  return cachedOrFilled(config, key, reqHeaders, waitUntil, () =>
    renderFeed(c, format, resolve, { key, requested, filter, variant, requestedLimit, dedupe, waitUntil }),
  );
}

/** A feed's miss: read its listing, answer If-None-Match from the listing's version without
 *  rendering, else render it and keep it in both cache layers. */
async function renderFeed(
  c: Context<AppEnv>,
  format: FeedFormat,
  resolve: () => Promise<FeedListing>,
  req: {
    readonly key: Request;
    readonly requested: URL;
    readonly filter: ReturnType<typeof canonicalFeedRequest>["filter"];
    readonly variant: ReturnType<typeof feedVariant>;
    readonly requestedLimit: number;
    readonly dedupe: ReturnType<typeof parseFeedDedupe>;
    readonly waitUntil: (p: Promise<unknown>) => void;
  },
): Promise<Response> {
  const { config, db } = c.var;
  const reqHeaders = c.req.raw.headers;
  const { key, requested, filter, variant, requestedLimit, dedupe, waitUntil } = req;
  const policy = cachePolicy(config.refreshIntervalMinutes);
  const now = Date.now();

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
      // With a key, opted-in sources' images are proxied (their setting is in `parts`).
      config.imageProxy !== null,
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
    const v = filter
      ? await filteredVersion(db, listing.scope, filter, limit, before, Date.now())
      : await getListingVersion(db, listing.scope, limit, before, dedupe);
    const etag = await etagFor(v.parts);
    if (isNotModified(reqHeaders, etag, null)) return notModified(headersFor(etag, null));
  }

  const request = { requested, limit, before, archives, hubUrl, filter, dedupe, bodies: archiveBucket(c.env) };
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
  storeResponse(config, key, body, headers, maxAge, waitUntil);
  return new Response(body, { headers });
}

export const feeds = new Hono<AppEnv>();
for (const route of FEED_ROUTES) {
  feeds.get(route.path, (c) =>
    serveFeed(c, route.format, () =>
      route.resolve(c.var.db, c.var.config, c.req.param() as Params, new URL(c.req.url)),
    ),
  );
}
