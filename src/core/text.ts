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

// --- titles, authors and tags: plain text that cannot deceive --------------------------------

// Invisible characters that change how a label reads or compares without being seen: bidi
// embeddings and overrides (U+202A–202E), isolates (U+2066–2069) and the marks LRM, RLM and ALM
// (U+200E, U+200F, U+061C: a label is shown in a zh-CN page, where they only serve to disguise
// text), DEL and the C1 controls, and zero-width characters (ZWSP, ZWNJ, word joiner, BOM,
// Mongolian vowel separator). A ZWJ stays only where it joins emoji into one (👩‍💻, 🏳️‍🌈).
const INVISIBLE = /[\u007F-\u009F\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;
const STRAY_ZWJ =
  /(?<!\p{Extended_Pictographic}|\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** A title, author or tag as stored: the invisible controls above removed, spaces collapsed.
 *  The one place this is decided (ingest calls it on every title, author and tag). */
export function plainLabel(text: string): string {
  // search() ignores the /g state; most labels have none of these and are returned as they are.
  if (text.search(INVISIBLE) < 0 && !text.includes("\u200D")) return text;
  return text.replace(INVISIBLE, "").replace(STRAY_ZWJ, "").replace(/\s+/g, " ").trim();
}

// HTML opens markup only at a "<" followed by an ASCII letter, "/", "!" or "?" (a tag, an end
// tag, a comment, a bogus comment); any other "<" ("1 < 2", "<3", "甲 <乙") is text.
export const MARKUP_LT = /<(?=[A-Za-z/!?])/g;
export const TEXT_LT = /<(?![A-Za-z/!?])/g;

// RSS 2.0 does not say whether <title> is text or HTML, and readers do either. A title is written
// as itself except where the two readings would differ, and only there with the full-width form:
// a "<" that HTML would start markup with (MARKUP_LT) becomes ＜, and an "&" that HTML would start a
// character reference with becomes ＆ (decided by the HTML decoder itself: the "&" is one when
// decoding the text up to the next "&" changes it, so &lt; &#60; and &copy without ";" count).
// Every other "<", ">" and "&" ("A < B", "AT&T", "C++ & 测试") is text in both readings and stays:
// the title reads the same in RSS as in Atom, JSON Feed and the pages, and never holds an element.
/** A title for RSS 2.0 <title>: the same visible text read as text or as HTML (the rule above). */
export function rssTitleText(title: string): string {
  return title
    .replace(MARKUP_LT, "\uFF1C")
    .replace(/&[^&]*/g, (run) => (decodeHTML(run) === run ? run : `\uFF06${run.slice(1)}`));
}
