// Text helpers every ingest path shares: plain text from HTML, CJK-aware summaries, XML-safe text (pure).
import { decodeHTML } from "entities/decode";
import type { ArticleInput } from "../core/model";
import { sha256Hex } from "../core/ids";
import { zoneOffset } from "../core/time";
import { parseFeedDate } from "./dates";
import type { ParsedItem } from "./parse";
import { sanitizeHtml } from "./sanitize";
import { FilterXSS } from "./xss";

// XML 1.0 §2.2 Char: anything outside it can never appear in a feed, so it never enters storage
// either: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, and unpaired surrogates. Over UTF-16 code
// units with a quick test first: most text has none of these, and this runs over every body.
const MAYBE_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripXmlInvalid(text: string): string {
  return MAYBE_INVALID.test(text) ? text.replace(XML_INVALID, "") : text;
}

const textOnly = new FilterXSS({
  whiteList: {},
  stripIgnoreTag: true,
  stripIgnoreTagBody: ["script", "style", "template", "noscript"],
});

/** Visible text of an HTML fragment, whitespace collapsed. */
export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<\/(p|div|li|h[1-6]|blockquote|tr)>|<br\s*\/?>/gi, "$& ");
  return decodeHTML(textOnly.process(withBreaks)).replace(/\s+/g, " ").trim();
}

// Chinese sentences end in full-width punctuation; cut there rather than mid-phrase.
const SENTENCE_END = /[。！？；!?;…]/u;

/** A summary of at most `max` characters (code points), ending on a sentence when one fits. */
export function summarize(text: string, max = 120): string {
  const chars = Array.from(text.trim());
  if (chars.length <= max) return chars.join("");
  const head = chars.slice(0, max);
  for (let i = head.length - 1; i >= max / 2; i--) {
    if (SENTENCE_END.test(head[i]!)) return head.slice(0, i + 1).join("");
  }
  return `${head.slice(0, max - 1).join("")}…`;
}

// --- upstream items → ArticleInput -------------------------------------------------------

export interface NormalizeContext {
  readonly source: { readonly slug: string; readonly label: string; readonly timezone: string };
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

function absoluteHttpUrl(raw: string | null, base: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One parsed item → the normalized article; null when it has nothing a reader could read. */
export async function normalizeItem(item: ParsedItem, ctx: NormalizeContext): Promise<ArticleInput | null> {
  const { source, base } = ctx;
  const link = absoluteHttpUrl(item.link, base);
  const rawContent = item.content ?? item.summary ?? "";
  const contentHtml = sanitizeHtml(
    stripXmlInvalid(item.contentIsText ? rawContent.split(/\n{2,}/).map((p) => `<p>${escapeText(p)}</p>`).join("") : rawContent),
    ctx.xmlBase ?? link ?? base,
  );
  const text = htmlToText(contentHtml);
  // Titles are text, but many feeds put entities or markup in them.
  let title = htmlToText(stripXmlInvalid(item.title ?? "")).slice(0, MAX_TITLE_LENGTH);
  if (!title) title = summarize(text, 30);
  if (!title) return null;

  const published = parseFeedDate(item.published, source.timezone) ?? parseFeedDate(item.updated, source.timezone);
  const updated = parseFeedDate(item.updated, source.timezone) ?? published;
  const firstSeen = { ms: ctx.now, offset: zoneOffset(source.timezone, ctx.now) ?? 0 };

  // Identity: guid, else link, else a hash of title + date — never anything that changes when
  // the item is merely edited, so the permalink stays.
  const guid = item.guid?.trim() || link || `hash:${(await sha256Hex(`${title}\n${item.published ?? ""}`)).slice(0, 32)}`;

  const summarySource = item.summary && item.content ? htmlToText(stripXmlInvalid(item.summary)) : text;
  const image = absoluteHttpUrl(item.image, base) ?? /<img [^>]*src="([^"]+)"/.exec(contentHtml)?.[1]?.replace(/&amp;/g, "&") ?? null;
  const tags = [source.label, ...item.categories.map((c) => htmlToText(stripXmlInvalid(c)).slice(0, MAX_TAG_LENGTH))]
    .filter((t) => t.length > 0)
    .filter((t, i, all) => all.indexOf(t) === i)
    .slice(0, MAX_TAGS);
  const author = item.authors.map((a) => htmlToText(stripXmlInvalid(a))).filter(Boolean).join("、") || null;

  return {
    guid: stripXmlInvalid(guid).slice(0, 1000),
    originalUrl: link,
    title,
    summary: summarize(summarySource),
    contentHtml,
    published: published ?? firstSeen,
    updated: updated ?? published ?? firstSeen,
    author,
    image,
    tags,
    undated: published === null,
  };
}
