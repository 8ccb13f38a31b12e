// Text → ParsedFeed through `feedsmith` (RSS 0.9x/2.0, RDF, Atom 0.3/1.0, JSON Feed 1.0/1.1),
// mapped onto one shape (pure). feedsmith expands no DTD entities (no bombs, no external
// entities) and returns dates as the raw strings the feed wrote, which dates.ts then reads.
import { parseFeed as parseWithFeedsmith } from "feedsmith";
import { type Enclosure, atomEnclosures, jsonEnclosures, rssEnclosures } from "./enclosures";
import { rewriteUncommonForms } from "./feed-forms";
import { atomDates, rssDates } from "./item-dates";
import { type Obj, arr, obj, str, strs } from "./feed-values";

export type { Enclosure };

export interface ParsedItem {
  readonly guid: string | null;
  /** RSS: the guid is the item's address (isPermaLink absent or not "false"). */
  readonly guidIsPermaLink?: boolean;
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
  /** Media of every type (RSS enclosure, Media RSS content, Atom rel="enclosure", JSON attachments). */
  readonly enclosures?: readonly Enclosure[];
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

function rssItem(i: Obj): ParsedItem {
  const guid = obj(i.guid);
  const enclosure = arr(i.enclosures ?? i.enclosure)
    .map(obj)
    .find((e) => e && /^image\//.test(String(e.type ?? "")));
  const encoded = str(obj(i.content)?.encoded);
  const dc = obj(i.dc);
  // No description: Media RSS's description (of the item, else of its first group) stands in.
  const media = obj(i.media);
  const description =
    str(i.description) ??
    str(obj(media?.description)) ??
    arr(media?.groups)
      .map((g) => str(obj(obj(g)?.description)))
      .find((d) => d !== null) ??
    null;
  const mediaText = str(i.description) === null && description !== null;
  return {
    guid: str(guid?.value ?? i.guid) ?? str(obj(i.rdf)?.about),
    guidIsPermaLink: guid !== null && guid.isPermaLink !== false,
    link: str(i.link),
    title: str(i.title) ?? str(arr(dc?.titles)[0]),
    content: encoded ?? description,
    contentIsText: encoded === null && mediaText,
    summary: encoded ? description : null,
    ...rssDates(i),
    authors: [...strs(i.authors), ...strs(dc?.creators)],
    categories: strs(i.categories).concat(strs(dc?.subjects)),
    image: str(enclosure?.url),
    enclosures: rssEnclosures(i),
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
    guidIsPermaLink: false,
    link: str(alternate?.href),
    title: str(e.title),
    content: str(content),
    contentIsText: type === "text" || type === "text/plain",
    summary: str(e.summary),
    ...atomDates(e),
    authors: strs(e.authors),
    categories: arr(e.categories)
      .map((c) => str(obj(c)?.label) ?? str(obj(c)?.term))
      .filter((x): x is string => x !== null),
    image: str(enclosure?.href),
    enclosures: atomEnclosures(links),
  };
}

function jsonItem(i: Obj): ParsedItem {
  const html = str(i.content_html);
  return {
    guid: str(i.id),
    guidIsPermaLink: false,
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
    enclosures: jsonEnclosures(i),
  };
}

/** Parse a decoded feed. Throws FeedParseError with a reader-facing reason. */
export function parseFeedText(text: string): ParsedFeed {
  const trimmed = text.trimStart();
  let input: string | object = trimmed.startsWith("{") ? text : rewriteUncommonForms(text);
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
    base:
      format === "atom"
        ? (/<feed\b[^>]*?\sxml:base\s*=\s*["']([^"']+)["']/.exec(text)?.[1] ?? null)
        : format === "rss"
          ? // xml:base on <rss> (or <channel>): feedsmith reads it as the feed's `xml.base`.
            (str(obj(feed.xml)?.base) ??
            /<(?:rss|channel)\b[^>]*?\sxml:base\s*=\s*["']([^"']+)["']/.exec(text)?.[1] ??
            null)
          : null,
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    items: items.slice(0, MAX_ITEMS),
  };
}
