import type { UpstreamPageState } from "../db/upstream-pages";
import type { SqlRunner } from "../db/sql";
import { decodeHtmlBytes } from "./decode";
import { type FetchLimits, fetchUpstream } from "./fetch-upstream";
import { robotsVerdict } from "./manners";
import { normalizeHostname } from "../core/outbound";
import { parseHttpUrl } from "../core/urls";

export interface PageDeps {
  readonly db: SqlRunner;
  /** Already polite (manners.ts). */
  readonly fetch: typeof fetch;
  readonly limits: FetchLimits;
  readonly now: number;
}

/** Pages one refresh fetches besides the source's own URL; the rest wait for the next run. */
export const PAGE_FETCHES_PER_REFRESH = 20;
/** A page that fails this often (network, 5xx) is given up; one the rules do not match is
 *  reported and not fetched again until the rules change. */
export const MAX_PAGE_ATTEMPTS = 3;

type PageResult =
  | { kind: "ok"; url: string; html: string; etag: string | null; lastModified: string | null }
  | { kind: "not-modified" }
  /** `transient`: not the page's fault (its site's robots.txt did not answer): try again later
   *  without counting an attempt. */
  | { kind: "error"; reason: string; transient?: boolean };

export async function fetchPage(
  deps: PageDeps,
  url: string,
  known: Pick<UpstreamPageState, "etag" | "lastModified"> | null,
): Promise<PageResult> {
  const robots = await robotsVerdict(deps.fetch, url, deps.limits, deps.now);
  if (robots === "disallowed") return { kind: "error", reason: `robots.txt disallows ${url}` };
  if (robots === "unreachable")
    return {
      kind: "error",
      reason: `${new URL(url).origin}/robots.txt did not answer; trying again later`,
      transient: true,
    };
  const got = await fetchUpstream(
    deps.fetch,
    url,
    { etag: known?.etag ?? null, lastModified: known?.lastModified ?? null },
    deps.limits,
  );
  if (got.kind === "not-modified") return got;
  if (got.kind === "error") return { kind: "error", reason: `${url}: ${got.reason}` };
  return {
    kind: "ok",
    url: got.url,
    html: decodeHtmlBytes(got.bytes, got.headers.get("content-type")).text,
    etag: got.headers.get("etag"),
    lastModified: got.headers.get("last-modified"),
  };
}

/** Links are followed only to the source's own host (its list page, or its feed for full text)
 *  or to hosts its rules name: a list page cannot send the crawler anywhere else. */
export function onAllowedHost(url: string, own: string, hosts: readonly string[]): boolean {
  const host = parseHttpUrl(url)?.hostname;
  const ownHost = parseHttpUrl(own)?.hostname;
  if (host === undefined || ownHost === undefined) return false;
  const normalized = normalizeHostname(host);
  return normalized === normalizeHostname(ownHost) || hosts.includes(normalized);
}

/** An item's page address: http(s), without its #fragment (one page, however it is linked to). */
export const httpLink = (raw: string, base: string): string | null => {
  const u = parseHttpUrl(raw.trim(), base);
  if (!u) return null;
  u.hash = "";
  return u.href;
};
