// Text helpers every layer shares: plain text from HTML, CJK-aware summaries, XML-safe text (pure).
import { decodeHTML } from "entities/decode";
import { FilterXSS } from "./xss";

// XML 1.0 §2.2 Char: anything outside it can never appear in a feed, so it never enters storage
// either: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, and unpaired surrogates. Over UTF-16 code
// units with a quick test first: most text has none of these, and this runs over every body.
const MAYBE_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

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
  // No tag and no entity (most titles, tags and names): only the whitespace to collapse.
  if (html.indexOf("<") === -1 && html.indexOf("&") === -1) return html.replace(/\s+/g, " ").trim();
  const withBreaks = html.replace(/<\/(p|div|li|h[1-6]|blockquote|tr)>|<br\s*\/?>/gi, "$& ");
  return decodeHTML(textOnly.process(withBreaks)).replace(/\s+/g, " ").trim();
}

// In what sanitizeHtml writes, every "<" opens a tag and no tag holds a ">" (text and attribute
// values are escaped); it has no comments and no script or style. So its tags are exactly the
// matches of <[^>]*>, and the ends of blocks become spaces, as in htmlToText.
const BLOCK_END = /<\/(?:p|div|li|h[1-6]|blockquote|tr)>|<br\s*\/?>/gi;
const ANY_TAG = /<[^>]*>/g;

/** htmlToText of HTML that sanitizeHtml produced: the same text, by two regex passes rather
 *  than a second full parse (ingest reads the text of every article it stores). */
export function sanitizedHtmlToText(html: string): string {
  return decodeHTML(html.replace(BLOCK_END, " ").replace(ANY_TAG, "")).replace(/\s+/g, " ").trim();
}

// Chinese sentences end in full-width punctuation; cut there rather than mid-phrase.
const SENTENCE_END = /[。！？；!?;…]/u;

/** A summary of at most `max` characters (code points), ending on a sentence when one fits. */
export function summarize(text: string, max = 120): string {
  const trimmed = text.trim();
  // Only the first max + 1 code points matter: 2 × max + 2 code units hold at least that many
  // whole ones, whatever a cut surrogate pair does to the last.
  const chars = Array.from(trimmed.length > 2 * max + 2 ? trimmed.slice(0, 2 * max + 2) : trimmed);
  if (chars.length <= max) return chars.join("");
  const head = chars.slice(0, max);
  for (let i = head.length - 1; i >= max / 2; i--) {
    if (SENTENCE_END.test(head[i]!)) return head.slice(0, i + 1).join("");
  }
  return `${head.slice(0, max - 1).join("")}…`;
}
