// The escapers for HTML and XML we write ourselves (pure): one set, by where the text goes.
// Written by hand rather than taken from `entities`: its escapers also rewrite U+00A0 (and its
// escapeUTF8 writes &#39;), which would change bytes that readers and tests already hold.

/** Element content: & < > (enough for HTML and XML text). */
export const escapeText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A double-quoted attribute value (or text, where a quote may as well be escaped): & < > ". */
export const escapeAttr = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** XML documents we write whole (sitemaps, OPML): all five XML predefined entities. */
export const escapeXml = (s: string) => escapeAttr(s).replace(/'/g, "&apos;");
