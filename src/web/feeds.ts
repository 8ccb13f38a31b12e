// Feeds for every listing, with validators and the edge cache: handlers glue db → render → HTTP.
import { Hono } from "hono";
import { PatternRouter } from "hono/router/pattern-router";
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
import { websubQueue } from "../websub/wiring";
import { MemoryCache } from "./memory-cache";

/** Where the WebSub hub takes subscriptions (src/web/websub.ts). */
export const HUB_PATH = "/websub";

export type FeedFormat = "atom" | "rss" | "json";

const FORMATS: Record<FeedFormat, { type: string; render: (d: FeedDocument) => string }> = {
  atom: { type: "application/atom+xml; charset=utf-8", render: renderAtom },
  rss: { type: "application/rss+xml; charset=utf-8", render: renderRss },
  json: { type: "application/feed+json; charset=utf-8", render: renderJsonFeed },
};

// Bumped when rendering changes, so validators issued by an older renderer stop matching.
const RENDER_VERSION = 3;
export const FEED_LIMIT = { min: 1, max: 100, default: 20 } as const;

/** `?limit=` of a feed: absent → the default; anything but 1–100 → 400. */
export function parseFeedLimit(raw: string | null | undefined): number {
  if (raw === undefined || raw === null) return FEED_LIMIT.default;
  const n = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || n < FEED_LIMIT.min || n > FEED_LIMIT.max) {
    throw new BadRequestError(
      `limit must be an integer from ${FEED_LIMIT.min} to ${FEED_LIMIT.max}, got ${JSON.stringify(raw)}`,
    );
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
const archiveUrl = (base: string, prefix: string, month: string, format: FeedFormat) =>
  `${base}${prefix}/archive/${month.replace("/", "-")}/${fileOf(format)}`;

const readFeedCursor = (c: Context<AppEnv>) =>
  readBeforeCursor(c, "before is not a cursor this feed issued (follow its rel=next link)");

/** The archive chain around this document: for a month its older and newer months, for the first
 *  page of a listing with archives the newest month. Index seeks only. */
async function archiveNeighbours(db: SqlRunner, listing: Listing, before: Cursor | null) {
  const { scope } = listing;
  if (scope.kind === "month") return getArchiveNeighbours(db, scope.month, scope.source?.id ?? null);
  if (listing.archivePrefix === undefined || before !== null) return null;
  return getArchiveNeighbours(db, null, scope.kind === "source" ? scope.source.id : null);
}

/** The hub, on feeds that are WebSub topics: live listings, not archives or older pages. */
function hubFor(env: Env, config: Config, listing: Listing, before: Cursor | null): string | undefined {
  if (!websubQueue(env)) return undefined;
  return listing.scope.kind === "month" || before !== null ? undefined : `${config.baseUrl}${HUB_PATH}`;
}

/** Answer from this isolate's memory or the edge cache when possible; only a miss touches D1
 *  (including the lookup of the listing itself, so an unknown listing is a 404 on a miss). */
async function serveFeed(c: Context<AppEnv>, format: FeedFormat, resolve: () => Promise<Listing>): Promise<Response> {
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
  const held = memory.get(key.url, now);
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
  const hubUrl = hubFor(c.env, config, listing, before);
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
      "content-type": browser ? "application/xml; charset=utf-8" : FORMATS[format].type,
      etag,
      // A past month's archive does not change: crawlers and readers may keep it a day.
      "cache-control":
        isArchive && listing.scope.kind === "month" && listing.scope.month < currentMonth(now)
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

  const { body, version: v } = await renderListing(db, config, format, listing, {
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

interface RenderRequest {
  /** The feed's canonical URL (canonicalFeedUrl). */
  readonly requested: URL;
  readonly limit: number;
  readonly before: Cursor | null;
  readonly archives: Awaited<ReturnType<typeof archiveNeighbours>>;
  readonly hubUrl: string | undefined;
}

/** One listing's feed document, rendered (no caches, no validators). */
async function renderListing(db: SqlRunner, config: Config, format: FeedFormat, listing: Listing, r: RenderRequest) {
  const { requested, limit, before, archives } = r;
  const isArchive = listing.scope.kind === "month";
  const page = await listArticles(db, listing.scope, { limit, before, withContent: true });
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
        prevArchive:
          !complete && archives?.older ? archiveUrl(config.baseUrl, prefix, archives.older, format) : undefined,
      };
  const requestedPath = `${pageBase.pathname}${pageBase.searchParams.has("q") ? `?q=${encodeURIComponent(pageBase.searchParams.get("q")!)}` : ""}`;
  const doc: FeedDocument = {
    title: listing.title,
    description: listing.description,
    homePageUrl: `${config.baseUrl}${listing.homePath}`,
    selfUrl: `${config.baseUrl}${requested.pathname}${requested.search}`,
    id: `${config.baseUrl}${requestedPath}`,
    links,
    history: isArchive ? "archive" : complete ? "complete" : undefined,
    hubUrl: r.hubUrl,
    baseUrl: config.baseUrl,
    language: "zh-CN",
    ttlMinutes: config.refreshIntervalMinutes,
    updated: page.items.reduce(
      (u, a) => (a.updated.ms > u.ms ? a.updated : u),
      page.items[0]?.updated ?? { ms: 0, offset: 0 },
    ),
    items: page.items,
  };
  return { body: FORMATS[format].render(doc), version: versionOfArticles(page.items) };
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

async function sourceListing(db: SqlRunner, config: Config, slug: string): Promise<Listing> {
  const source = await getSourceBySlug(db, slug);
  if (!source) throw new NotFoundError("没有这个新闻来源。");
  return {
    scope: { kind: "source", source },
    title: `${source.label} - ${config.siteTitle}`,
    description: `${source.name}的最新本地新闻`,
    homePath: categoryPath(source.slug),
    archivePrefix: `/category/${source.slug}`,
  };
}

/** A month's archive document (RFC 5005) of the site or of one source. */
async function archiveListing(
  db: SqlRunner,
  config: Config,
  slug: string | null,
  monthParam: string,
): Promise<Listing> {
  const month = monthParam.replace("-", "/");
  const base = slug === null ? siteListing(config) : await sourceListing(db, config, slug);
  const source = base.scope.kind === "source" ? base.scope.source : null;
  return {
    ...base,
    scope: { kind: "month", month, source },
    title: `${base.title}（${month.replace("/", "年")}月存档）`,
  };
}

async function tagListing(db: SqlRunner, config: Config, tag: string): Promise<Listing> {
  if (!(await tagExists(db, tag))) throw new NotFoundError("没有这个标签。");
  return {
    scope: { kind: "tag", tag },
    title: `标签：${tag} - ${config.siteTitle}`,
    description: `带有“${tag}”标签的文章`,
    homePath: tagPath(tag),
  };
}

function searchListing(config: Config, url: URL): Listing {
  const query = (url.searchParams.get("q") ?? "").trim();
  const built = query.length <= MAX_QUERY_CHARS ? buildSearchQuery(query) : null;
  if (!built)
    throw new BadRequestError(`q must be 1–${MAX_QUERY_CHARS} characters with a letter, digit or Chinese character`);
  return {
    scope: { kind: "search", query, match: built.match },
    title: `搜索：${query} - ${config.siteTitle}`,
    description: `“${query}”的搜索结果`,
    homePath: withQuery("/search", "q", query),
  };
}

type Params = Record<string, string>;
type Resolver = (db: SqlRunner, config: Config, params: Params, url: URL) => Promise<Listing>;

/** One feed address: its route pattern, format, listing, and whether it is a WebSub topic
 *  (archives never change, so nobody subscribes to them). */
interface FeedRoute {
  readonly path: string;
  readonly format: FeedFormat;
  readonly resolve: Resolver;
  readonly topic: boolean;
}

const threeFormats = (paths: FeedPaths, resolve: Resolver): FeedRoute[] =>
  (["atom", "rss", "json"] as const).map((format) => ({ path: paths[format], format, resolve, topic: true }));

const FEED_ROUTES: readonly FeedRoute[] = [
  ...threeFormats(feedPaths({ kind: "all" }), async (_db, config) => siteListing(config)),
  ...threeFormats(feedPaths({ kind: "source", slug: ":slug" }), (db, config, p) => sourceListing(db, config, p.slug!)),
  ...threeFormats(
    { atom: "/tag/:tag/feed.xml", rss: "/tag/:tag/rss.xml", json: "/tag/:tag/feed.json" },
    (db, config, p) => tagListing(db, config, p.tag!),
  ),
  ...(["atom", "rss"] as const).flatMap((format): FeedRoute[] => [
    {
      path: `/archive/:month{\\d{4}-\\d{2}}/${fileOf(format)}`,
      format,
      topic: false,
      resolve: (db, config, p) => archiveListing(db, config, null, p.month!),
    },
    {
      path: `/category/:slug/archive/:month{\\d{4}-\\d{2}}/${fileOf(format)}`,
      format,
      topic: false,
      resolve: (db, config, p) => archiveListing(db, config, p.slug!, p.month!),
    },
  ]),
  ...threeFormats(
    { atom: "/search/feed.xml", rss: "/search/rss.xml", json: "/search/feed.json" },
    async (_db, config, _p, url) => searchListing(config, url),
  ),
  // jekyll-feed's own paths, so the original site's subscribers keep working (Atom).
  {
    path: "/feed/by_tag/:file{.+\\.xml}",
    format: "atom",
    topic: true,
    resolve: (db, config, p) => tagListing(db, config, p.file!.slice(0, -4)),
  },
  {
    path: "/feed/:file{[^/]+\\.xml}",
    format: "atom",
    topic: true,
    resolve: (db, config, p) => sourceListing(db, config, p.file!.slice(0, -4)),
  },
];

export const feeds = new Hono<AppEnv>();
for (const route of FEED_ROUTES) {
  feeds.get(route.path, (c) =>
    serveFeed(c, route.format, () =>
      route.resolve(c.var.db, c.var.config, c.req.param() as Params, new URL(c.req.url)),
    ),
  );
}

// --- WebSub topics ---------------------------------------------------------------------------

// The same table, matched outside a request: a topic URL → its route and parameters.
const topicRouter = new PatternRouter<FeedRoute>();
for (const route of FEED_ROUTES) if (route.topic) topicRouter.add("GET", route.path, route);

export interface Topic {
  /** The canonical topic URL (only the parameters a feed reads). */
  readonly url: URL;
  readonly format: FeedFormat;
  readonly listing: Listing;
  readonly limit: number;
}

/** A topic URL's canonical form and route, when it is one of this site's live feeds. */
function matchTopic(config: Config, topicUrl: string): { url: URL; route: FeedRoute; raw: Params } | null {
  let url: URL;
  try {
    url = canonicalFeedUrl(topicUrl);
  } catch {
    return null;
  }
  if (url.origin !== new URL(config.baseUrl).origin || url.searchParams.has("before")) return null;
  const [[match]] = topicRouter.match("GET", url.pathname);
  if (!match) return null;
  const [route, raw] = match as unknown as [FeedRoute, Params];
  return { url, route, raw };
}

/** A URL of one of this site's live feeds (its origin, a topic route, no `before`), canonical;
 *  null otherwise. Nothing is read from the database. */
export function matchTopicUrl(config: Config, topicUrl: string): URL | null {
  return matchTopic(config, topicUrl)?.url ?? null;
}

/** A feed URL this site serves as a WebSub topic → what it lists; null when it is not one.
 *  Throws BadRequestError for a bad `limit`/`q`, NotFoundError for an unknown listing. */
export async function resolveTopic(db: SqlRunner, config: Config, topicUrl: string): Promise<Topic | null> {
  const matched = matchTopic(config, topicUrl);
  if (!matched) return null;
  const { url, route, raw } = matched;
  const params: Params = {};
  try {
    for (const [k, v] of Object.entries(raw)) params[k] = decodeURIComponent(v);
  } catch {
    return null;
  }
  const listing = await route.resolve(db, config, params, url);
  return { url, format: route.format, listing, limit: parseFeedLimit(url.searchParams.get("limit")) };
}

/** A topic's current version: changes whenever what its feed lists changes. Index reads only. */
export async function topicVersion(db: SqlRunner, topic: Topic): Promise<string> {
  const v = await getListingVersion(db, topic.listing.scope, topic.limit);
  return strongEtag([RENDER_VERSION, v.parts]);
}

/** A topic's feed as a subscriber receives it: the same document a reader would fetch. */
export async function renderTopic(
  db: SqlRunner,
  config: Config,
  topic: Topic,
): Promise<{ body: string; contentType: string }> {
  const archives = await archiveNeighbours(db, topic.listing, null);
  const { body } = await renderListing(db, config, topic.format, topic.listing, {
    requested: topic.url,
    limit: topic.limit,
    before: null,
    archives,
    hubUrl: `${config.baseUrl}${HUB_PATH}`, // the hub delivering it
  });
  return { body, contentType: FORMATS[topic.format].type };
}
