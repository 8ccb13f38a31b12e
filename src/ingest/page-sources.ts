// Sources without a (full) feed, read by their rules into the same ParsedItems a feed yields, so
// normalize → sanitize → store treat them alike: web pages (a list page → article pages), an
// app's JSON API, and the item pages of summary-only feeds (full text).
import type { SourceWithState } from "../core/model";
import { normalizeHostname } from "../core/outbound";
import { toRfc3339, zoneOffset } from "../core/time";
import { readKnownHashes } from "../db/articles";
import { type PageState, getPages, listRecentPages, recordPageStatement } from "../db/pages";
import type { SqlRunner, Stmt } from "../db/sql";
import { decodeHtmlBytes } from "./decode";
import { extractFromHtml } from "./extract-html";
import { type FetchLimits, fetchUpstream } from "./fetch-upstream";
import { robotsVerdict } from "./manners";
import type { ParsedItem } from "./parse";
import { RefreshError } from "./refresh-error";
import { type FullTextRules, type HtmlRules, type JsonRules, applyDateFormat, atPath } from "./rules";

export interface PageDeps {
  readonly db: SqlRunner;
  /** Already polite (manners.ts). */
  readonly fetch: typeof fetch;
  readonly limits: FetchLimits;
  readonly now: number;
}

/** Pages one refresh fetches besides the source's own URL; the rest wait for the next run. */
export const PAGE_FETCHES_PER_REFRESH = 20;
/** Known article pages are revisited (conditional GET) while this young, to catch edits. */
const REVISIT_WITHIN_MS = 2 * 86_400_000;
const REVISITS_PER_REFRESH = 5;
/** A page that fails this often (network, 5xx) is given up; one the rules do not match is
 *  reported and not fetched again until the rules change. */
const MAX_PAGE_ATTEMPTS = 3;

export interface Gathered {
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
}

type PageResult =
  | { kind: "ok"; url: string; html: string; etag: string | null; lastModified: string | null }
  | { kind: "not-modified" }
  /** `transient`: not the page's fault (its site's robots.txt did not answer): try again later
   *  without counting an attempt. */
  | { kind: "error"; reason: string; transient?: boolean };

async function fetchPage(
  deps: PageDeps,
  url: string,
  known: Pick<PageState, "etag" | "lastModified"> | null,
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
function onAllowedHost(url: string, own: string, hosts: readonly string[]): boolean {
  const host = normalizeHostname(new URL(url).hostname);
  return host === normalizeHostname(new URL(own).hostname) || hosts.includes(host);
}

const httpLink = (raw: string, base: string): string | null => {
  try {
    const u = new URL(raw.trim(), base);
    u.hash = "";
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
};

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
export async function gatherHtml(deps: PageDeps, source: SourceWithState, rules: HtmlRules): Promise<Gathered> {
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
  if (first.kind === "ok") {
    let page: { url: string; html: string } | null = {
      url: first.url,
      html: decodeHtmlBytes(first.bytes, first.headers.get("content-type")).text,
    };
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

  const known = await getPages(deps.db, source.id, links);
  const fresh = links.filter((l) => {
    const k = known.get(l);
    return !k || (k.status === "error" && k.attempts < MAX_PAGE_ATTEMPTS);
  });
  const visits: { url: string; known: PageState | null }[] = fresh
    .slice(0, budget)
    .map((url) => ({ url, known: known.get(url) ?? null }));
  const revisits = await listRecentPages(deps.db, source.id, deps.now - REVISIT_WITHIN_MS, REVISITS_PER_REFRESH);
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
        recordPageStatement(source.id, { url, etag: null, lastModified: null, status: "ok", error: null }, deps.now),
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
        recordPageStatement(
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
        recordPageStatement(
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
      recordPageStatement(
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
  };
}

const text = (v: unknown): string | null =>
  typeof v === "string" ? v.trim() || null : typeof v === "number" ? String(v) : null;

/** A JSON date: epoch seconds or milliseconds (number or digits) → RFC 3339 in the source's
 *  zone (an epoch has no zone of its own); else the string as written. */
function jsonDate(v: unknown, timeZone: string): string | null {
  const t = text(v);
  if (t === null) return null;
  if (!/^\d{10}(\d{3})?$/.test(t)) return t;
  const ms = Number(t) * (t.length === 10 ? 1000 : 1);
  return toRfc3339({ ms, offset: zoneOffset(timeZone, ms) ?? 0 });
}

/** A `json` source's document → items, by its field mapping. */
export function itemsFromJson(doc: unknown, rules: JsonRules, timeZone: string): ParsedItem[] {
  const list = atPath(doc, rules.items);
  if (!Array.isArray(list))
    throw new RefreshError(
      `rules.items "${rules.items}" is not an array in the API's answer: the API no longer matches the rules`,
    );
  return list.map((item): ParsedItem => {
    const field = (path: string | null) => (path === null ? null : text(atPath(item, path)));
    const body = field(rules.body);
    return {
      guid: field(rules.id),
      link: field(rules.link),
      title: field(rules.title),
      content: body ?? field(rules.summary),
      contentIsText: false,
      summary: body ? field(rules.summary) : null,
      published: rules.date === null ? null : jsonDate(atPath(item, rules.date), timeZone),
      updated: null,
      authors: field(rules.author) ? [field(rules.author)!] : [],
      categories: [],
      image: field(rules.image),
    };
  });
}

export function parseJsonDocument(textBody: string): unknown {
  try {
    return JSON.parse(textBody);
  } catch (e) {
    throw new RefreshError(`the API's answer is not JSON (${(e as Error).message.slice(0, 100)})`);
  }
}

/** Summary-only feed items → full text from each item's own page, fetched once per item.
 *  Items already stored are left out (their full text is stored); a new item's page is fetched
 *  (once per URL in a run), and the item stored with the page's body; items past this run's
 *  budget, or whose page failed and has tries left, wait for the next run; a page that cannot be
 *  read leaves the item with the feed's own text (nothing is lost). */
export async function addFullText(
  deps: PageDeps,
  source: SourceWithState,
  rules: FullTextRules,
  items: readonly ParsedItem[],
  base: string,
) {
  const linked = items.map((item) => {
    const link = item.link ? httpLink(item.link, base) : null;
    // A page on another host is not read: the item keeps the feed's own text.
    const url = link && source.feedUrl && onAllowedHost(link, source.feedUrl, rules.hosts) ? link : null;
    // The identity normalize.ts will give it (guid, else link); items without either are new.
    return { item, url, identity: item.guid?.trim() || link };
  });
  const identities = linked.flatMap((l) => (l.identity ? [l.identity] : []));
  const stored = await readKnownHashes(deps.db, new Map([[source.slug, identities]])); // keys "slug\nguid"
  const pages = await getPages(
    deps.db,
    source.id,
    linked.flatMap((l) => (l.url ? [l.url] : [])),
  );
  const out: ParsedItem[] = [];
  const pageWrites: Stmt[] = [];
  const problems: string[] = [];
  const bodies = new Map<string, string | null>(); // this run's reads, by URL
  let budget = PAGE_FETCHES_PER_REFRESH;
  // Items left for a later run: while there are any, the feed must be processed again even if
  // its bytes do not change.
  let pending = 0;
  for (const { item, url, identity } of linked) {
    if (identity && stored.has(`${source.slug}\n${identity}`)) continue; // stored already, with its full text
    const known = url ? pages.get(url) : undefined;
    if (!url || known?.status === "unmatched" || (known?.status === "error" && known.attempts >= MAX_PAGE_ATTEMPTS)) {
      out.push(item); // no page to read, or it never yields a body: the feed's text it is
      continue;
    }
    if (!bodies.has(url)) {
      if (budget-- <= 0) {
        pending++;
        continue;
      }
      const got = await fetchPage(deps, url, null);
      if (got.kind !== "ok") {
        const reason = got.kind === "error" ? got.reason : `${url}: not modified on a first visit`;
        problems.push(reason);
        if (got.kind === "error" && got.transient) {
          pending++;
          continue;
        }
        pageWrites.push(
          recordPageStatement(
            source.id,
            { url, etag: null, lastModified: null, status: "error", error: reason },
            deps.now,
          ),
        );
        if ((known?.attempts ?? 0) + 1 >= MAX_PAGE_ATTEMPTS)
          out.push(item); // give up: keep the feed's text
        else pending++;
        continue;
      }
      const body =
        (await extractFromHtml(got.html, { body: { pick: rules.body, html: true } })).body?.[0]?.trim() || null;
      if (body)
        pageWrites.push(
          recordPageStatement(
            source.id,
            { url, etag: got.etag, lastModified: got.lastModified, status: "ok", error: null },
            deps.now,
          ),
        );
      else {
        const reason = `${url}: rules.full_text.body "${rules.body.selector}" matched nothing: the page no longer matches the rules`;
        pageWrites.push(
          recordPageStatement(
            source.id,
            { url, etag: got.etag, lastModified: got.lastModified, status: "unmatched", error: reason },
            deps.now,
          ),
        );
        problems.push(reason);
      }
      bodies.set(url, body);
    }
    const body = bodies.get(url);
    out.push(body ? { ...item, content: body, contentIsText: false, summary: item.summary ?? item.content } : item);
  }
  return { items: out, pageWrites, problems, pending };
}
