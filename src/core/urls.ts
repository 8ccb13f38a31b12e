// The site's URL map in one place: every link and every route agrees with these (pure).
import type { Article } from "./model";

export const homePath = () => "/";
export const categoryPath = (slug: string) => `/category/${slug}.html`;
export const tagPath = (tag: string) => `/tag/${encodeURIComponent(tag)}`;
export const articlePath = (a: Pick<Article, "id" | "pathDate"> & { source: { slug: string } }) =>
  `/${a.source.slug}/${a.pathDate}/${a.id}.html`;
export const STYLESHEET_PATH = "/assets/site.css?v=3";
export const FAVICON_PATH = "/assets/favicon.svg";
/** The directory of every source (the categories), beside each category's own page. */
export const DIRECTORY_PATH = "/category/";

/** Where the WebSub hub takes subscriptions (src/web/websub.ts). */
export const HUB_PATH = "/websub";

/** `raw` (resolved against `base` when given) as an http(s) URL; null for anything else: the one
 *  check every upstream link, source address, hub callback and topic goes through. */
export function parseHttpUrl(raw: string, base?: string): URL | null {
  try {
    const url = new URL(raw, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** Append a query parameter to a path. */
export function withQuery(path: string, name: string, value: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${name}=${encodeURIComponent(value)}`;
}

export type FeedFormat = "atom" | "rss" | "json";

export type FeedPaths = Readonly<Record<FeedFormat, string>>;

/** The file name of each feed format, under a listing's prefix. */
export const FEED_FILES: FeedPaths = { atom: "feed.xml", rss: "rss.xml", json: "feed.json" };

/** The three feeds under a path prefix ("" for the whole site; route patterns use this too). */
export function feedFiles(prefix: string): FeedPaths {
  return {
    atom: `${prefix}/${FEED_FILES.atom}`,
    rss: `${prefix}/${FEED_FILES.rss}`,
    json: `${prefix}/${FEED_FILES.json}`,
  };
}

/** The three feeds of a listing. */
export function feedPaths(
  scope:
    | { kind: "all" }
    | { kind: "source"; slug: string }
    | { kind: "tag"; tag: string }
    | { kind: "search"; query: string },
): FeedPaths {
  if (scope.kind === "search") {
    const paths = feedFiles("/search");
    return {
      atom: withQuery(paths.atom, "q", scope.query),
      rss: withQuery(paths.rss, "q", scope.query),
      json: withQuery(paths.json, "q", scope.query),
    };
  }
  const prefix =
    scope.kind === "all"
      ? ""
      : scope.kind === "source"
        ? `/category/${scope.slug}`
        : `/tag/${encodeURIComponent(scope.tag)}`;
  return feedFiles(prefix);
}

/** A month's archive feed (RFC 5005) under a listing's archive prefix; `month` is "yyyy/mm". */
export const archiveFeedPath = (prefix: string, month: string, format: FeedFormat) =>
  `${prefix}/archive/${month.replace("/", "-")}/${FEED_FILES[format]}`;
