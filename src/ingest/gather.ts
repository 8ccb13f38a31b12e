// Reading a source: fetch it by its kind and rules (feed, html, json, full text), parse what
// changed into items, and normalize them. Nothing is written here.
import type { ArticleInput, SourceWithState } from "../core/model";
import type { SqlRunner, Stmt } from "../db/sql";
import { type EncodingChoice, decodeFeedBytes } from "./decode";
import { type FetchLimits, fetchUpstream } from "./fetch-upstream";
import { normalizeItem } from "./normalize";
import { parseFeedText } from "./parse";
import { addFullText } from "./full-text";
import { gatherHtml } from "./html-source";
import { itemsFromJson, parseJsonDocument } from "./json-source";
import type { PageDeps } from "./upstream-page";
import type { ParsedItem } from "./parse";
import { RefreshError } from "./refresh-error";
import { RuleError, parseRules } from "./rules";
import { parseHttpUrl } from "../core/urls";
import { hashBody } from "./pipeline-hash";

export interface RefreshDeps {
  readonly db: SqlRunner;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly limits: FetchLimits;
  readonly log: (line: Record<string, unknown>) => void;
  /** How far apart (ms) two articles of one story may be published (STORY_WINDOW_DAYS). */
  readonly storyWindowMs?: number;
}

/** What reading a source produced, before anything is written. */
export type Gathered =
  | {
      kind: "unchanged";
      headers: Headers | null;
      etag: string | null;
      lastModified: string | null;
      bodyHash: string | null;
      pageWrites: Stmt[];
      sameBytes: boolean;
    }
  | {
      kind: "items";
      items: readonly ParsedItem[];
      base: string;
      xmlBase: string | null;
      headers: Headers | null;
      ttl: number | null;
      etag: string | null;
      lastModified: string | null;
      bodyHash: string | null;
      pageWrites: Stmt[];
      problems: string[];
      /** The body's bytes fit no encoding: decoded as UTF-8 with replacement (decode.ts). */
      decodeWarning?: string | null;
      /** The encoding the source's own URL was read in, and where it came from (decode.ts). */
      encoding?: EncodingChoice | null;
      /** The feed's own title (feeds only). */
      title?: string | null;
      /** Items whose raw hash is stored already are not normalized again (feeds and JSON; web
       *  pages skip unchanged pages by conditional GET instead). */
      skipUnchanged: boolean;
    };

function rulesOf(source: SourceWithState) {
  try {
    return parseRules(source.kind, source.rules ? JSON.parse(source.rules) : null);
  } catch (e) {
    throw new RefreshError(`the source's rules are invalid: ${e instanceof RuleError ? e.message : String(e)}`);
  }
}

/** Fetch the source by its kind and rules and turn what changed into parsed items. */
export async function gather(deps: RefreshDeps, source: SourceWithState): Promise<Gathered> {
  if (!source.feedUrl) throw new RefreshError("the source has no feed URL");
  const rules = rulesOf(source);
  const pageDeps: PageDeps = { db: deps.db, fetch: deps.fetch, limits: deps.limits, now: deps.now() };

  if (rules.kind === "html") {
    // Web pages: the list page is the source's URL; article pages are visited by the rules.
    const g = await gatherHtml(pageDeps, source, rules.html);
    const common = {
      headers: g.headers,
      etag: g.etag,
      lastModified: g.lastModified,
      bodyHash: null,
      pageWrites: g.pageWrites,
    };
    if (g.unchanged && g.problems.length === 0) return { kind: "unchanged", ...common, sameBytes: false };
    return {
      kind: "items",
      ...common,
      items: g.items,
      base: g.base,
      xmlBase: null,
      ttl: null,
      problems: g.problems,
      skipUnchanged: false,
      encoding: g.encoding,
    };
  }

  const fetched = await fetchUpstream(
    deps.fetch,
    source.feedUrl,
    { etag: source.state.etag, lastModified: source.state.lastModified },
    deps.limits,
  );
  if (fetched.kind === "error") throw new RefreshError(fetched.reason, fetched.headers);
  if (fetched.kind === "not-modified") {
    const h = fetched.headers;
    return {
      kind: "unchanged",
      headers: h,
      etag: h.get("etag") ?? source.state.etag,
      lastModified: h.get("last-modified") ?? source.state.lastModified,
      bodyHash: source.state.bodyHash,
      pageWrites: [],
      sameBytes: false,
    };
  }
  const h = fetched.headers;
  const validators = { etag: h.get("etag"), lastModified: h.get("last-modified") };
  // The same bytes as last time (an upstream that ignores conditional GET): nothing to parse.
  const bodyHash = await hashBody(fetched.bytes);
  if (bodyHash === source.state.bodyHash)
    return { kind: "unchanged", headers: h, ...validators, bodyHash, pageWrites: [], sameBytes: true };

  const { text, warning: decodeWarning, encoding, by } = decodeFeedBytes(fetched.bytes, h.get("content-type"));
  if (rules.kind === "json") {
    const items = itemsFromJson(parseJsonDocument(text), rules.json, source.timezone);
    return {
      kind: "items",
      items,
      base: fetched.url,
      xmlBase: null,
      headers: h,
      ttl: null,
      ...validators,
      bodyHash,
      pageWrites: [],
      problems: [],
      skipUnchanged: true,
      decodeWarning,
      encoding: { encoding, by },
    };
  }
  const feed = parseFeedText(text);
  const base = resolveBase(feed.base, feed.link, fetched.url);
  const common = {
    kind: "items",
    base,
    xmlBase: feed.base ? base : null,
    headers: h,
    ttl: feed.ttlMinutes,
    skipUnchanged: true,
    decodeWarning,
    encoding: { encoding, by },
    title: feed.title,
  } as const;
  if (!rules.fullText) return { ...common, items: feed.items, ...validators, bodyHash, pageWrites: [], problems: [] };
  // Summary-only feed: each new item's own page gives the full text (once per item). Items left
  // for the next run must be seen again even if the feed does not change: no validators, no hash.
  const full = await addFullText(pageDeps, source, rules.fullText, feed.items, base);
  const complete = full.pending === 0;
  return {
    ...common,
    items: full.items,
    pageWrites: full.pageWrites,
    problems: full.problems,
    ...(complete ? { ...validators, bodyHash } : { etag: null, lastModified: null, bodyHash: null }),
  };
}

/** Normalize (and sanitize) parsed items; upstream duplicates are one article, the later wins.
 *  `rawHashes` (by item) is stored with each article.
 *  An item with nothing a reader could use is left out on its own and counted as `empty`. */
export async function normalizeAll(
  source: SourceWithState,
  g: Extract<Gathered, { kind: "items" }>,
  now: number,
  items: readonly ParsedItem[] = g.items,
  rawHashes: ReadonlyMap<ParsedItem, string> = new Map(),
): Promise<{ inputs: ArticleInput[]; empty: number }> {
  const inputs = new Map<string, ArticleInput>();
  let empty = 0;
  for (const item of items) {
    const article = await normalizeItem(item, { source, base: g.base, xmlBase: g.xmlBase, now });
    const rawHash = rawHashes.get(item);
    if (article) inputs.set(article.guid, rawHash ? { ...article, rawHash } : article);
    else empty++;
  }
  return { inputs: [...inputs.values()], empty };
}

/** xml:base (itself relative to the feed's URL), else the feed's own link, else its URL. */
function resolveBase(xmlBase: string | null, link: string | null, url: string): string {
  for (const candidate of [xmlBase, link]) {
    const u = candidate ? parseHttpUrl(candidate, url) : null;
    if (u) return u.href;
  }
  return url;
}
