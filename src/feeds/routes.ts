// The feed route table: every feed address with its format, its listing resolver, and whether it
// is a WebSub topic. web/feeds.ts serves it over HTTP; websub/ matches topic URLs against it.
import { PatternRouter } from "hono/router/pattern-router";
import type { ArchiveBucket } from "../archive/bodies";
import type { Config } from "../config";
import { type FeedFilter, readFeedFilter } from "../core/feed-filter";
import { BadRequestError } from "../core/errors";
import { strongEtag } from "../core/ids";
import { FEED_FILES, type FeedFormat, type FeedPaths, HUB_PATH, feedFiles, feedPaths } from "../core/urls";
import { getListingVersion } from "../db/articles";
import type { SqlRunner } from "../db/sql";
import { FEED_FORMATS, RENDER_VERSION, archiveNeighbours, renderListingFeed } from "./document";
import { filteredVersion } from "./filtered";
import {
  type FeedListing,
  archiveListing,
  parseFeedDedupe,
  parseFeedLimit,
  searchListing,
  siteListing,
  sourceListing,
  tagListing,
} from "./listings";

/** A feed request as the feed knows it: its canonical URL and the filters it asks for. */
export interface FeedRequest {
  /** Only the parameters a feed reads, in one order: `q`, `limit`, `dedupe`, the filters that take effect
   *  (sorted, core/feed-filter.ts), `before`. Anything else (tracking tags, cache-busters,
   *  parameters in another order) neither changes the document nor splits the caches. */
  readonly url: URL;
  readonly filter: FeedFilter | null;
}

/** Throws BadRequestError for a filter this site does not run (core/feed-filter.ts). */
export function canonicalFeedRequest(url: string): FeedRequest {
  const from = new URL(url);
  const to = new URL(from.origin + from.pathname);
  const copy = (name: string) => {
    const v = from.searchParams.get(name);
    if (v !== null) to.searchParams.set(name, v);
  };
  copy("q");
  copy("limit");
  copy("dedupe");
  const filter = readFeedFilter(from.searchParams);
  // A filtered scan keeps or drops rows one at a time; grouping needs a story's head in the same
  // listing. The pair is refused plainly rather than one of them ignored.
  if (filter && parseFeedDedupe(from.searchParams.get("dedupe"))) {
    throw new BadRequestError("dedupe=1 不能与 filter 参数同时使用（dedupe=1 cannot be combined with filters）");
  }
  for (const [name, value] of filter?.params ?? []) to.searchParams.set(name, value);
  copy("before"); // last, where a next-page link appends it
  return { url: to, filter };
}

/** The request URL with only the parameters a feed reads, in a fixed order. */
export function canonicalFeedUrl(url: string): URL {
  return canonicalFeedRequest(url).url;
}

export type Params = Record<string, string>;
type Resolver = (db: SqlRunner, config: Config, params: Params, url: URL) => Promise<FeedListing>;

/** One feed address: its route pattern, format, listing, and whether it is a WebSub topic
 *  (archives never change, so nobody subscribes to them). */
export interface FeedRoute {
  readonly path: string;
  readonly format: FeedFormat;
  readonly resolve: Resolver;
  readonly topic: boolean;
}

const threeFormats = (paths: FeedPaths, resolve: Resolver): FeedRoute[] =>
  (["atom", "rss", "json"] as const).map((format) => ({ path: paths[format], format, resolve, topic: true }));

export const FEED_ROUTES: readonly FeedRoute[] = [
  ...threeFormats(feedPaths({ kind: "all" }), async (_db, config) => siteListing(config)),
  ...threeFormats(feedPaths({ kind: "source", slug: ":slug" }), (db, config, p) => sourceListing(db, config, p.slug!)),
  ...threeFormats(feedFiles("/tag/:tag"), (db, config, p) => tagListing(db, config, p.tag!)),
  ...(["atom", "rss"] as const).flatMap((format): FeedRoute[] => [
    {
      path: `/archive/:month{\\d{4}-\\d{2}}/${FEED_FILES[format]}`,
      format,
      topic: false,
      resolve: (db, config, p) => archiveListing(db, config, null, p.month!),
    },
    {
      path: `/category/:slug/archive/:month{\\d{4}-\\d{2}}/${FEED_FILES[format]}`,
      format,
      topic: false,
      resolve: (db, config, p) => archiveListing(db, config, p.slug!, p.month!),
    },
  ]),
  ...threeFormats(feedFiles("/search"), async (_db, config, _p, url) => searchListing(config, url)),
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

// The same table, matched outside a request: a topic URL → its route and parameters.
const topicRouter = new PatternRouter<FeedRoute>();
for (const route of FEED_ROUTES) if (route.topic) topicRouter.add("GET", route.path, route);

export interface Topic {
  /** The canonical topic URL (only the parameters a feed reads). */
  readonly url: URL;
  readonly format: FeedFormat;
  readonly listing: FeedListing;
  readonly limit: number;
  readonly filter: FeedFilter | null;
  readonly dedupe: boolean;
}

/** A topic URL's canonical form and route, when it is one of this site's live feeds. */
function matchTopic(
  config: Config,
  topicUrl: string,
): { url: URL; filter: FeedFilter | null; route: FeedRoute; raw: Params } | null {
  let url: URL;
  let filter: FeedFilter | null;
  try {
    ({ url, filter } = canonicalFeedRequest(topicUrl));
  } catch {
    return null;
  }
  if (url.origin !== new URL(config.baseUrl).origin || url.searchParams.has("before")) return null;
  const [[match]] = topicRouter.match("GET", url.pathname);
  if (!match) return null;
  const [route, raw] = match as unknown as [FeedRoute, Params];
  return { url, filter, route, raw };
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
  const { url, filter, route, raw } = matched;
  const params: Params = {};
  try {
    for (const [k, v] of Object.entries(raw)) params[k] = decodeURIComponent(v);
  } catch {
    return null;
  }
  const listing = await route.resolve(db, config, params, url);
  return {
    url,
    format: route.format,
    listing,
    limit: parseFeedLimit(url.searchParams.get("limit")),
    filter,
    dedupe: parseFeedDedupe(url.searchParams.get("dedupe")),
  };
}

/** A topic's current version: changes whenever what its feed lists changes. Index reads only. */
export async function topicVersion(db: SqlRunner, topic: Topic): Promise<string> {
  const v = topic.filter
    ? await filteredVersion(db, topic.listing.scope, topic.filter, topic.limit, null, Date.now())
    : await getListingVersion(db, topic.listing.scope, topic.limit, null, topic.dedupe);
  return strongEtag([RENDER_VERSION[topic.format], v.parts]);
}

/** A topic's feed as a subscriber receives it: the same document a reader would fetch. */
export async function renderTopic(
  db: SqlRunner,
  config: Config,
  topic: Topic,
  bodies: ArchiveBucket | null,
): Promise<{ body: string; contentType: string }> {
  const archives = await archiveNeighbours(db, topic.listing, null);
  const { body } = await renderListingFeed(db, config, topic.format, topic.listing, {
    requested: topic.url,
    limit: topic.limit,
    before: null,
    archives,
    hubUrl: `${config.baseUrl}${HUB_PATH}`, // the hub delivering it
    filter: topic.filter,
    dedupe: topic.dedupe,
    bodies,
  });
  return { body, contentType: FEED_FORMATS[topic.format].type };
}
