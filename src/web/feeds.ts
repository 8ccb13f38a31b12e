// Feeds for every listing, with validators and the edge cache: handlers glue db → render → HTTP.
import { Hono } from "hono";
import type { Context } from "hono";
import type { Config } from "../config";
import type { Cursor, FeedDocument, Scope } from "../core/model";
import { encodeCursor } from "../core/ids";
import { BadRequestError, NotFoundError } from "../core/errors";
import { MAX_QUERY_CHARS, buildSearchQuery } from "../core/search-tokens";
import { type FeedPaths, categoryPath, feedPaths, homePath, tagPath, withQuery } from "../core/urls";
import { getArchiveNeighbours, getListingVersion, listArticles, tagExists, versionOfArticles } from "../db/articles";
import type { SqlRunner } from "../db/sql";
import { getSourceBySlug } from "../db/sources";
import { renderAtom, renderJsonFeed, renderRss } from "../render/feeds";
import { cacheControl, cachePolicy, httpDate, isNotModified, strongEtag } from "./caching";
import { type AppEnv, readBeforeCursor } from "./context";
import { MemoryCache } from "./memory-cache";

export type FeedFormat = "atom" | "rss" | "json";

const FORMATS: Record<FeedFormat, { type: string; render: (d: FeedDocument) => string }> = {
  atom: { type: "application/atom+xml; charset=utf-8", render: renderAtom },
  rss: { type: "application/rss+xml; charset=utf-8", render: renderRss },
  json: { type: "application/feed+json; charset=utf-8", render: renderJsonFeed },
};

// Bumped when rendering changes, so validators issued by an older renderer stop matching.
const RENDER_VERSION = 1;
export const FEED_LIMIT = { min: 1, max: 100, default: 20 } as const;

function readLimit(c: Context<AppEnv>): number {
  const raw = c.req.query("limit");
  if (raw === undefined) return FEED_LIMIT.default;
  const n = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || n < FEED_LIMIT.min || n > FEED_LIMIT.max) {
    throw new BadRequestError(`limit must be an integer from ${FEED_LIMIT.min} to ${FEED_LIMIT.max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A browser opening a feed asks for HTML first: it gets the same bytes as application/xml, so
 *  it applies the feed's XSL stylesheet instead of offering a download. Readers are unaffected. */
function isBrowser(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/.test(accept);
}

const FEED_PARAMS = ["q", "limit", "before"] as const;

/** The request URL with only the parameters a feed reads, in a fixed order. */
export function canonicalFeedUrl(url: string): URL {
  const from = new URL(url);
  const to = new URL(from.origin + from.pathname);
  for (const name of FEED_PARAMS) {
    const v = from.searchParams.get(name);
    if (v !== null) to.searchParams.set(name, v);
  }
  return to;
}

/** Edge cache key: the URL plus the representation variant (Cache API ignores Vary). */
export function feedCacheKey(url: string, browser: boolean): Request {
  const u = new URL(url);
  u.searchParams.set("__variant", browser ? "browser" : "reader");
  return new Request(u.toString(), { method: "GET" });
}

// Rendered feeds kept in this isolate (MEMORY_CACHE_MB, default 8 of a Worker's 128 MB).
let memory = new MemoryCache(0);
function memoryFor(config: Config): MemoryCache {
  const bytes = config.memoryCacheMb * 1024 * 1024;
  if (memory.maxBytes !== bytes) memory = new MemoryCache(bytes);
  return memory;
}
const RENDERED_AT = "x-rendered-at";

/** Forget a feed's cached copies (tests use it to stand in for max-age passing). */
export async function evictFeed(url: string, browser: boolean, layers: { memory?: boolean; edge?: boolean } = { memory: true, edge: true }) {
  const key = feedCacheKey(canonicalFeedUrl(url).href, browser);
  if (layers.memory) memory.delete(key.url);
  if (layers.edge) await caches.default.delete(key);
}

function fromCache(reqHeaders: Headers, cached: { body: string | ReadableStream | null; headers: Headers }, layer: string): Response {
  const lm = cached.headers.get("last-modified");
  if (isNotModified(reqHeaders, cached.headers.get("etag") ?? "", lm ? Date.parse(lm) : null)) return notModified(cached.headers);
  const res = new Response(cached.body, { headers: cached.headers });
  res.headers.set("x-cache", layer);
  res.headers.delete(RENDERED_AT);
  return res;
}

interface Listing {
  readonly scope: Scope;
  readonly title: string;
  readonly description: string;
  readonly homePath: string;
  /** Listings with RFC 5005 monthly archives: "" (the site) or "/category/<slug>". */
  readonly archivePrefix?: string;
}

/** An archive document holds a whole month; past this it is cut (and says so in the logs). */
export const ARCHIVE_MAX_ITEMS = 2000;
const ARCHIVE_CACHE = "public, max-age=86400, stale-while-revalidate=604800, stale-if-error=604800";

const fileOf = (format: FeedFormat) => (format === "rss" ? "rss.xml" : format === "json" ? "feed.json" : "feed.xml");
const archiveUrl = (base: string, prefix: string, month: string, format: FeedFormat) => `${base}${prefix}/archive/${month.replace("/", "-")}/${fileOf(format)}`;

const readFeedCursor = (c: Context<AppEnv>) => readBeforeCursor(c, "before is not a cursor this feed issued (follow its rel=next link)");

/** The archive chain around this document: for a month its older and newer months, for the first
 *  page of a listing with archives the newest month. Index seeks only. */
async function archiveNeighbours(db: SqlRunner, listing: Listing, before: Cursor | null) {
  const { scope } = listing;
  if (scope.kind === "month") return getArchiveNeighbours(db, scope.month, scope.source?.id ?? null);
  if (listing.archivePrefix === undefined || before !== null) return null;
  return getArchiveNeighbours(db, null, scope.kind === "source" ? scope.source.id : null);
}

/** Answer from this isolate's memory or the edge cache when possible; only a miss touches D1
 *  (including the lookup of the listing itself, so an unknown listing is a 404 on a miss). */
async function serveFeed(c: Context<AppEnv>, format: FeedFormat, resolve: () => Promise<Listing>): Promise<Response> {
  const { config, db } = c.var;
  const requestedLimit = readLimit(c);
  const browser = format !== "json" && isBrowser(c.req.header("accept"));
  const policy = cachePolicy(config.refreshIntervalMinutes);
  // The address the reader subscribed to, query included (a search feed is its query).
  // The address as the feed knows it: only the parameters it reads, in one order. Anything else
  // (tracking tags, cache-busters) neither changes the document nor splits the caches.
  const requested = canonicalFeedUrl(c.req.url);
  const selfUrl = `${config.baseUrl}${requested.pathname}${requested.search}`;
  const reqHeaders = c.req.raw.headers;

  const key = feedCacheKey(requested.href, browser);
  const now = Date.now();
  const memory = memoryFor(config);
  const held = memory.get(key.url, now);
  if (held) return fromCache(reqHeaders, { body: held.body, headers: new Headers(held.headers as [string, string][]) }, "memory");
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
  const etagFor = (parts: readonly (string | number)[]) =>
    strongEtag([RENDER_VERSION, format, browser, config.baseUrl, config.siteTitle, listing.title, selfUrl, limit, archives, parts]);
  const headersFor = (etag: string, lastModified: number | null) => {
    const h = new Headers({
      "content-type": browser ? "application/xml; charset=utf-8" : FORMATS[format].type,
      etag,
      // A past month's archive does not change: crawlers and readers may keep it a day.
      "cache-control": isArchive && listing.scope.kind === "month" && listing.scope.month < currentMonth(now) ? ARCHIVE_CACHE : cacheControl(policy),
      vary: "Accept",
    });
    if (lastModified !== null) h.set("last-modified", httpDate(lastModified));
    return h;
  };

  // A conditional request is answered from the listing's version alone: ids and content hashes
  // of its rows, read without bodies. Nothing is rendered on this path.
  if (reqHeaders.has("if-none-match") || reqHeaders.has("if-modified-since")) {
    const v = await getListingVersion(db, listing.scope, limit, before);
    const etag = await etagFor(v.parts);
    if (isNotModified(reqHeaders, etag, v.lastModified)) return notModified(headersFor(etag, v.lastModified));
  }

  const page = await listArticles(db, listing.scope, { limit, before, withContent: true });
  const v = versionOfArticles(page.items);
  // RFC 5005: paging links, and the archive chain.
  const pageBase = new URL(requested);
  pageBase.searchParams.delete("before");
  const first = `${config.baseUrl}${pageBase.pathname}${pageBase.search}`;
  const complete = !isArchive && before === null && page.next === null;
  const prefix = listing.archivePrefix ?? "";
  const links: NonNullable<FeedDocument["links"]> = isArchive
    ? {
        current: `${config.baseUrl}${prefix}/${fileOf(format)}`,
        prevArchive: archives?.older ? archiveUrl(config.baseUrl, prefix, archives.older, format) : undefined,
        nextArchive: archives?.newer ? archiveUrl(config.baseUrl, prefix, archives.newer, format) : undefined,
      }
    : {
        first: complete ? undefined : first,
        next: page.next ? withQuery(first, "before", encodeCursor(page.next)) : undefined,
        prevArchive: !complete && archives?.older ? archiveUrl(config.baseUrl, prefix, archives.older, format) : undefined,
      };
  const requestedPath = `${pageBase.pathname}${pageBase.searchParams.has("q") ? `?q=${encodeURIComponent(pageBase.searchParams.get("q")!)}` : ""}`;
  const doc: FeedDocument = {
    title: listing.title,
    description: listing.description,
    homePageUrl: `${config.baseUrl}${listing.homePath}`,
    selfUrl,
    id: `${config.baseUrl}${requestedPath}`,
    links,
    history: isArchive ? "archive" : complete ? "complete" : undefined,
    baseUrl: config.baseUrl,
    language: "zh-CN",
    ttlMinutes: config.refreshIntervalMinutes,
    updated: page.items.reduce((u, a) => (a.updated.ms > u.ms ? a.updated : u), page.items[0]?.updated ?? { ms: 0, offset: 0 }),
    items: page.items,
  };
  const body = FORMATS[format].render(doc);
  const headers = headersFor(await etagFor(v.parts), v.lastModified);
  memory.set(key.url, { body, headers: [...headers], expiresAt: now + policy.maxAge * 1000 });
  const stored = new Headers(headers);
  stored.set(RENDERED_AT, String(now));
  c.executionCtx.waitUntil(cache.put(key, new Response(body, { headers: stored })));
  return new Response(body, { headers });
}

/** "yyyy/mm" now in China Standard Time, the zone of the site's permalink dates by default. */
function currentMonth(now: number): string {
  const d = new Date(now + 8 * 3_600_000);
  return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

function notModified(headers: Headers): Response {
  const h = new Headers();
  for (const name of ["etag", "last-modified", "cache-control", "vary"]) {
    const v = headers.get(name);
    if (v !== null) h.set(name, v);
  }
  return new Response(null, { status: 304, headers: h });
}

const siteListing = (config: Config): Listing => ({
  scope: { kind: "all" },
  title: config.siteTitle,
  description: config.siteDescription,
  homePath: homePath(),
  archivePrefix: "",
});

async function sourceListing(c: Context<AppEnv>, slug: string): Promise<Listing> {
  const source = await getSourceBySlug(c.var.db, slug);
  if (!source) throw new NotFoundError("没有这个新闻来源。");
  return {
    scope: { kind: "source", source },
    title: `${source.label} - ${c.var.config.siteTitle}`,
    description: `${source.name}的最新本地新闻`,
    homePath: categoryPath(source.slug),
    archivePrefix: `/category/${source.slug}`,
  };
}

/** A month's archive document (RFC 5005) of the site or of one source. */
async function archiveListing(c: Context<AppEnv>, slug: string | null, monthParam: string): Promise<Listing> {
  const month = monthParam.replace("-", "/");
  const base = slug === null ? siteListing(c.var.config) : await sourceListing(c, slug);
  const source = base.scope.kind === "source" ? base.scope.source : null;
  return { ...base, scope: { kind: "month", month, source }, title: `${base.title}（${month.replace("/", "年")}月存档）` };
}

async function tagListing(c: Context<AppEnv>, tag: string): Promise<Listing> {
  if (!(await tagExists(c.var.db, tag))) throw new NotFoundError("没有这个标签。");
  return {
    scope: { kind: "tag", tag },
    title: `标签：${tag} - ${c.var.config.siteTitle}`,
    description: `带有“${tag}”标签的文章`,
    homePath: tagPath(tag),
  };
}

async function searchListing(c: Context<AppEnv>): Promise<Listing> {
  const query = (c.req.query("q") ?? "").trim();
  const built = query.length <= MAX_QUERY_CHARS ? buildSearchQuery(query) : null;
  if (!built) throw new BadRequestError(`q must be 1–${MAX_QUERY_CHARS} characters with a letter, digit or Chinese character`);
  return {
    scope: { kind: "search", query, match: built.match },
    title: `搜索：${query} - ${c.var.config.siteTitle}`,
    description: `“${query}”的搜索结果`,
    homePath: withQuery("/search", "q", query),
  };
}

/** Routes `<prefix>/feed.xml`, `/rss.xml`, `/feed.json` for a listing resolver. */
function mount(app: Hono<AppEnv>, paths: FeedPaths, resolve: (c: Context<AppEnv>) => Promise<Listing>) {
  app.get(paths.atom, (c) => serveFeed(c, "atom", () => resolve(c)));
  app.get(paths.rss, (c) => serveFeed(c, "rss", () => resolve(c)));
  app.get(paths.json, (c) => serveFeed(c, "json", () => resolve(c)));
}

export const feeds = new Hono<AppEnv>();
mount(feeds, feedPaths({ kind: "all" }), async (c) => siteListing(c.var.config));
mount(feeds, feedPaths({ kind: "source", slug: ":slug" }), (c) => sourceListing(c, c.req.param("slug")!));
mount(feeds, { atom: "/tag/:tag/feed.xml", rss: "/tag/:tag/rss.xml", json: "/tag/:tag/feed.json" }, (c) => tagListing(c, c.req.param("tag")!));
for (const format of ["atom", "rss"] as const) {
  feeds.get(`/archive/:month{\\d{4}-\\d{2}}/${fileOf(format)}`, (c) => serveFeed(c, format, () => archiveListing(c, null, c.req.param("month"))));
  feeds.get(`/category/:slug/archive/:month{\\d{4}-\\d{2}}/${fileOf(format)}`, (c) =>
    serveFeed(c, format, () => archiveListing(c, c.req.param("slug"), c.req.param("month"))),
  );
}
mount(feeds, { atom: "/search/feed.xml", rss: "/search/rss.xml", json: "/search/feed.json" }, async (c) => searchListing(c));
// jekyll-feed's own paths, so the original site's subscribers keep working (Atom).
feeds.get("/feed/by_tag/:file{.+\\.xml}", (c) => serveFeed(c, "atom", () => tagListing(c, c.req.param("file").slice(0, -4))));
feeds.get("/feed/:file{[^/]+\\.xml}", (c) => serveFeed(c, "atom", () => sourceListing(c, c.req.param("file").slice(0, -4))));
