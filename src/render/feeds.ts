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

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
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
  restore(xml: string): string {
    // "a<T>0<T>b<T>1<T>c" splits into text, index, text, index, text.
    const parts = xml.split(TOKEN);
    for (let i = 1; i < parts.length; i += 2) parts[i] = this.values[Number(parts[i])]!;
    return parts.join("");
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
const LINK_RELS = [["first", "first"], ["next", "next"], ["previous", "previous"], ["current", "current"], ["prevArchive", "prev-archive"], ["nextArchive", "next-archive"]] as const;

/** RFC 5005 links of a document, as [rel, href]. */
function historyLinks(doc: FeedDocument): [string, string][] {
  return LINK_RELS.flatMap(([key, rel]) => (doc.links?.[key] ? [[rel, doc.links[key]!] as [string, string]] : []));
}

/** Where an item came from (RSS <source>, Atom <source>): the source's own feed here. */
const sourceFeedUrl = (doc: FeedDocument, a: Article) => `${doc.baseUrl}/category/${a.source.slug}/rss.xml`;

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
  for (const a of doc.items) {
    feed.addItem({
      title: p.cdata(a.title),
      link: permalink(doc, a), // no id/guid given: feed writes <guid isPermaLink="true">
      date: new OffsetDate(a.updated),
      published: new OffsetDate(a.published),
      description: a.summary ? p.cdata(escapeHtml(a.summary)) : undefined,
      content: p.cdata(body(doc, a)),
      category: a.tags.map((t) => ({ name: p.text(t) })),
      enclosure: enclosure(doc, a),
      extensions: [
        { name: "dc:creator", objects: { _text: p.text(a.author ?? a.source.name) } },
        { name: "source", objects: { _attributes: { url: sourceFeedUrl(doc, a) }, _text: p.text(a.source.name) } },
      ],
    });
  }
  let xml = feed.rss2();
  if (doc.history) xml = xml.replace("<rss version=\"2.0\"", `<rss version="2.0" xmlns:fh="${FH}"`);
  return p.restore(xml);
}

export function renderAtom(doc: FeedDocument): string {
  const feed = newFeed(doc, "atom");
  const p = new Parking();
  for (const a of doc.items) {
    feed.addItem({
      // type="html": the title is HTML, so plain text is escaped once for it.
      title: p.cdata(escapeHtml(a.title)),
      link: permalink(doc, a),
      date: new OffsetDate(a.updated),
      published: new OffsetDate(a.published),
      description: a.summary ? p.cdata(escapeHtml(a.summary)) : undefined,
      content: p.cdata(body(doc, a)),
      author: [{ name: p.text(a.author ?? a.source.name) }],
      category: a.tags.map((t) => ({ term: p.text(t), name: p.text(t) })),
      enclosure: enclosure(doc, a),
    });
  }
  // Before the tokens are restored the document holds no upstream text, so its markup can be
  // edited by position: RFC 5005 links after the self link, <source> closing each entry.
  let xml = feed.atom1();
  const extra = historyLinks(doc).map(([rel, href]) => `\n    <link rel="${rel}" href="${escapeHtml(href)}"/>`).join("");
  const history = doc.history ? `\n    <fh:${doc.history}/>` : "";
  if (extra || history) {
    const self = xml.indexOf('<link rel="self"');
    const end = xml.indexOf("/>", self) + 2;
    xml = `${xml.slice(0, end)}${extra}${history}${xml.slice(end)}`;
  }
  let i = 0;
  xml = xml.replace(/<\/entry>/g, (close) => {
    const a = doc.items[i++]!;
    return `    <source>\n            <id>${escapeHtml(sourceFeedUrl(doc, a))}</id>\n            <title>${p.text(a.source.name)}</title>\n            <link rel="alternate" href="${escapeHtml(`${doc.baseUrl}/category/${a.source.slug}.html`)}"/>\n        </source>\n    ${close}`;
  });
  const ns = doc.history ? ` xmlns:fh="${FH}"` : "";
  return p
    .restore(xml)
    .replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom"${ns} xml:lang="${doc.language}">`);
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
