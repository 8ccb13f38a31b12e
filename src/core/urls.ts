// The site's URL map in one place: every link and every route agrees with these (pure).
import type { Article } from "./model";

export const homePath = () => "/";
export const categoryPath = (slug: string) => `/category/${slug}.html`;
export const tagPath = (tag: string) => `/tag/${encodeURIComponent(tag)}`;
export const articlePath = (a: Pick<Article, "id" | "pathDate"> & { source: { slug: string } }) =>
  `/${a.source.slug}/${a.pathDate}/${a.id}.html`;
export const STYLESHEET_PATH = "/assets/site.css?v=2";
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

export interface FeedPaths {
  readonly atom: string;
  readonly rss: string;
  readonly json: string;
}

/** The three feeds of a listing, by the listing's own prefix ("" for the whole site). */
export function feedPaths(
  scope: { kind: "all" } | { kind: "source"; slug: string } | { kind: "tag"; tag: string },
): FeedPaths {
  const prefix =
    scope.kind === "all"
      ? ""
      : scope.kind === "source"
        ? `/category/${scope.slug}`
        : `/tag/${encodeURIComponent(scope.tag)}`;
  return { atom: `${prefix}/feed.xml`, rss: `${prefix}/rss.xml`, json: `${prefix}/feed.json` };
}
