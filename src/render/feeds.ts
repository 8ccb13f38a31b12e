// FeedDocument → RSS 2.0 and Atom 1.0 (through the `feed` package, adapted in feed-writer.ts) and
// JSON Feed 1.1 (pure, written here: feed's json1() writes JSON Feed 1.0).
//
// Module state: each rendered item is kept in isolate memory (an LruCache of ITEM_CACHE_BYTES)
// under a key naming all it is made of; a later render gives `feed` only the items it has not seen
// and puts the kept ones in place. clearRenderedItems() empties it (src/state.ts).
import { Feed, type Item } from "feed";
import type { Article, FeedDocument } from "../core/model";
import { formatDisplay, toRfc3339 } from "../core/time";
import { articlePath, categoryPath, feedPaths } from "../core/urls";
import { LruCache } from "../core/lru";
import {
  type Fragment,
  OffsetDate,
  Parking,
  assembleItems,
  beforeClose,
  enclosureMarkup,
  extendRoot,
  spliceAfter,
  textNode,
} from "./feed-writer";
import { escapeAttr } from "../core/escape";
import { rssTitleText } from "../core/text";

export const FEED_STYLESHEET_PATH = "/assets/feed.xsl";
const GENERATOR = "edge-news";

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
  return (
    absolutizeHtml(a.contentHtml || `<p>${escapeAttr(a.summary || a.title)}</p>`, doc.baseUrl) + otherSources(doc, a)
  );
}

/** On a feed with one item per story (`?dedupe=1`): the other papers' articles, linked after the
 *  body (every feed reader shows content; few show extra links). */
function otherSources(doc: FeedDocument, a: Article): string {
  if (!a.others?.length) return "";
  const items = a.others.map(
    (o) =>
      `<li><a href="${escapeAttr(`${doc.baseUrl}${articlePath(o)}`)}">${escapeAttr(o.source.name)}：${escapeAttr(o.title)}</a>（${escapeAttr(formatDisplay(o.published))}）</li>`,
  );
  return `<p>其他来源的同题报道：</p><ul>${items.join("")}</ul>`;
}

/** An article's own media (podcast audio, video), in the feed's order; when it has none, its image
 *  stands in as the one enclosure. */
const mediaOf = (a: Article) => a.enclosures ?? [];

/** RSS 2.0 asks an item for a title or a description: an item whose upstream had no title is
 *  written without one when its summary stands in, as the upstream sent it. */
const rssOmitsTitle = (a: Article) => a.titleDerived === true && a.summary.length > 0;

function enclosure(doc: FeedDocument, a: Article): Item["enclosure"] {
  if (!a.image || mediaOf(a).length > 0) return undefined;
  const url = absolute(doc, a.image);
  const type = imageType(a.originalImage ?? url);
  return type ? { url, type, length: 0 } : undefined;
}

/** The channel: its text parked (xml-js would read a literal "&amp;" in it as "&"); its URLs
 *  given as URLs, which feed serializes and escapes itself (sanitizeUrl). */
function newFeed(doc: FeedDocument, selfKey: "atom" | "rss", p: Parking): Feed {
  return new Feed({
    id: p.text(doc.id ?? doc.selfUrl),
    title: p.text(doc.title),
    description: p.text(doc.description),
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
const sourceFeedUrl = (doc: FeedDocument, a: Article) =>
  `${doc.baseUrl}${feedPaths({ kind: "source", slug: a.source.slug }).rss}`;

/** What the item cache may hold, counted as UTF-16 (2 bytes a character). */
const ITEM_CACHE_BYTES = 4 * 1024 * 1024;

const rendered = new LruCache<Fragment>(
  ITEM_CACHE_BYTES,
  (key, value) => 2 * value.reduce((n, s) => n + s.length, key.length),
);

/** Forget every rendered item (the benchmark's cold figure; tests). */
export function clearRenderedItems(): void {
  rendered.clear();
}

/** Everything an item's markup is made of. `version` changes exactly when the article does; the
 *  body's length tells a listing read without bodies from one with them; the source's image
 *  proxy setting tells an item whose image addresses were rewritten (core/proxied-images.ts). */
function itemKey(format: "rss" | "atom", doc: FeedDocument, a: Article): string {
  const { published: p, updated: u, source: s } = a;
  const others = a.others?.map((o) => `${o.id} ${o.source.name} ${o.title} ${o.published.ms}`).join("	") ?? "";
  return `${format}
${doc.baseUrl}
${a.id}
${a.version}
${a.contentHtml.length}
${a.pathDate}
${s.slug}
${s.name}
${p.ms} ${p.offset} ${u.ms} ${u.offset}
${s.proxyImages ? "img" : ""}
${others}`;
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

export function renderRss(doc: FeedDocument): string {
  const p = new Parking();
  const feed = newFeed(doc, "rss", p);
  const links = historyLinks(doc);
  if (links.length > 0) {
    // feed writes only self (and hub) as atom:link; the channel extension replaces that list.
    // xml-js escapes nothing but '"' in an attribute: every href is parked (escaped on restore).
    feed.addExtension({
      name: "atom:link",
      objects: [
        { _attributes: { href: p.text(doc.selfUrl), rel: "self", type: "application/rss+xml" } },
        ...(doc.hubUrl ? [{ _attributes: { href: p.text(doc.hubUrl), rel: "hub" } }] : []),
        ...links.map(([rel, href]) => ({ _attributes: { href: p.text(href), rel } })),
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
      title: rssOmitsTitle(a) ? "" : p.cdata(rssTitleText(a.title)), // "": no <title>; else the same visible text as text or HTML
      link: permalink(doc, a), // no id/guid given: feed writes <guid isPermaLink="true">
      date: published, // RSS has one date: feed writes pubDate from `published` over this one
      published,
      description: a.summary ? p.cdata(escapeAttr(a.summary)) : undefined,
      content: p.cdata(body(doc, a)),
      category: a.tags.map((t) => ({ name: p.text(t) })),
      enclosure: enclosure(doc, a),
    });
  });
  let xml = feed.rss2();
  if (doc.history) xml = extendRoot(xml, '<rss version="2.0"', ` xmlns:fh="${FH}"`);
  // dc:creator and <source> have no field in feed; given to it as extensions they cost xml-js
  // as much as the rest of the item, so they are written here, last in the item, where xml-js put
  // them, byte for byte as it did.
  const finish = (item: string, a: Article) => {
    const creator = `<dc:creator>${p.text(a.author ?? a.source.name)}</dc:creator>`;
    const source = `<source url="${escapeAttr(sourceFeedUrl(doc, a))}">${p.text(a.source.name)}</source>`;
    const media = enclosureMarkup("rss", mediaOf(a), p);
    return beforeClose(item, "item", `${media}    ${creator}\n            ${source}\n        `);
  };
  return assembleItems(xml, "item", doc.items, kept, p, finish, (i, f) => rendered.set(keys[i]!, f));
}

/** Atom enclosure link, written here: feed@6 derives its type from the URL's extension and ignores
 *  the one given (`image/jpg`, `image/svg` are not media types), and writes length="0". */
function atomEnclosure(doc: FeedDocument, a: Article, p: Parking): string {
  if (mediaOf(a).length > 0) return enclosureMarkup("atom", mediaOf(a), p);
  const e = enclosure(doc, a);
  return e ? `    <link rel="enclosure" type="${e.type}" href="${escapeAttr(e.url)}"/>\n    ` : "";
}

export function renderAtom(doc: FeedDocument): string {
  const p = new Parking();
  const feed = newFeed(doc, "atom", p);
  const keys = doc.items.map((a) => itemKey("atom", doc, a));
  const kept = keys.map((k) => rendered.get(k));
  feed.addItem(placeholder(doc));
  doc.items.forEach((a, i) => {
    if (kept[i] !== undefined) return;
    feed.addItem({
      // type="html": the title is HTML, so plain text is escaped once for it.
      title: p.cdata(escapeAttr(a.title)),
      link: permalink(doc, a),
      date: new OffsetDate(a.updated),
      published: new OffsetDate(a.published),
      description: a.summary ? p.cdata(escapeAttr(a.summary)) : undefined,
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
    .map(([rel, href]) => `\n    <link rel="${rel}" href="${escapeAttr(href)}"/>`)
    .join("");
  const history = doc.history ? `\n    <fh:${doc.history}/>` : "";
  if (extra || history) xml = spliceAfter(xml, '<link rel="self"', `${extra}${history}`);
  const ns = doc.history ? ` xmlns:fh="${FH}"` : "";
  xml = extendRoot(xml, '<feed xmlns="http://www.w3.org/2005/Atom"', `${ns} xml:lang="${doc.language}"`);
  const finish = (entry: string, a: Article) => {
    // <updated> (RFC 4287 §4.2.11 recommends keeping it): the source's feed changed no earlier
    // than this entry did, and that instant never moves while the entry's version stays.
    const source = `<source>\n            <id>${escapeAttr(sourceFeedUrl(doc, a))}</id>\n            <title>${p.text(a.source.name)}</title>\n            <updated>${toRfc3339(a.updated)}</updated>\n            <link rel="alternate" href="${escapeAttr(`${doc.baseUrl}${categoryPath(a.source.slug)}`)}"/>\n        </source>`;
    return beforeClose(entry, "entry", `${atomEnclosure(doc, a, p)}    ${source}\n    `);
  };
  return assembleItems(xml, "entry", doc.items, kept, p, finish, (i, f) => rendered.set(keys[i]!, f));
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
      title: a.titleDerived ? undefined : a.title, // no title upstream: none here (optional in 1.1)
      content_html: body(doc, a),
      summary: a.summary || undefined,
      image: a.image ? absolute(doc, a.image) : undefined,
      date_published: toRfc3339(a.published),
      date_modified: toRfc3339(a.updated),
      authors: [{ name: a.author ?? a.source.name }],
      tags: a.tags.length ? a.tags : undefined,
      // mime_type is required in an attachment: an unknown type is application/octet-stream.
      attachments: mediaOf(a).length
        ? mediaOf(a).map((e) => ({
            url: e.url,
            mime_type: e.type ?? "application/octet-stream",
            ...(e.length ? { size_in_bytes: e.length } : {}),
          }))
        : undefined,
      language: doc.language,
    })),
  });
}
