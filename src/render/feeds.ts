// FeedDocument → RSS 2.0 and Atom 1.0 (through the `feed` package) and JSON Feed 1.1 (pure).
//
// `feed` builds the document; every untrusted string reaches it only as an opaque token
// (U+FFFE n U+FFFE — U+FFFE can never be in our data, stripXmlInvalid removes it at ingest and
// here), and the tokens are replaced by text we escaped ourselves in one pass over the output.
// That sidesteps feed@6 / xml-js faults instead of patching around each:
// - xml-js splits only the first "]]>" of a CDATA section: we split every one;
// - Atom attribute values get "&" escaped but not "<" (malformed XML): we escape both;
// - xml-js turns a literal "&amp;" in text into "&": our text keeps it;
// - and xml-js no longer walks 5 KB bodies, which was most of the render time.
// Two faults are fixed at the input instead: feed writes dates with toISOString()/toUTCString()
// (always UTC), so items get an OffsetDate that prints the source's own offset; and json1()
// writes JSON Feed 1.0, so JSON Feed 1.1 is written here, by hand.
//
// Each rendered item is kept in isolate memory (item-cache.ts) under a key naming all it is made
// of; a later render gives `feed` only the items it has not seen and puts the kept ones in place.
import { Feed, type Item } from "feed";
import type { Article, FeedDocument, Instant } from "../core/model";
import { toRfc3339, toRfc822 } from "../core/time";
import { articlePath } from "../core/urls";
import { rssTitleText } from "../core/text";
import { stripXmlInvalid } from "../ingest/normalize";
import { type Fragment, ITEM_CACHE_BYTES, ItemCache } from "./item-cache";

export const FEED_STYLESHEET_PATH = "/assets/feed.xsl";
const GENERATOR = "edge-news";

/** A Date that prints itself in the source's offset wherever `feed` formats it. */
class OffsetDate extends Date {
  constructor(private readonly instant: Instant) {
    super(instant.ms);
  }
  /** Only atom1() calls this, and puts the result in as an element's content. A string there costs
   *  xml-js a `for…in` over the string (V8's slow path, ~5 µs each, three per entry); an xml-js
   *  text node writes the same bytes without it. */
  override toISOString(): string {
    return textNode(toRfc3339(this.instant));
  }
  override toUTCString(): string {
    return toRfc822(this.instant);
  }
}

/** An xml-js compact text node, where `feed` types the field as a string (see OffsetDate). */
const textNode = (text: string) => ({ _text: text }) as unknown as string;

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const clean = (s: string) => stripXmlInvalid(s);

const TOKEN = "\uFFFE";

/** Untrusted strings parked outside the XML writer, restored as escaped text afterwards. */
class Parking {
  private readonly values: string[] = [];
  /** For a CDATA section: every "]]>" is split across two sections. */
  cdata(text: string): string {
    return this.park(clean(text).replaceAll("]]>", "]]]]><![CDATA[>"));
  }
  /** For an attribute value or element text: XML-escaped. */
  text(text: string): string {
    return this.park(escapeHtml(clean(text)));
  }
  private park(value: string): string {
    this.values.push(value);
    return `${TOKEN}${this.values.length - 1}${TOKEN}`;
  }
  /** `xml` with every token replaced, appended to `out` as pieces (joined once, by the caller). */
  restore(xml: string, out: string[]): string[] {
    // "a<T>0<T>b<T>1<T>c" splits into text, index, text, index, text.
    const parts = xml.split(TOKEN);
    out.push(parts[0]!);
    for (let i = 1; i < parts.length; i += 2) out.push(this.values[Number(parts[i])]!, parts[i + 1]!);
    return out;
  }
}

/** Root-relative src/href in a stored body (our sanitizer writes them as `attr="/…"`) → absolute. */
export function absolutizeHtml(html: string, baseUrl: string): string {
  if (!html.includes('="/')) return html;
  return html.replace(/ (src|href|cite)="\/(?!\/)/g, ` $1="${baseUrl}/`);
}

function absolute(doc: FeedDocument, url: string): string {
  return url.startsWith("/") && !url.startsWith("//") ? `${doc.baseUrl}${url}` : url;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
};

/** Type of an absolute image URL by its path's extension (a regex: `feed` parses it twice already). */
function imageType(url: string): string | null {
  const ext = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/[^?#]*\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
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
    id: doc.id ?? doc.selfUrl,
    title: clean(doc.title),
    description: clean(doc.description),
    link: doc.homePageUrl,
    language: doc.language,
    ttl: doc.ttlMinutes,
    updated: new OffsetDate(doc.updated),
    generator: GENERATOR,
    stylesheet: FEED_STYLESHEET_PATH,
    feedLinks: { [selfKey]: doc.selfUrl },
    hub: doc.hubUrl,
  });
}

const FH = "http://purl.org/syndication/history/1.0";
const LINK_RELS = [
  ["first", "first"],
  ["next", "next"],
  ["previous", "previous"],
  ["current", "current"],
  ["prevArchive", "prev-archive"],
  ["nextArchive", "next-archive"],
] as const;

/** RFC 5005 links of a document, as [rel, href]. */
function historyLinks(doc: FeedDocument): [string, string][] {
  return LINK_RELS.flatMap(([key, rel]) => (doc.links?.[key] ? [[rel, doc.links[key]!] as [string, string]] : []));
}

/** Where an item came from (RSS <source>, Atom <source>): the source's own feed here. */
const sourceFeedUrl = (doc: FeedDocument, a: Article) => `${doc.baseUrl}/category/${a.source.slug}/rss.xml`;

const rendered = new ItemCache(ITEM_CACHE_BYTES);

/** Forget every rendered item (the benchmark's cold figure; tests). */
export function clearRenderedItems(): void {
  rendered.clear();
}

/** Everything an item's markup is made of. `version` changes exactly when the article does; the
 *  body's length tells a listing read without bodies from one with them. */
function itemKey(format: "rss" | "atom", doc: FeedDocument, a: Article): string {
  const { published: p, updated: u, source: s } = a;
  return `${format}\n${doc.baseUrl}\n${a.id}\n${a.version}\n${a.contentHtml.length}\n${a.pathDate}\n${s.slug}\n${s.name}\n${p.ms} ${p.offset} ${u.ms} ${u.offset}`;
}

/** The first item of every document, dropped after: it marks where items go even when all are
 *  kept ones. RSS declares the content namespaces only when some item has content. */
function placeholder(doc: FeedDocument): Item {
  return {
    title: "",
    link: doc.homePageUrl,
    date: new OffsetDate(doc.updated),
    content: doc.items.length > 0 ? "-" : undefined,
  };
}

/** The markup before, of each, and after the `tag` elements (each with the line break and indent
 *  before it). Only for a document still holding tokens: no upstream text, so found by position. */
function splitItems(xml: string, tag: string): { head: string; items: string[]; tail: string } {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  const items: string[] = [];
  const headEnd = xml.lastIndexOf("\n", xml.indexOf(open));
  let at = headEnd;
  for (let o = xml.indexOf(open, at); o >= 0; o = xml.indexOf(open, at)) {
    const end = xml.indexOf(close, o) + close.length;
    items.push(xml.slice(xml.lastIndexOf("\n", o), end));
    at = end;
  }
  return { head: xml.slice(0, headEnd), items, tail: xml.slice(at) };
}

/** The document: `feed`'s head and tail, and each item either kept or the next one it wrote
 *  (completed by `finish`, restored, and kept). */
function assemble(
  xml: string,
  tag: string,
  doc: FeedDocument,
  keys: string[],
  kept: (Fragment | undefined)[],
  p: Parking,
  finish: (markup: string, a: Article) => string,
): string {
  const { head, items, tail } = splitItems(xml, tag);
  const out = p.restore(head, []);
  let next = 1; // items[0] is the placeholder
  doc.items.forEach((a, i) => {
    let item = kept[i];
    if (item === undefined) {
      item = p.restore(finish(items[next++]!, a), []);
      rendered.set(keys[i]!, item);
    }
    for (const s of item) out.push(s);
  });
  return p.restore(tail, out).join("");
}

export function renderRss(doc: FeedDocument): string {
  const feed = newFeed(doc, "rss");
  const p = new Parking();
  const links = historyLinks(doc);
  if (links.length > 0) {
    // feed writes only self (and hub) as atom:link; the channel extension replaces that list.
    feed.addExtension({
      name: "atom:link",
      objects: [
        { _attributes: { href: doc.selfUrl, rel: "self", type: "application/rss+xml" } },
        ...(doc.hubUrl ? [{ _attributes: { href: doc.hubUrl, rel: "hub" } }] : []),
        ...links.map(([rel, href]) => ({ _attributes: { href, rel } })),
      ] as unknown as Record<string, unknown>, // xml-js writes an array as repeated elements
    });
  }
  if (doc.history) feed.addExtension({ name: `fh:${doc.history}`, objects: {} });
  const keys = doc.items.map((a) => itemKey("rss", doc, a));
  const kept = keys.map((k) => rendered.get(k));
  feed.addItem(placeholder(doc));
  doc.items.forEach((a, i) => {
    if (kept[i] !== undefined) return;
    const published = new OffsetDate(a.published);
    feed.addItem({
      title: p.cdata(rssTitleText(a.title)), // the same visible text as text or as HTML
      link: permalink(doc, a), // no id/guid given: feed writes <guid isPermaLink="true">
      date: published, // RSS has one date: feed writes pubDate from `published` over this one
      published,
      description: a.summary ? p.cdata(escapeHtml(a.summary)) : undefined,
      content: p.cdata(body(doc, a)),
      category: a.tags.map((t) => ({ name: p.text(t) })),
      enclosure: enclosure(doc, a),
    });
  });
  let xml = feed.rss2();
  if (doc.history) xml = xml.replace('<rss version="2.0"', `<rss version="2.0" xmlns:fh="${FH}"`);
  // dc:creator and <source> have no field in feed; given to it as extensions they cost xml-js
  // as much as the rest of the item, so they are written here, last in the item, where xml-js put
  // them, byte for byte as it did.
  return assemble(xml, "item", doc, keys, kept, p, (item, a) => {
    const creator = `<dc:creator>${p.text(a.author ?? a.source.name)}</dc:creator>`;
    const source = `<source url="${escapeHtml(sourceFeedUrl(doc, a))}">${p.text(a.source.name)}</source>`;
    return `${item.slice(0, -"</item>".length)}    ${creator}\n            ${source}\n        </item>`;
  });
}

/** Atom enclosure link, written here: feed@6 derives its type from the URL's extension and ignores
 *  the one given (`image/jpg`, `image/svg` are not media types), and writes length="0". */
function atomEnclosure(doc: FeedDocument, a: Article): string {
  const e = enclosure(doc, a);
  return e ? `    <link rel="enclosure" type="${e.type}" href="${escapeHtml(e.url)}"/>\n    ` : "";
}

export function renderAtom(doc: FeedDocument): string {
  const feed = newFeed(doc, "atom");
  const p = new Parking();
  const keys = doc.items.map((a) => itemKey("atom", doc, a));
  const kept = keys.map((k) => rendered.get(k));
  feed.addItem(placeholder(doc));
  doc.items.forEach((a, i) => {
    if (kept[i] !== undefined) return;
    feed.addItem({
      // type="html": the title is HTML, so plain text is escaped once for it.
      title: p.cdata(escapeHtml(a.title)),
      link: permalink(doc, a),
      date: new OffsetDate(a.updated),
      published: new OffsetDate(a.published),
      description: a.summary ? p.cdata(escapeHtml(a.summary)) : undefined,
      content: p.cdata(body(doc, a)),
      author: [{ name: textNode(p.text(a.author ?? a.source.name)) }], // a text node: see OffsetDate
      category: a.tags.map((t) => ({ term: p.text(t), name: p.text(t) })),
    });
  });
  // Before the tokens are restored the document holds no upstream text, so its markup can be
  // edited by position: RFC 5005 links after the self link, the root's namespaces and language,
  // the enclosure and <source> closing each entry.
  let xml = feed.atom1();
  const extra = historyLinks(doc)
    .map(([rel, href]) => `\n    <link rel="${rel}" href="${escapeHtml(href)}"/>`)
    .join("");
  const history = doc.history ? `\n    <fh:${doc.history}/>` : "";
  if (extra || history) {
    const self = xml.indexOf('<link rel="self"');
    const end = xml.indexOf("/>", self) + 2;
    xml = `${xml.slice(0, end)}${extra}${history}${xml.slice(end)}`;
  }
  const ns = doc.history ? ` xmlns:fh="${FH}"` : "";
  xml = xml.replace(
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<feed xmlns="http://www.w3.org/2005/Atom"${ns} xml:lang="${doc.language}">`,
  );
  return assemble(xml, "entry", doc, keys, kept, p, (entry, a) => {
    const source = `<source>\n            <id>${escapeHtml(sourceFeedUrl(doc, a))}</id>\n            <title>${p.text(a.source.name)}</title>\n            <link rel="alternate" href="${escapeHtml(`${doc.baseUrl}/category/${a.source.slug}.html`)}"/>\n        </source>`;
    return `${entry.slice(0, -"</entry>".length)}${atomEnclosure(doc, a)}    ${source}\n    </entry>`;
  });
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function renderJsonFeed(doc: FeedDocument): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: doc.title,
    home_page_url: doc.homePageUrl,
    feed_url: doc.selfUrl,
    next_url: doc.links?.next,
    hubs: doc.hubUrl ? [{ type: "WebSub", url: doc.hubUrl }] : undefined,
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
