// The feed document of a listing: its items read from D1, RFC 5005 paging and archive links, the
// WebSub hub when one is advertised, serialized in one of three formats. No HTTP, no caches.
import { type ArchiveBucket, withBodies } from "../archive/bodies";
import type { Config } from "../config";
import type { FeedFilter } from "../core/feed-filter";
import { encodeCursor } from "../core/ids";
import { imageProxying, withProxiedImages } from "../core/proxied-images";
import { instantIn } from "../core/time";
import type { Cursor, FeedDocument } from "../core/model";
import { type FeedFormat, archiveFeedPath, feedFiles, withQuery } from "../core/urls";
import { getArchiveNeighbours } from "../db/months";
import { type ListingVersion, listArticles, versionOfArticles } from "../db/articles";
import { readStoryOthersMany } from "../db/stories";
import type { SqlRunner } from "../db/sql";
import { renderAtom, renderJsonFeed, renderRss } from "../render/feeds";
import { filteredPage } from "./filtered";
import type { FeedListing } from "./listings";

export const FEED_FORMATS: Record<FeedFormat, { type: string; render: (d: FeedDocument) => string }> = {
  atom: { type: "application/atom+xml; charset=utf-8", render: renderAtom },
  rss: { type: "application/rss+xml; charset=utf-8", render: renderRss },
  json: { type: "application/feed+json; charset=utf-8", render: renderJsonFeed },
};

/** Bumped, per format, when its rendering changes, so validators issued by an older renderer stop
 *  matching (and a reader holding bytes that are gone gets the new ones, not a 304). */
export const RENDER_VERSION: Readonly<Record<FeedFormat, number>> = { atom: 4, rss: 4, json: 3 };

/** An archive document holds a whole month; past this it is cut (and says so in the logs). */
export const ARCHIVE_MAX_ITEMS = 2000;

const archiveUrl = (base: string, prefix: string, month: string, format: FeedFormat) =>
  `${base}${archiveFeedPath(prefix, month, format)}`;

/** The archive chain around this document: for a month its older and newer months, for the first
 *  page of a listing with archives the newest month. Index seeks only. */
export async function archiveNeighbours(db: SqlRunner, listing: FeedListing, before: Cursor | null) {
  const { scope } = listing;
  if (scope.kind === "month") return getArchiveNeighbours(db, scope.month, scope.source?.id ?? null);
  if (listing.archivePrefix === undefined || before !== null) return null;
  return getArchiveNeighbours(db, null, scope.kind === "source" ? scope.source.id : null);
}

export interface RenderRequest {
  /** The feed's canonical URL (canonicalFeedUrl). */
  readonly requested: URL;
  readonly limit: number;
  readonly before: Cursor | null;
  readonly archives: Awaited<ReturnType<typeof archiveNeighbours>>;
  readonly hubUrl: string | undefined;
  /** The filters of the request (core/feed-filter.ts); null lists the listing as it is. */
  readonly filter: FeedFilter | null;
  /** One item per story, the other papers linked in it (`?dedupe=1`). */
  readonly dedupe?: boolean;
  /** Where archived bodies are read from (archive/bodies.ts); absent = no archive bound, and a
   *  document with an archived item then answers 503 rather than lose its body. */
  readonly bodies?: ArchiveBucket | null;
}

/** The hub, on feeds that are WebSub topics: live listings, not archives or older pages. */
export function hubUrlFor(config: Config, listing: FeedListing, before: Cursor | null): string | undefined {
  if (config.hubUrl === null) return undefined;
  return listing.scope.kind === "month" || before !== null ? undefined : config.hubUrl;
}

/** One listing's feed document (no caches, no validators), with the version of what it lists.
 *  Without bodies (`withContent` false) it is what the feed's HTML page shows. */
export async function listingFeedDocument(
  db: SqlRunner,
  config: Config,
  format: FeedFormat,
  listing: FeedListing,
  r: RenderRequest,
  withContent = true,
): Promise<{ doc: FeedDocument; version: ListingVersion }> {
  const { requested, limit, before, archives } = r;
  const isArchive = listing.scope.kind === "month";
  // A filtered listing scans rows without bodies and reads only the items it keeps in full; both
  // read archived bodies back through the same path. (Filters and `dedupe=1` are not combined:
  // canonicalFeedRequest refuses the pair.)
  const listed = r.filter
    ? await filteredPage(db, listing.scope, r.filter, { limit, before, withContent, now: Date.now() })
    : await listArticles(db, listing.scope, { limit, before, withContent, grouped: r.dedupe === true });
  // One more read, for the stories that other papers carry too (primary-key lookups).
  const others = r.dedupe
    ? await readStoryOthersMany(
        db,
        listed.items.filter((a) => (a.storyOthers ?? 0) > 0).map((a) => a.id),
      )
    : new Map();
  const linked = others.size
    ? { ...listed, items: listed.items.map((a) => (others.has(a.id) ? { ...a, others: others.get(a.id) } : a)) }
    : listed;
  const page = withContent ? { ...linked, items: await withBodies(r.bodies ?? null, linked.items) } : linked;
  // RFC 5005: paging links, and the archive chain.
  const pageBase = new URL(requested);
  pageBase.searchParams.delete("before");
  const first = `${config.baseUrl}${pageBase.pathname}${pageBase.search}`;
  const complete = !isArchive && before === null && page.next === null;
  const prefix = listing.archivePrefix ?? "";
  const links: NonNullable<FeedDocument["links"]> = isArchive
    ? {
        current: `${config.baseUrl}${feedFiles(prefix)[format]}`,
        prevArchive: archives?.older ? archiveUrl(config.baseUrl, prefix, archives.older, format) : undefined,
        nextArchive: archives?.newer ? archiveUrl(config.baseUrl, prefix, archives.newer, format) : undefined,
      }
    : {
        first: complete ? undefined : first,
        next: page.next ? withQuery(first, "before", encodeCursor(page.next)) : undefined,
        prevArchive:
          !complete && archives?.older ? archiveUrl(config.baseUrl, prefix, archives.older, format) : undefined,
      };
  // The feed's id: its path, query and filters (a filtered feed is another feed), not its limit.
  const idQuery = [
    ...(pageBase.searchParams.has("q") ? [["q", pageBase.searchParams.get("q")!] as const] : []),
    ...(r.filter?.params ?? []),
  ].map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  const requestedPath = `${pageBase.pathname}${idQuery.length > 0 ? `?${idQuery.join("&")}` : ""}`;
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
    // The newest change among the items; a document with none (an empty search, a page past
    // the end) was still just made, and says so rather than 1970.
    updated: page.items.reduce(
      (u, a) => (a.updated.ms > u.ms ? a.updated : u),
      page.items[0]?.updated ?? instantIn(config.defaultTimezone, Date.now()),
    ),
    items: page.items,
  };
  return { doc, version: versionOfArticles(page.items) };
}

/** One listing's feed document, rendered (no caches, no validators). */
export async function renderListingFeed(
  db: SqlRunner,
  config: Config,
  format: FeedFormat,
  listing: FeedListing,
  r: RenderRequest,
) {
  const { doc, version } = await listingFeedDocument(db, config, format, listing, r);
  // Opted-in sources' images through the image proxy, by absolute address; the version (read
  // before) already names each source's setting, as the one read without bodies does.
  const proxying = imageProxying(config.imageProxy, config.baseUrl, true);
  const items = proxying ? await Promise.all(doc.items.map((a) => withProxiedImages(a, proxying))) : doc.items;
  return { body: FEED_FORMATS[format].render({ ...doc, items }), version };
}
