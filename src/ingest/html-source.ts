// An `html` source: its list page(s) → links → new (and recently seen) article pages, read by its
// rules into the same ParsedItems a feed yields.
import type { SourceWithState } from "../core/model";
import {
  type UpstreamPageState,
  getUpstreamPages,
  listRecentUpstreamPages,
  recordUpstreamPageStatement,
} from "../db/upstream-pages";
import type { Stmt } from "../db/sql";
import { type EncodingChoice, decodeHtmlBytes } from "./decode";
import { extractFromHtml } from "./extract-html";
import { fetchUpstream } from "./fetch-upstream";
import { robotsVerdict } from "./manners";
import type { ParsedItem } from "./parse";
import { RefreshError } from "./refresh-error";
import { type HtmlRules, applyDateFormat } from "./rules";
import {
  type PageDeps,
  PAGE_FETCHES_PER_REFRESH,
  MAX_PAGE_ATTEMPTS,
  fetchPage,
  httpLink,
  onAllowedHost,
} from "./upstream-page";

/** Known article pages are revisited (conditional GET) while this young, to catch edits. */
const REVISIT_WITHIN_MS = 2 * 86_400_000;
const REVISITS_PER_REFRESH = 5;

export interface GatheredPages {
  readonly items: ParsedItem[];
  /** What relative URLs resolve against. */
  readonly base: string;
  readonly pageWrites: Stmt[];
  /** Pages that could not be read by the rules: shown on the health view. */
  readonly problems: string[];
  /** Validators of the source's own URL, for the next conditional GET. */
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** The source's own URL answered 304 and no revisited page changed. */
  readonly unchanged: boolean;
  /** False when links were left for the next run: then the list must be read again in full
   *  (no validators kept), or a 304 would hide them. */
  readonly complete: boolean;
  readonly headers: Headers | null;
  /** The encoding the list page was read in (null when it answered 304). */
  readonly encoding: EncodingChoice | null;
}

// Dates inside prose ("发布时间：2025-11-20 08:10"): the first date-shaped part.
const DATE_IN_TEXT =
  /\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2})?)?/;

function pageDate(raw: string | undefined, rules: HtmlRules): string | null {
  if (!raw) return null;
  const text = raw.replace(/&nbsp;|\s+/g, " ").trim();
  if (rules.dateFormat) return applyDateFormat(text, rules.dateFormat);
  // A machine-readable value (datetime attribute, meta content) is taken whole.
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) || /^[A-Z][a-z]{2}, /.test(text)) return text;
  return DATE_IN_TEXT.exec(text)?.[0].replace(/[/.]/g, "-") ?? text;
}

/** An `html` source: its list page(s) → links → new (and recently seen) article pages. */
export async function gatherHtml(deps: PageDeps, source: SourceWithState, rules: HtmlRules): Promise<GatheredPages> {
  const listUrl = source.feedUrl!;
  const robots = await robotsVerdict(deps.fetch, listUrl, deps.limits, deps.now);
  if (robots === "disallowed") throw new RefreshError(`robots.txt disallows ${listUrl}`);
  if (robots === "unreachable")
    throw new RefreshError(
      `${new URL(listUrl).origin}/robots.txt did not answer (RFC 9309: nothing is fetched until it does)`,
    );
  const first = await fetchUpstream(
    deps.fetch,
    listUrl,
    { etag: source.state.etag, lastModified: source.state.lastModified },
    deps.limits,
  );
  if (first.kind === "error") throw new RefreshError(first.reason, first.headers);

  const links: string[] = [];
  let budget = PAGE_FETCHES_PER_REFRESH;
  // Work left for the next run: then the list's validators are not kept (a 304 would hide it).
  let retryLater = false;
  let encoding: EncodingChoice | null = null;
  if (first.kind === "ok") {
    const decoded = decodeHtmlBytes(first.bytes, first.headers.get("content-type"));
    encoding = { encoding: decoded.encoding, by: decoded.by };
    let page: { url: string; html: string } | null = { url: first.url, html: decoded.text };
    for (let n = 1; page; n++) {
      const found = await extractFromHtml(page.html, {
        links: { pick: { selector: rules.list.links.selector, attr: rules.list.links.attr ?? "href" }, all: true },
        ...(rules.list.next
          ? { next: { pick: { selector: rules.list.next.selector, attr: rules.list.next.attr ?? "href" } } }
          : {}),
      });
      const before = links.length;
      for (const raw of found.links!) {
        const url = httpLink(raw, page.url);
        if (url && !links.includes(url) && onAllowedHost(url, listUrl, rules.hosts)) links.push(url);
      }
      if (n === 1 && links.length === before) {
        throw new RefreshError(
          `rules.list.links "${rules.list.links.selector}" matched no links on ${page.url}: the page no longer matches the rules`,
        );
      }
      const nextLink = found.next?.[0] ? httpLink(found.next[0], page.url) : null;
      const next = nextLink && onAllowedHost(nextLink, listUrl, rules.hosts) ? nextLink : null;
      page = null;
      if (next && n < rules.list.maxPages && budget > 0) {
        budget--;
        const got = await fetchPage(deps, next, null);
        if (got.kind === "ok") page = got;
        else retryLater = true;
      }
    }
  }

  const known = await getUpstreamPages(deps.db, source.id, links);
  const fresh = links.filter((l) => {
    const k = known.get(l);
    return !k || (k.status === "error" && k.attempts < MAX_PAGE_ATTEMPTS);
  });
  const visits: { url: string; known: UpstreamPageState | null }[] = fresh
    .slice(0, budget)
    .map((url) => ({ url, known: known.get(url) ?? null }));
  const revisits = await listRecentUpstreamPages(
    deps.db,
    source.id,
    deps.now - REVISIT_WITHIN_MS,
    REVISITS_PER_REFRESH,
  );
  for (const p of revisits)
    if (visits.length < budget && !visits.some((v) => v.url === p.url)) visits.push({ url: p.url, known: p });

  const items: ParsedItem[] = [];
  const pageWrites: Stmt[] = [];
  const problems: string[] = [];
  let changed = first.kind === "ok";
  for (const { url, known: k } of visits) {
    const got = await fetchPage(deps, url, k?.status === "ok" ? k : null);
    if (got.kind === "not-modified") {
      pageWrites.push(
        recordUpstreamPageStatement(
          source.id,
          { url, etag: null, lastModified: null, status: "ok", error: null },
          deps.now,
        ),
      );
      continue;
    }
    changed = true;
    if (got.kind === "error") {
      problems.push(got.reason);
      if (got.transient) {
        retryLater = true;
        continue;
      }
      pageWrites.push(
        recordUpstreamPageStatement(
          source.id,
          { url, etag: null, lastModified: null, status: "error", error: got.reason },
          deps.now,
        ),
      );
      if ((k?.status === "error" ? k.attempts : 0) + 1 < MAX_PAGE_ATTEMPTS) retryLater = true;
      continue;
    }
    const { article } = rules;
    const v = await extractFromHtml(got.html, {
      title: { pick: article.title },
      body: { pick: article.body, html: true },
      ...(article.date ? { date: { pick: article.date } } : {}),
      ...(article.author ? { author: { pick: article.author } } : {}),
      ...(article.image ? { image: { pick: article.image } } : {}),
    });
    const title = v.title?.[0]?.trim();
    const body = v.body?.[0]?.trim();
    if (!title || !body) {
      const which = !title
        ? `rules.article.title "${article.title.selector}"`
        : `rules.article.body "${article.body.selector}"`;
      const reason = `${url}: ${which} matched nothing: the page no longer matches the rules`;
      problems.push(reason);
      pageWrites.push(
        recordUpstreamPageStatement(
          source.id,
          { url, etag: got.etag, lastModified: got.lastModified, status: "unmatched", error: reason },
          deps.now,
        ),
      );
      continue;
    }
    items.push({
      guid: url, // the address the list links to: stable across edits
      link: url,
      title,
      content: body,
      contentIsText: false,
      summary: null,
      published: pageDate(v.date?.[0], rules),
      updated: null,
      authors: v.author?.[0] ? [v.author[0]] : [],
      categories: [],
      image: v.image?.[0] ? httpLink(v.image[0], got.url) : null,
    });
    pageWrites.push(
      recordUpstreamPageStatement(
        source.id,
        { url, etag: got.etag, lastModified: got.lastModified, status: "ok", error: null },
        deps.now,
      ),
    );
  }
  const { headers } = first;
  const complete = fresh.length <= budget && !retryLater;
  return {
    items,
    base: listUrl,
    pageWrites,
    problems,
    etag: complete ? (headers.get("etag") ?? (first.kind === "not-modified" ? source.state.etag : null)) : null,
    lastModified: complete
      ? (headers.get("last-modified") ?? (first.kind === "not-modified" ? source.state.lastModified : null))
      : null,
    unchanged: !changed,
    complete,
    headers,
    encoding,
  };
}
