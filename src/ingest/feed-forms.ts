// Less common feed forms that `feedsmith` drops, rewritten into the forms it reads before it
// parses (pure). feedsmith keeps no `mode` on Atom 0.3 content and no item elements outside the
// namespaces it knows, so these are found in the text:
// - Atom 0.3 `<content mode="base64">`: decoded (as UTF-8) and written back escaped;
// - RSS items whose body is only in `<body>`, `<xhtml:body>` or `<fullitem>` (old Radio and
//   Netscape generators): the body becomes `content:encoded` (its markup kept as text, in CDATA,
//   so HTML that is not well-formed XML no longer fails the whole document);
// - RSS `<summary>` in an item without `<description>`: read as the description.
// Each rewrite only runs when its element is in the text, so ordinary feeds cost one regex test.

import { escapeText } from "../core/escape";

const CONTENT_NS = "http://purl.org/rss/1.0/modules/content/";

const cdata = (s: string) => `<![CDATA[${s.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

function decodeBase64Utf8(b64: string): string | null {
  try {
    const binary = atob(b64.replace(/\s+/g, ""));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8").decode(bytes);
  } catch {
    return null;
  }
}

const BASE64_CONTENT = /<(content|summary)\b([^>]*?)\smode\s*=\s*["']base64["']([^>]*)>([^<]*)<\/\1>/gi;

function decodeBase64Content(text: string): string {
  return text.replace(BASE64_CONTENT, (whole, tag: string, before: string, after: string, body: string) => {
    const decoded = decodeBase64Utf8(body);
    return decoded === null ? whole : `<${tag}${before} mode="escaped"${after}>${escapeText(decoded)}</${tag}>`;
  });
}

// The inner markup of an item's body element; `xhtml:` may be any prefix bound to XHTML.
const BODY = /<((?:[A-Za-z][\w.-]*:)?body|fullitem)\b[^>]*>([\s\S]*?)<\/\1\s*>/i;
const ITEM = /<item\b[^>]*>[\s\S]*?<\/item\s*>/gi;

function rewriteItem(item: string): string {
  let out = item;
  if (!/<content:encoded\b/i.test(out)) {
    const m = BODY.exec(out);
    if (m) {
      const inner = m[1]!.toLowerCase() === "fullitem" ? m[2]! : m[2]!.trim();
      // <fullitem> carries escaped HTML (text); <body> carries the markup itself.
      const html = m[1]!.toLowerCase() === "fullitem" && !/^\s*<!\[CDATA\[/.test(inner) ? unescapeXml(inner) : inner;
      const encoded = `<content:encoded xmlns:content="${CONTENT_NS}">${cdata(stripCdata(html))}</content:encoded>`;
      out = out.replace(m[0], encoded);
    }
  }
  if (!/<description\b/i.test(out)) {
    out = out.replace(/<summary\b([^>]*)>([\s\S]*?)<\/summary\s*>/i, "<description$1>$2</description>");
  }
  return out;
}

const stripCdata = (s: string) => s.replace(/^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/, "$1");
const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The document with the less common forms rewritten into the ones the parser reads. */
export function rewriteUncommonForms(text: string): string {
  let out = text;
  if (/\smode\s*=\s*["']base64["']/i.test(out)) out = decodeBase64Content(out);
  if (/<item\b/i.test(out) && /<(?:[A-Za-z][\w.-]*:)?body\b|<fullitem\b|<summary\b/i.test(out)) {
    out = out.replace(ITEM, rewriteItem);
  }
  return out;
}
