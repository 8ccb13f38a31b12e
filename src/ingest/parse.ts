// Text → ParsedFeed through `feedsmith` (RSS 0.9x/2.0, RDF, Atom 0.3/1.0, JSON Feed 1.0/1.1),
// mapped onto one shape (pure). feedsmith expands no DTD entities (no bombs, no external
// entities) and returns dates as the raw strings the feed wrote, which dates.ts then reads.
import { parseFeed as parseWithFeedsmith } from "feedsmith";

export interface ParsedItem {
  readonly guid: string | null;
  readonly link: string | null;
  readonly title: string | null;
  /** HTML unless `contentIsText`. */
  readonly content: string | null;
  readonly contentIsText: boolean;
  readonly summary: string | null;
  readonly published: string | null;
  readonly updated: string | null;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  readonly image: string | null;
}

export interface ParsedFeed {
  readonly format: "rss" | "atom" | "rdf" | "json";
  readonly title: string | null;
  readonly link: string | null;
  /** xml:base of the feed element, when given. */
  readonly base: string | null;
  readonly ttlMinutes: number | null;
  readonly items: readonly ParsedItem[];
}

export class FeedParseError extends Error {}

/** Feeds bigger than this are cut to their newest-first head (a feed is not an archive). */
export const MAX_ITEMS = 200;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
function str(v: unknown): string | null {
  if (typeof v === "string") return v.trim() || null;
  if (typeof v === "number") return String(v);
  const o = obj(v);
  if (o && "value" in o) return str(o.value);
  return null;
}
const strs = (v: unknown) =>
  arr(v)
    .map((x) => str(x) ?? str(obj(x)?.name) ?? str(obj(x)?.term))
    .filter((x): x is string => x !== null);

function rssItem(i: Obj): ParsedItem {
  const guid = obj(i.guid);
  const enclosure = arr(i.enclosures ?? i.enclosure)
    .map(obj)
    .find((e) => e && /^image\//.test(String(e.type ?? "")));
  const encoded = str(obj(i.content)?.encoded);
  const dc = obj(i.dc);
  return {
    guid: str(guid?.value ?? i.guid) ?? str(obj(i.rdf)?.about),
    link: str(i.link),
    title: str(i.title) ?? str(arr(dc?.titles)[0]),
    content: encoded ?? str(i.description),
    contentIsText: false,
    summary: encoded ? str(i.description) : null,
    published: str(i.pubDate) ?? str(arr(dc?.dates)[0]),
    updated: null,
    authors: [...strs(i.authors), ...strs(dc?.creators)],
    categories: strs(i.categories).concat(strs(dc?.subjects)),
    image: str(enclosure?.url),
  };
}

function atomItem(e: Obj): ParsedItem {
  const links = arr(e.links)
    .map(obj)
    .filter((l): l is Obj => l !== null);
  const alternate = links.find((l) => !l.rel || l.rel === "alternate") ?? null;
  const enclosure = links.find((l) => l.rel === "enclosure" && /^image\//.test(String(l.type ?? "")));
  const content = obj(e.content);
  const type = String(content?.type ?? "html");
  return {
    guid: str(e.id),
    link: str(alternate?.href),
    title: str(e.title),
    content: str(content),
    contentIsText: type === "text" || type === "text/plain",
    summary: str(e.summary),
    published: str(e.published) ?? str(e.issued) ?? str(e.created),
    updated: str(e.updated) ?? str(e.modified),
    authors: strs(e.authors),
    categories: arr(e.categories)
      .map((c) => str(obj(c)?.label) ?? str(obj(c)?.term))
      .filter((x): x is string => x !== null),
    image: str(enclosure?.href),
  };
}

function jsonItem(i: Obj): ParsedItem {
  const html = str(i.content_html);
  return {
    guid: str(i.id),
    link: str(i.url) ?? str(i.external_url),
    title: str(i.title),
    content: html ?? str(i.content_text),
    contentIsText: html === null,
    summary: str(i.summary),
    published: str(i.date_published),
    updated: str(i.date_modified),
    authors: strs(i.authors ?? i.author),
    categories: strs(i.tags),
    image: str(i.image) ?? str(i.banner_image),
  };
}

/** Parse a decoded feed. Throws FeedParseError with a reader-facing reason. */
export function parseFeedText(text: string): ParsedFeed {
  const trimmed = text.trimStart();
  let input: string | object = text;
  if (trimmed.startsWith("{")) {
    try {
      input = JSON.parse(trimmed) as object;
    } catch {
      throw new FeedParseError("not a feed: invalid JSON");
    }
  } else if (/^(<!--[\s\S]*?-->\s*)*<!DOCTYPE html|^(<!--[\s\S]*?-->\s*)*<html[\s>]/i.test(trimmed)) {
    throw new FeedParseError("not a feed: the URL returned an HTML page");
  }
  let result: { format: string; feed: unknown };
  try {
    result = parseWithFeedsmith(input as string) as { format: string; feed: unknown };
  } catch (e) {
    throw new FeedParseError(`not a feed: ${(e as Error).message}`);
  }
  const feed = obj(result.feed) ?? {};
  const format = result.format as ParsedFeed["format"];
  let items: ParsedItem[];
  let link: string | null;
  if (format === "atom") {
    items = arr(feed.entries)
      .map(obj)
      .filter((e): e is Obj => e !== null)
      .map(atomItem);
    const links = arr(feed.links).map(obj);
    link = str(links.find((l) => l && (!l.rel || l.rel === "alternate"))?.href);
  } else if (format === "json") {
    items = arr(feed.items)
      .map(obj)
      .filter((e): e is Obj => e !== null)
      .map(jsonItem);
    link = str(feed.home_page_url);
  } else {
    items = arr(feed.items)
      .map(obj)
      .filter((e): e is Obj => e !== null)
      .map(rssItem);
    link = str(feed.link);
  }
  const ttl = Number(str(feed.ttl) ?? NaN);
  return {
    format,
    title: str(feed.title),
    link,
    base: format === "atom" ? (/<feed\b[^>]*?\sxml:base\s*=\s*["']([^"']+)["']/.exec(text)?.[1] ?? null) : null,
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    items: items.slice(0, MAX_ITEMS),
  };
}
