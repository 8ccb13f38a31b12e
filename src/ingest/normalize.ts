// Text helpers every ingest path shares: plain text from HTML, CJK-aware summaries, XML-safe text (pure).
import { decodeHTML } from "entities";
import { FilterXSS } from "./xss";

// XML 1.0 §2.2 Char: anything outside these ranges can never appear in a feed, so it never
// enters storage either (C0 controls, lone surrogates, U+FFFE/U+FFFF).
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripXmlInvalid(text: string): string {
  return text.replace(XML_INVALID, "");
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
