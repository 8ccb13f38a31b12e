// What a feed lists: the listing behind each feed address (site, source, tag, month, search),
// resolved from route parameters, and the `?limit=` every feed reads. D1 reads only to check that
// a source or tag exists.
import type { Config } from "../config";
import { BadRequestError, NotFoundError } from "../core/errors";
import { LIST_LIMIT, readListLimit } from "../core/list-limit";
import type { Scope } from "../core/model";
import { MAX_QUERY_CHARS, checkSearchQuery } from "../core/search-tokens";
import { categoryPath, homePath, tagPath, withQuery } from "../core/urls";
import { tagExists } from "../db/tags";
import type { SqlRunner } from "../db/sql";
import { getSourceBySlug } from "../db/sources";

export interface FeedListing {
  readonly scope: Scope;
  readonly title: string;
  readonly description: string;
  readonly homePath: string;
  /** Listings with RFC 5005 monthly archives: "" (the site) or "/category/<slug>". */
  readonly archivePrefix?: string;
}

/** `?limit=` of a feed: absent → the default; anything but 1–100 → 400. */
export function parseFeedLimit(raw: string | null | undefined): number {
  if (raw === undefined || raw === null) return LIST_LIMIT.default;
  const n = readListLimit(raw);
  if (n === null)
    throw new BadRequestError(
      `limit must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}, got ${JSON.stringify(raw)}`,
    );
  return n;
}

/** `?dedupe=1`: one item per story, the other papers linked in it; absent or 0: every article. */
export function parseFeedDedupe(raw: string | null | undefined): boolean {
  if (raw === undefined || raw === null || raw === "0") return false;
  if (raw === "1") return true;
  throw new BadRequestError(`dedupe must be 1 (one item per story) or 0, got ${JSON.stringify(raw)}`);
}

export const siteListing = (config: Config): FeedListing => ({
  scope: { kind: "all" },
  title: config.siteTitle,
  description: config.siteDescription,
  homePath: homePath(),
  archivePrefix: "",
});

export async function sourceListing(db: SqlRunner, config: Config, slug: string): Promise<FeedListing> {
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
export async function archiveListing(
  db: SqlRunner,
  config: Config,
  slug: string | null,
  monthParam: string,
): Promise<FeedListing> {
  const month = monthParam.replace("-", "/");
  const base = slug === null ? siteListing(config) : await sourceListing(db, config, slug);
  const source = base.scope.kind === "source" ? base.scope.source : null;
  return {
    ...base,
    scope: { kind: "month", month, source },
    title: `${base.title}（${month.replace("/", "年")}月存档）`,
  };
}

export async function tagListing(db: SqlRunner, config: Config, tag: string): Promise<FeedListing> {
  if (!(await tagExists(db, tag))) throw new NotFoundError("没有这个标签。");
  return {
    scope: { kind: "tag", tag },
    title: `标签：${tag} - ${config.siteTitle}`,
    description: `带有“${tag}”标签的文章`,
    homePath: tagPath(tag),
  };
}

export function searchListing(config: Config, url: URL): FeedListing {
  const query = (url.searchParams.get("q") ?? "").trim();
  const built = checkSearchQuery(query);
  if (typeof built === "string")
    throw new BadRequestError(`q must be 1–${MAX_QUERY_CHARS} characters with a letter, digit or Chinese character`);
  return {
    scope: { kind: "search", query, match: built.match },
    title: `搜索：${query} - ${config.siteTitle}`,
    description: `“${query}”的搜索结果`,
    homePath: withQuery("/search", "q", query),
  };
}
