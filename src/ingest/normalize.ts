// Upstream items → the normalized article (pure). The text helpers live in core/text.ts.
import type { ArticleInput } from "../core/model";
import { sha256Hex } from "../core/ids";
import { redactUrl } from "../core/redact";
import { instantIn } from "../core/time";
import { parseFeedDate } from "./dates";
import type { ParsedItem } from "./parse";
import { mediaInHtml, normalizeEnclosures } from "./enclosures";
import { titleFromSourceAndTime, titleFromText } from "../core/derived-title";
import { sanitizeHtml } from "./sanitize";
import { htmlToText, plainLabel, sanitizedHtmlToText, stripXmlInvalid, summarize } from "../core/text";
import { parseHttpUrl } from "../core/urls";
import { escapeText } from "../core/escape";

export { htmlToText, stripXmlInvalid, summarize };

// --- upstream items → ArticleInput -------------------------------------------------------

export interface NormalizeContext {
  readonly source: { readonly slug: string; readonly label: string; readonly timezone: string; readonly name?: string };
  /** What relative links resolve against: the feed's xml:base, else its link, else its URL. */
  readonly base: string;
  /** xml:base, when the feed declares one: relative URLs inside content resolve against it
   *  (RFC 4287 §2); without it they resolve against the item's own link. */
  readonly xmlBase?: string | null;
  readonly now: number;
}

const MAX_TAGS = 10;
const MAX_TAG_LENGTH = 40;
const MAX_TITLE_LENGTH = 500;

const absoluteHttpUrl = (raw: string | null, base: string): string | null =>
  raw ? (parseHttpUrl(raw.trim(), base)?.href ?? null) : null;

/** The title from the item's own title; empty when it has none (normalizeItem then takes one
 *  from the body, which needs sanitizing). */
const titleOf = (item: ParsedItem) =>
  plainLabel(htmlToText(stripXmlInvalid(item.title ?? ""))).slice(0, MAX_TITLE_LENGTH);

// Identity: guid, else link, else a hash of title + date — never anything that changes when
// the item is merely edited, so the permalink stays. `title` is only read for the hash.
async function identityOf(item: ParsedItem, link: string | null, title: () => string): Promise<string> {
  const guid =
    item.guid?.trim() || link || `hash:${(await sha256Hex(`${title()}\n${item.published ?? ""}`)).slice(0, 32)}`;
  return stripXmlInvalid(guid).slice(0, 1000);
}

/** The identity normalizeItem gives the item (its `guid`), without sanitizing anything; null
 *  when it would be a hash of a title taken from the body (no guid, link or title). */
export async function itemIdentity(item: ParsedItem, base: string): Promise<string | null> {
  const link = linkOf(item, base);
  if (item.guid?.trim() || link) return identityOf(item, link, () => "");
  const title = titleOf(item);
  return title ? identityOf(item, null, () => title) : null;
}

/** The item's address: its link, else its guid when that is a permalink (RSS isPermaLink absent
 *  or not "false") written as an absolute http(s) URL (parsed with no base: a relative guid is
 *  an id, not an address). itemIdentity and normalizeItem both ask it, so full text and the
 *  refresh agree on an item's identity. */
function linkOf(item: ParsedItem, base: string): string | null {
  const link = absoluteHttpUrl(item.link, base);
  if (link || !item.guidIsPermaLink || !item.guid) return link;
  return parseHttpUrl(item.guid.trim())?.href ?? null;
}

/** One parsed item → the normalized article; null when it has nothing a reader could use: no
 *  text, no image, no media and no link (the refresh counts it as empty). */
export async function normalizeItem(item: ParsedItem, ctx: NormalizeContext): Promise<ArticleInput | null> {
  const { source } = ctx;
  // What readers see never carries the source's credentials: a link resolved against a list
  // page at http://user:pw@host/ would inherit them (core/redact.ts). The identity keeps the
  // link as fetched.
  const base = redactUrl(ctx.base);
  const fetchedLink = linkOf(item, ctx.base);
  const link = fetchedLink && redactUrl(fetchedLink);
  const rawContent = item.content ?? item.summary ?? "";
  const contentHtml = sanitizeHtml(
    stripXmlInvalid(
      item.contentIsText
        ? rawContent
            .split(/\n{2,}/)
            .map((p) => `<p>${escapeText(p)}</p>`)
            .join("")
        : rawContent,
    ),
    ctx.xmlBase ? redactUrl(ctx.xmlBase) : (link ?? base),
  );
  const text = sanitizedHtmlToText(contentHtml);
  // Titles are text, but many feeds put entities or markup in them.
  const givenTitle = titleOf(item);
  const foundImage =
    absoluteHttpUrl(item.image, base) ?? /<img [^>]*src="([^"]+)"/.exec(contentHtml)?.[1]?.replace(/&amp;/g, "&");
  const image = foundImage ? redactUrl(foundImage) : null;
  const enclosures = normalizeEnclosures(
    [...(item.enclosures ?? []), ...(item.contentIsText ? [] : mediaInHtml(rawContent))],
    ctx.xmlBase ? redactUrl(ctx.xmlBase) : (link ?? base),
  );
  if (!givenTitle && !text && !image && enclosures.length === 0 && !link) return null;

  const updated = parseFeedDate(item.updated, source.timezone);
  const published = parseFeedDate(item.published, source.timezone) ?? updated;
  // An undated item is published when first seen: only it needs the zone's offset now.
  const publishedOrSeen = published ?? instantIn(source.timezone, ctx.now);

  // An untitled item's identity (when it has no guid or link) hashes what it carries, never the
  // derived title: that may name the time it was first seen, which is not the item's own.
  const guid = await identityOf(
    item,
    fetchedLink,
    () => givenTitle || summarize(text, 30) || enclosures[0]?.url || image || "",
  );
  const title =
    givenTitle ||
    plainLabel(titleFromText(text)) ||
    titleFromSourceAndTime(source.name ?? source.label, publishedOrSeen, source.timezone);

  const summarySource = item.summary && item.content ? htmlToText(stripXmlInvalid(item.summary)) : text;
  const tags = [
    source.label,
    ...item.categories.map((c) => plainLabel(htmlToText(stripXmlInvalid(c))).slice(0, MAX_TAG_LENGTH)),
  ]
    .filter((t) => t.length > 0)
    .filter((t, i, all) => all.indexOf(t) === i)
    .slice(0, MAX_TAGS);
  const author =
    item.authors
      .map((a) => plainLabel(htmlToText(stripXmlInvalid(a))))
      .filter(Boolean)
      .join("、") || null;

  return {
    guid,
    originalUrl: link,
    title,
    summary: summarize(summarySource),
    contentHtml,
    published: publishedOrSeen,
    updated: updated ?? publishedOrSeen,
    author,
    image,
    tags,
    undated: published === null,
    plainText: text,
    ...(givenTitle ? {} : { titleDerived: true }),
    ...(enclosures.length ? { enclosures } : {}),
  };
}
