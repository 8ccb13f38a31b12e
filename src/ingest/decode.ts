// Bytes → text (pure), for feeds and (decodeHtmlBytes) web pages. Order, after HTML's and XML's
// own rules: a BOM wins; then the charset of Content-Type; then the XML declaration; else UTF-8. GBK and GB2312 labels decode as GB18030
// (its superset: upstreams that say gb2312 routinely send GBK-only characters). Bytes that are
// valid UTF-8 with multi-byte sequences are trusted over a label that says otherwise: a
// mislabelled UTF-8 feed is common, a GBK feed that happens to be valid UTF-8 practically never.
// ISO-8859-1 and US-ASCII labels decode as windows-1252, as the WHATWG Encoding standard says
// (servers label cp1252 text with them; its “ ” ‘ ’ — … are bytes 0x80–0x9F). With no label at
// all and bytes that are not UTF-8 (Chinese sites often send GBK or Big5 unlabelled), GB18030
// and then Big5 are tried strictly; the first that decodes without error wins. Failing all, the
// body is read as UTF-8 with replacement characters and `warning` says so (shown on the source).

export interface Decoded {
  readonly text: string;
  readonly encoding: string;
  /** How the encoding was chosen (the console's preview shows it). */
  readonly by: "bom" | "content-type" | "xml-declaration" | "meta" | "default" | "utf-8-bytes" | "sniffed";
  /** Set when no encoding fit the bytes and some were replaced (U+FFFD). */
  readonly warning: string | null;
}

/** The encoding a body was read in and where that came from, without the text. */
export type EncodingChoice = Pick<Decoded, "encoding" | "by">;

export const UNDECODABLE_WARNING = "字节不是 UTF-8、GB18030 或 Big5，已按 UTF-8 读取（无法识别处为 �）";

/** Strictly decode `bytes` as `encoding`; null when they are not valid in it. */
function tryDecode(bytes: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** Unlabelled bytes: UTF-8, else GB18030, else Big5, else UTF-8 with replacement and a warning. */
function sniff(bytes: Uint8Array): Decoded {
  const utf8 = tryDecode(bytes, "utf-8");
  if (utf8 !== null) return { text: utf8, encoding: "utf-8", by: "default", warning: null };
  for (const encoding of ["gb18030", "big5"]) {
    const text = tryDecode(bytes, encoding);
    if (text !== null) return { text, encoding, by: "sniffed", warning: null };
  }
  return {
    text: new TextDecoder("utf-8").decode(bytes),
    encoding: "utf-8",
    by: "default",
    warning: UNDECODABLE_WARNING,
  };
}

const CHINESE_LABELS = new Set([
  "gbk",
  "gb2312",
  "gb_2312",
  "gb_2312-80",
  "x-gbk",
  "cp936",
  "ms936",
  "windows-936",
  "csgb2312",
  "chinese",
  "iso-ir-58",
  "gb18030",
]);

function normalizeLabel(label: string): string | null {
  const l = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "");
  if (CHINESE_LABELS.has(l)) return "gb18030";
  // TextDecoder resolves labels by the WHATWG table: iso-8859-1, latin1, us-ascii … → windows-1252.
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

function charsetOf(contentType: string | null): string | null {
  const m = contentType ? /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType) : null;
  return m ? m[2]! : null;
}

function xmlDeclarationEncoding(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, 256));
  const m = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m ? m[1]! : null;
}

function isMultibyteUtf8(bytes: Uint8Array): boolean {
  if (!bytes.some((b) => b >= 0x80)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8", by: "bom", warning: null };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return {
      text: new TextDecoder("utf-16le").decode(bytes.subarray(2)),
      encoding: "utf-16le",
      by: "bom",
      warning: null,
    };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return {
      text: new TextDecoder("utf-16be").decode(bytes.subarray(2)),
      encoding: "utf-16be",
      by: "bom",
      warning: null,
    };

  const fromHeader = charsetOf(contentType);
  const fromDecl = xmlDeclarationEncoding(bytes);
  const label = fromHeader ?? fromDecl;
  const encoding = label ? normalizeLabel(label) : null;
  if (encoding && encoding !== "utf-8") {
    if (isMultibyteUtf8(bytes))
      return { text: new TextDecoder("utf-8").decode(bytes), encoding: "utf-8", by: "utf-8-bytes", warning: null };
    return {
      text: new TextDecoder(encoding).decode(bytes),
      encoding,
      by: fromHeader ? "content-type" : "xml-declaration",
      warning: null,
    };
  }
  if (!encoding) return sniff(bytes);
  return {
    text: new TextDecoder("utf-8").decode(bytes),
    encoding: "utf-8",
    by: fromHeader ? "content-type" : "xml-declaration",
    warning: null,
  };
}

/** The charset a page declares in a <meta> near its start, if any (HTML's prescan, simplified). */
function metaCharset(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, 1024));
  return /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._-]+)/i.exec(head)?.[1] ?? null;
}

/** An HTML page's bytes → text: a feed's rules (BOM, then the Content-Type charset), then the
 *  page's <meta charset>. A header claiming UTF-8 over bytes that are not UTF-8 — a common server
 *  default in front of GBK pages — yields to the <meta>. */
export function decodeHtmlBytes(bytes: Uint8Array, contentType: string | null): Decoded {
  const header = charsetOf(contentType);
  const meta = metaCharset(bytes);
  if (meta && (header === null || (normalizeLabel(header) === "utf-8" && !isMultibyteUtf8(bytes)))) {
    const d = decodeFeedBytes(bytes, `text/html; charset=${meta}`);
    // The label came from the page's <meta>, not from a header: say so (the console shows it).
    return d.by === "content-type" ? { ...d, by: "meta" } : d;
  }
  return decodeFeedBytes(bytes, contentType);
}
