// Subscribing by a site's address: when the address answers a web page rather than a feed, the
// feeds the page advertises (<link rel="alternate"> of the RSS, Atom and JSON Feed types,
// resolved against the page's <base href> or its own URL), then the usual paths as a last
// resort, each fetched through fetchUpstream (the refresh's own fetch path, with its limits and
// outbound policy) and the first that parses chosen. I/O: `fetch` is passed in.
import { decodeFeedBytes, decodeHtmlBytes } from "./decode";
import { type FetchLimits, fetchUpstream } from "./fetch-upstream";
import { FeedParseError, parseFeedText } from "./parse";
import { parseHttpUrl } from "../core/urls";

export const FEED_TYPES = new Set([
  "application/rss+xml",
  "application/atom+xml",
  "application/feed+json",
  "application/rdf+xml",
]);

/** Where sites put their feed when they do not say; tried in this order after the advertised. */
export const USUAL_PATHS = ["/feed", "/rss.xml", "/atom.xml", "/index.xml", "/feed.xml"];

/** At most this many candidates are fetched for one page (each is a request to the site). */
const MAX_TRIES = 8;

export type Discovery =
  /** The address is a feed itself (or could not be checked: the refresh will say why). */
  | { readonly kind: "feed"; readonly url: string }
  /** The address is a web page; `chosen` parsed as a feed; `others` are the rest it advertises. */
  | { readonly kind: "page"; readonly page: string; readonly chosen: string; readonly others: readonly string[] }
  /** A web page that advertises no feed that parses, and none at the usual paths. */
  | { readonly kind: "none"; readonly page: string; readonly reason: string };

export const NO_FEED_REASON =
  '该地址是网页，未声明订阅源（<link rel="alternate">），常见路径（/feed、/rss.xml 等）也没有';

/** The feeds a page advertises, absolute, in document order, without duplicates. */
export async function advertisedFeeds(html: string, pageUrl: string): Promise<string[]> {
  let base: string | null = null;
  const hrefs: string[] = [];
  await new HTMLRewriter()
    .on("base[href]", {
      element(e) {
        base ??= e.getAttribute("href");
      },
    })
    .on("link[href]", {
      element(e) {
        const rel = (e.getAttribute("rel") ?? "").toLowerCase().split(/\s+/);
        const type = (e.getAttribute("type") ?? "").toLowerCase().split(";")[0]!.trim();
        if (rel.includes("alternate") && FEED_TYPES.has(type)) hrefs.push(e.getAttribute("href")!);
      },
    })
    .transform(new Response(html))
    .arrayBuffer();
  const against = resolve(base, pageUrl) ?? pageUrl;
  return unique(hrefs.map((h) => resolve(h, against)).filter((u): u is string => u !== null));
}

/** `href` against `base` as an http(s) URL without its #fragment; null for anything else. */
function resolve(href: string | null, base: string): string | null {
  const u = href ? parseHttpUrl(href.trim(), base) : null;
  if (!u) return null;
  u.hash = "";
  return u.href;
}

const unique = (list: string[]) => list.filter((u, i) => list.indexOf(u) === i);

const isHtmlPageError = (e: unknown) => e instanceof FeedParseError && /HTML page/.test(e.message);

/** Does `url` answer a feed that parses? */
async function parsesAsFeed(fetcher: typeof fetch, url: string, limits: FetchLimits): Promise<boolean> {
  const fetched = await fetchUpstream(fetcher, url, { etag: null, lastModified: null }, limits);
  if (fetched.kind !== "ok") return false;
  try {
    parseFeedText(decodeFeedBytes(fetched.bytes, fetched.headers.get("content-type")).text);
    return true;
  } catch {
    return false;
  }
}

/** What `url` is: a feed, a page with a feed (the first advertised that parses, else the first
 *  usual path that does), or a page without one. An address that cannot be fetched, or answers
 *  something that is neither, is left as given: its refresh records why. */
export async function discoverFeed(fetcher: typeof fetch, url: string, limits: FetchLimits): Promise<Discovery> {
  const fetched = await fetchUpstream(fetcher, url, { etag: null, lastModified: null }, limits);
  if (fetched.kind !== "ok") return { kind: "feed", url };
  const contentType = fetched.headers.get("content-type");
  try {
    parseFeedText(decodeFeedBytes(fetched.bytes, contentType).text);
    return { kind: "feed", url };
  } catch (e) {
    if (!isHtmlPageError(e)) return { kind: "feed", url };
  }
  const page = fetched.url;
  const advertised = await advertisedFeeds(decodeHtmlBytes(fetched.bytes, contentType).text, page);
  const usual = USUAL_PATHS.map((p) => new URL(p, page).href).filter((u) => !advertised.includes(u));
  const candidates = [...advertised, ...usual].filter((u) => u !== page).slice(0, MAX_TRIES);
  for (const candidate of candidates) {
    if (await parsesAsFeed(fetcher, candidate, limits)) {
      return { kind: "page", page, chosen: candidate, others: advertised.filter((u) => u !== candidate) };
    }
  }
  return { kind: "none", page, reason: NO_FEED_REASON };
}
