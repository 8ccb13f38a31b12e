// The site's URL map in one place: every link and every route agrees with these (pure).
import type { Article } from "./model";

export const homePath = () => "/";
export const categoryPath = (slug: string) => `/category/${slug}.html`;
export const tagPath = (tag: string) => `/tag/${encodeURIComponent(tag)}`;
export const articlePath = (a: Pick<Article, "id" | "pathDate"> & { source: { slug: string } }) =>
  `/${a.source.slug}/${a.pathDate}/${a.id}.html`;
export const STYLESHEET_PATH = "/assets/site.css?v=1";
export const FAVICON_PATH = "/assets/favicon.svg";

/** Append a query parameter to a path. */
export function withQuery(path: string, name: string, value: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${name}=${encodeURIComponent(value)}`;
}
