// The adapter around the `feed` package (RSS 2.0 / Atom 1.0 writer): every workaround it needs,
// in one place, so render/feeds.ts only says what a feed contains.
//
// `feed` builds the document; every untrusted string reaches it only as an opaque token
// (U+FFFE n U+FFFE — U+FFFE can never be in our data, stripXmlInvalid removes it at ingest and
// here), and the tokens are replaced by text we escaped ourselves in one pass over the output.
// That sidesteps feed@6 / xml-js faults instead of patching around each:
// - xml-js splits only the first "]]>" of a CDATA section: we split every one;
// - Atom attribute values get "&" escaped but not "<" (malformed XML): we escape both;
// - xml-js turns a literal "&amp;" in text into "&": our text keeps it;
// - and xml-js no longer walks 5 KB bodies, which was most of the render time.
// feed writes dates with toISOString()/toUTCString() (always UTC): OffsetDate prints the source's
// own offset. What feed has no field for (RFC 5005 links, Atom <source>, dc:creator) is spliced
// into its output by position, which is safe only while the output still holds tokens (no
// upstream text): spliceAfter, the item splitting and assembleItems do that here and nowhere else.
import type { Instant } from "../core/model";
import { escapeAttr } from "../core/escape";
import { stripXmlInvalid } from "../core/text";
import { toRfc3339, toRfc822 } from "../core/time";

/** A Date that prints itself in the source's offset wherever `feed` formats it. */
export class OffsetDate extends Date {
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
export const textNode = (text: string) => ({ _text: text }) as unknown as string;

const clean = (s: string) => stripXmlInvalid(s);

const TOKEN = "\uFFFE";

/** Untrusted strings parked outside the XML writer, restored as escaped text afterwards. */
export class Parking {
  private readonly values: string[] = [];
  /** For a CDATA section: every "]]>" is split across two sections. */
  cdata(text: string): string {
    return this.park(clean(text).replaceAll("]]>", "]]]]><![CDATA[>"));
  }
  /** For an attribute value or element text: XML-escaped. */
  text(text: string): string {
    return this.park(escapeAttr(clean(text)));
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

/** An item's markup as the strings it is joined from: the document is then copied only once, when
 *  all of it is joined (a concatenated string would be flattened there, a second copy). */
export type Fragment = readonly string[];

/** `markup` inserted right after the first `<tag …/>` starting with `startsWith` in `xml`. */
export function spliceAfter(xml: string, startsWith: string, markup: string): string {
  const at = xml.indexOf(startsWith);
  const end = xml.indexOf("/>", at) + 2;
  return `${xml.slice(0, end)}${markup}${xml.slice(end)}`;
}

/** The root element's start, `rootStart` (up to its last attribute), with `attributes` added. */
export const extendRoot = (xml: string, rootStart: string, attributes: string) =>
  xml.replace(rootStart, `${rootStart}${attributes}`);

/** An item's markup with `markup` written just before its closing `</tag>`. */
export const beforeClose = (item: string, tag: string, markup: string) =>
  `${item.slice(0, -`</${tag}>`.length)}${markup}</${tag}>`;

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
export function assembleItems<T>(
  xml: string,
  tag: string,
  items: readonly T[],
  kept: readonly (Fragment | undefined)[],
  p: Parking,
  finish: (markup: string, item: T) => string,
  keep: (index: number, fragment: Fragment) => void,
): string {
  const { head, items: written, tail } = splitItems(xml, tag);
  const out = p.restore(head, []);
  let next = 1; // written[0] is the placeholder
  items.forEach((a, i) => {
    let item = kept[i];
    if (item === undefined) {
      item = p.restore(finish(written[next++]!, a), []);
      keep(i, item);
    }
    for (const s of item) out.push(s);
  });
  return p.restore(tail, out).join("");
}
