// Untrusted upstream HTML → safe HTML, through the `xss` allowlist sanitizer (pure).
// The allowlist is a data table; anything not in it is removed, never escaped into visible text.
import { FilterXSS, type IFilterXSSOptions, parseAttr } from "../core/xss";
import { escapeAttr as escapeAttrValue } from "../core/escape";
import { TEXT_LT } from "../core/text";

const ALLOWED: Record<string, string[]> = {
  p: ["class"],
  br: [],
  hr: [],
  div: [],
  span: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  strong: [],
  b: [],
  em: [],
  i: [],
  u: [],
  s: [],
  sub: [],
  sup: [],
  small: [],
  mark: [],
  blockquote: ["cite"],
  q: ["cite"],
  pre: [],
  code: [],
  ul: [],
  ol: ["start"],
  li: [],
  dl: [],
  dt: [],
  dd: [],
  a: ["href", "title"],
  img: ["src", "alt", "title", "width", "height"],
  figure: [],
  figcaption: [],
  table: [],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: [],
  th: ["colspan", "rowspan", "scope"],
  td: ["colspan", "rowspan"],
  caption: [],
};

// Whole elements whose content is never text a reader should see.
const DROP_WITH_CONTENT = new Set([
  "script",
  "style",
  "iframe",
  "object",
  "embed",
  "noscript",
  "template",
  "svg",
  "math",
  "form",
  "textarea",
  "select",
  "button",
]);
// A browser reads these as raw text up to their first end tag, so they do not nest.
const RAW_TEXT = new Set(["script", "style", "iframe", "noscript", "textarea"]);

/** Where the dropped elements sit in xss's output, to cut them (with their content) out after.
 *  xss's own stripIgnoreTagBody leaves an unclosed one as "[removed]" text followed by the rest,
 *  where a browser hides the rest inside it; so this one cuts to the end, except after <embed>,
 *  a void element (a browser shows what follows an unclosed one). */
class DroppedBodies {
  private ranges: [number, number][] = [];
  private open: { tag: string; start: number; depth: number } | null = null;

  reset(): void {
    this.ranges = [];
    this.open = null;
  }

  /** A dropped element's start or end tag, at `position` in the output (it writes nothing). */
  tag(tag: string, isClosing: boolean, position: number): void {
    const open = this.open;
    if (open === null) {
      if (!isClosing) this.open = { tag, start: position, depth: 1 };
      return;
    }
    if (tag !== open.tag || (!isClosing && RAW_TEXT.has(tag))) return;
    open.depth += isClosing ? -1 : 1;
    if (open.depth > 0) return;
    this.ranges.push([open.start, position]);
    this.open = null;
  }

  cut(html: string): string {
    if (this.open !== null && this.open.tag !== "embed") this.ranges.push([this.open.start, html.length]);
    if (this.ranges.length === 0) return html;
    let out = "";
    let from = 0;
    for (const [start, end] of this.ranges) {
      out += html.slice(from, start);
      from = end;
    }
    return out + html.slice(from);
  }
}

// Lazy-loading markup keeps the real address in one of these; it becomes `src`.
const LAZY_SRC_ATTRIBUTES = ["data-src", "data-original", "data-lazy-src", "data-actualsrc"];

/** http(s), mailto and site-relative URLs only: no javascript:, data:, vbscript:, or protocol tricks.
 *  Relative URLs resolve against `base` when one is given. */
export function safeUrl(raw: string, allowMailto = false, base: string | null = null): string | null {
  const value = raw.trim();
  if (value === "") return null;
  if (base === null) {
    if (value.startsWith("/") && !value.startsWith("//")) return value;
    if (value.startsWith("//")) return `https:${value}`;
  }
  let url: URL;
  try {
    url = base === null ? new URL(value) : new URL(value, base);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  if (allowMailto && url.protocol === "mailto:") return url.href;
  return null;
}

// One scan first: most attribute values need no escaping.
const escapeAttr = (v: string) => (/[&"<>]/.test(v) ? escapeAttrValue(v) : v);

function isTrackingPixel(attrs: Record<string, string>): boolean {
  return attrs.width?.trim() === "1" && attrs.height?.trim() === "1";
}

/** The attributes of one start tag, parsed by xss's own attribute parser, values decoded. */
function readAttributes(tagHtml: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const inner = tagHtml.replace(/^<\s*[a-z0-9]+/i, "").replace(/\/?\s*>$/, "");
  parseAttr(inner, (name, value) => {
    attrs[name.toLowerCase()] = decodeAttr(value);
    return "";
  });
  return attrs;
}

function decodeAttr(value: string): string {
  if (value.indexOf("&") === -1) return value;
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function renderImg(attrs: Record<string, string>, base: string | null): string {
  // The first lazy address that is a safe URL, else `src`: each value parsed once.
  let src: string | null = null;
  for (const name of LAZY_SRC_ATTRIBUTES) {
    const v = attrs[name];
    if (v && (src = safeUrl(v, false, base)) !== null) break;
  }
  if (src === null) src = safeUrl(attrs.src ?? "", false, base);
  if (src === null || isTrackingPixel(attrs)) return "";
  const out = [`src="${escapeAttr(src)}"`];
  for (const name of ["alt", "title", "width", "height"]) {
    const v = attrs[name];
    if (v === undefined) continue;
    if ((name === "width" || name === "height") && !/^\d{1,5}$/.test(v.trim())) continue;
    out.push(`${name}="${escapeAttr(v)}"`);
  }
  out.push('loading="lazy"', 'referrerpolicy="no-referrer"');
  return `<img ${out.join(" ")}>`;
}

function renderAnchorOpen(attrs: Record<string, string>, base: string | null): string {
  const href = attrs.href === undefined ? null : safeUrl(attrs.href, true, base);
  const out: string[] = [];
  if (href !== null) out.push(`href="${escapeAttr(href)}"`);
  if (attrs.title !== undefined) out.push(`title="${escapeAttr(attrs.title)}"`);
  if (href !== null) out.push('rel="noopener noreferrer"');
  return out.length ? `<a ${out.join(" ")}>` : "<a>";
}

// xss reads an attribute's name as the characters of its raw name outside this class, lowercased
// (parser.js, addAttr): so a start tag none of whose allowed names is in what remains of it can
// keep no attribute, and xss would write it bare. Most upstream tags carry only `style`.
const NOT_IN_ATTRIBUTE_NAMES = /[^a-zA-Z0-9\\_:.-]/gi;
const HAS_SPACE = /\s|\n|\t/;
const WHITESPACE = /\s/;

// Per allowed tag: the attributes it may keep, the first letters of their names in both cases
// (a name whose first letter is nowhere in the tag cannot be in what remains of it), and how xss
// writes it bare.
const BARE = new Map(
  Object.entries(ALLOWED).map(([tag, names]) => [
    tag,
    {
      names,
      initials: [...new Set(names.flatMap((n) => [n[0]!, n[0]!.toUpperCase()]))],
      open: `<${tag}>`,
      selfClosed: `<${tag} />`,
    },
  ]),
);

/** What xss writes for an allowed start tag that can keep no attribute, or undefined when one
 *  of its allowed attributes may be there (xss then parses them). */
function bareStartTag(tag: string, html: string): string | undefined {
  const bare = BARE.get(tag)!;
  // Most tags hold no letter that starts an allowed name ("<p style=…>" and "class"): no
  // attribute can be kept, and the names are not read.
  if (bare.initials.some((c) => html.includes(c))) {
    const names = html.replace(NOT_IN_ATTRIBUTE_NAMES, "").toLowerCase();
    for (const name of bare.names) if (names.includes(name)) return undefined;
  }
  // A self-closing mark ("<br/>", "<br />") is kept, as xss's getAttrs reads it: the last
  // character before ">" that is not a space, when it comes after the first space.
  const beforeEnd = html[html.length - 2]!;
  if (beforeEnd !== "/" && !WHITESPACE.test(beforeEnd)) return bare.open;
  const space = html.search(HAS_SPACE);
  if (space === -1) return beforeEnd === "/" ? bare.selfClosed : bare.open;
  let last = html.length - 2;
  while (last > space && WHITESPACE.test(html[last]!)) last--;
  return last > space && html[last] === "/" ? bare.selfClosed : bare.open;
}

/** What one sanitizing run reads besides the HTML: `base` is what relative URLs in the fragment
 *  resolve against (an upstream article's or feed's URL; null keeps them site-relative, as for
 *  Jekyll posts), and where the dropped elements are. */
interface Run {
  base: string | null;
  readonly dropped: DroppedBodies;
}

/** The sanitizer's options, reading the current run's base. */
const optionsFor = (run: Run): IFilterXSSOptions => ({
  whiteList: ALLOWED,
  stripIgnoreTag: true,
  allowCommentTag: false,
  css: false,
  // xss's own escaping of text, with one scan first: most text has neither character.
  escapeHtml: (text) =>
    text.indexOf("<") === -1 && text.indexOf(">") === -1 ? text : text.replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  onTag(tag, html, info) {
    if (DROP_WITH_CONTENT.has(tag)) {
      // xss always gives both (its typings mark them optional).
      run.dropped.tag(tag, info.isClosing === true, info.position ?? 0);
      return "";
    }
    if (info.isClosing) return undefined;
    if (tag === "img") return renderImg(readAttributes(html), run.base);
    if (tag === "a") return renderAnchorOpen(readAttributes(html), run.base);
    return info.isWhite ? bareStartTag(tag, html) : undefined;
  },
  safeAttrValue(_tag, name, value) {
    if (name === "cite") return escapeAttr(safeUrl(decodeAttr(value), false, run.base) ?? "");
    if (name === "class") return /^[\w -]{1,64}$/.test(value) ? value : "";
    return escapeAttr(decodeAttr(value));
  },
});

// One filter for every fragment: xss copies and lowercases the whole allowlist when a FilterXSS
// is made, which cost more than many a body's processing, once per item. process() runs
// synchronously, so the run's base and dropped-body record are set per call and read only
// within it.
const run: Run = { base: null, dropped: new DroppedBodies() };
const filter = new FilterXSS(optionsFor(run));

/** Sanitize an HTML fragment from upstream, relative URLs resolved against `baseUrl` (null:
 *  kept site-relative). Run once, at ingest. */
export function sanitizeHtml(html: string, baseUrl: string | null = null): string {
  run.base = baseUrl;
  run.dropped.reset();
  // A "<" a browser shows as text (TEXT_LT) is escaped first: xss would read "< 2 >" or "<乙" as
  // a tag and drop it.
  const input = html.indexOf("<") === -1 ? html : html.replace(TEXT_LT, "&lt;");
  return run.dropped.cut(filter.process(input)).trim();
}
