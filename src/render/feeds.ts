// FeedDocument → RSS 2.0 and Atom 1.0 (through the `feed` package) and JSON Feed 1.1 (pure).
//
// feed@6 faults this module keeps away from readers, each fixed at its input, not by patching
// its output:
// - it writes dates with toISOString()/toUTCString(), i.e. always UTC: items get a Date whose
//   string forms carry the source's own offset (OffsetDate);
// - xml-js splits only the *first* "]]>" of a CDATA section ("]]]]><![CDATA[>"), leaving any
//   later one to end the section early: cdataSafe() splits every later one itself, so that with
//   xml-js's one replacement all of them are split and the text survives exactly (a unit test
//   pins this down, so a fixed xml-js cannot silently double-split);
// - Atom attribute values get "&" escaped but not "<" (malformed XML): "<" travels as a
//   placeholder (U+FFFE, which stripXmlInvalid guarantees is absent from data) and becomes "&lt;";
// - json1() writes JSON Feed 1.0, so JSON Feed 1.1 is written here, by hand.
import { Feed, type Item } from "feed";
import type { Article, FeedDocument, Instant } from "../core/model";
import { toRfc3339, toRfc822 } from "../core/time";
import { articlePath } from "../core/urls";
import { stripXmlInvalid } from "../ingest/normalize";

export const FEED_STYLESHEET_PATH = "/assets/feed.xsl";
const GENERATOR = "edge-news";

/** A Date that prints itself in the source's offset wherever `feed` formats it. */
class OffsetDate extends Date {
  constructor(private readonly instant: Instant) {
    super(instant.ms);
  }
  override toISOString(): string {
    return toRfc3339(this.instant);
  }
  override toUTCString(): string {
    return toRfc822(this.instant);
  }
}

const LT_PLACEHOLDER = "\uFFFE";

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Text that will sit inside a CDATA section written by xml-js (see the header comment). */
function cdataSafe(text: string): string {
  let seen = false;
  return stripXmlInvalid(text).replace(/\]\]>/g, (m) => {
    if (!seen) {
      seen = true;
      return m; // xml-js splits this one
    }
    return "]]]]><![CDATA[>";
  });
}
const clean = (s: string) => stripXmlInvalid(s);

/** Root-relative src/href in a stored body (our sanitizer writes them as `attr="/…"`) → absolute. */
export function absolutizeHtml(html: string, baseUrl: string): string {
  return html.replace(/ (src|href|cite)="\/(?!\/)/g, ` $1="${baseUrl}/`);
}

function absolute(doc: FeedDocument, url: string): string {
  return url.startsWith("/") && !url.startsWith("//") ? `${doc.baseUrl}${url}` : url;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp", avif: "image/avif", svg: "image/svg+xml",
};

function imageType(url: string): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return ext ? (IMAGE_TYPES[ext] ?? null) : null;
}

function permalink(doc: FeedDocument, a: Article): string {
  return `${doc.baseUrl}${articlePath(a)}`;
}

function body(doc: FeedDocument, a: Article): string {
  return absolutizeHtml(a.contentHtml || `<p>${escapeHtml(a.summary || a.title)}</p>`, doc.baseUrl);
}

function enclosure(doc: FeedDocument, a: Article): Item["enclosure"] {
  if (!a.image) return undefined;
  const url = absolute(doc, a.image);
  const type = imageType(url);
  return type ? { url, type, length: 0 } : undefined;
}

function newFeed(doc: FeedDocument, selfKey: "atom" | "rss"): Feed {
  return new Feed({
    id: doc.selfUrl,
    title: clean(doc.title),
    description: clean(doc.description),
    link: doc.homePageUrl,
    language: doc.language,
    ttl: doc.ttlMinutes,
    updated: new OffsetDate(doc.updated),
    generator: GENERATOR,
    stylesheet: FEED_STYLESHEET_PATH,
    feedLinks: { [selfKey]: doc.selfUrl },
  });
}

export function renderRss(doc: FeedDocument): string {
  const feed = newFeed(doc, "rss");
  for (const a of doc.items) {
    feed.addItem({
      title: cdataSafe(a.title),
      link: permalink(doc, a), // no id/guid given: feed writes <guid isPermaLink="true">
      date: new OffsetDate(a.updated),
      published: new OffsetDate(a.published),
      description: a.summary ? cdataSafe(escapeHtml(a.summary)) : undefined,
      content: cdataSafe(body(doc, a)),
      category: a.tags.map((t) => ({ name: clean(t) })),
      enclosure: enclosure(doc, a),
      extensions: [{ name: "dc:creator", objects: { _text: clean(a.author ?? a.source.name) } }],
    });
  }
  return feed.rss2();
}

export function renderAtom(doc: FeedDocument): string {
  const feed = newFeed(doc, "atom");
  for (const a of doc.items) {
    feed.addItem({
      // type="html": the title is HTML, so plain text is escaped once for it.
      title: cdataSafe(escapeHtml(a.title)),
      link: permalink(doc, a),
      date: new OffsetDate(a.updated),
      published: new OffsetDate(a.published),
      description: a.summary ? cdataSafe(escapeHtml(a.summary)) : undefined,
      content: cdataSafe(body(doc, a)),
      author: [{ name: clean(a.author ?? a.source.name) }],
      category: a.tags.map((t) => {
        const term = clean(t).replace(/</g, LT_PLACEHOLDER);
        return { term, name: term };
      }),
      enclosure: enclosure(doc, a),
    });
  }
  return feed
    .atom1()
    .replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${doc.language}">`)
    .replaceAll(LT_PLACEHOLDER, "&lt;");
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function renderJsonFeed(doc: FeedDocument): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: doc.title,
    home_page_url: doc.homePageUrl,
    feed_url: doc.selfUrl,
    description: doc.description,
    language: doc.language,
    items: doc.items.map((a) => ({
      id: permalink(doc, a),
      url: permalink(doc, a),
      external_url: a.originalUrl ?? undefined,
      title: a.title,
      content_html: body(doc, a),
      summary: a.summary || undefined,
      image: a.image ? absolute(doc, a.image) : undefined,
      date_published: toRfc3339(a.published),
      date_modified: toRfc3339(a.updated),
      authors: [{ name: a.author ?? a.source.name }],
      tags: a.tags.length ? a.tags : undefined,
      language: doc.language,
    })),
  });
}
