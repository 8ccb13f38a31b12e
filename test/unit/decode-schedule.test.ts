// Bytes → text (which encoding, and why) and when a source is fetched next.
import { describe, expect, it } from "vitest";
import { decodeFeedBytes, decodeHtmlBytes } from "../../src/ingest/decode";
import {
  MAX_DELAY_MINUTES,
  PAUSE_AFTER_FAILURES,
  nextFetchAt,
  parseMaxAge,
  parseRetryAfter,
} from "../../src/ingest/schedule";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const GBK_ZHONGWEN = Uint8Array.of(0xd6, 0xd0, 0xce, 0xc4); // 中文 in GBK (not valid UTF-8)
const UTF8_ZHONGWEN = new TextEncoder().encode("中文");

describe("decodeFeedBytes", () => {
  it.each([
    ["a UTF-8 BOM", Uint8Array.of(0xef, 0xbb, 0xbf, ...UTF8_ZHONGWEN), "utf-8"],
    ["a UTF-16LE BOM", Uint8Array.of(0xff, 0xfe, 0x2d, 0x4e, 0x87, 0x65), "utf-16le"],
    ["a UTF-16BE BOM", Uint8Array.of(0xfe, 0xff, 0x4e, 0x2d, 0x65, 0x87), "utf-16be"],
  ])("follows %s over any label, and drops it", (_name, bytes, encoding) => {
    expect(decodeFeedBytes(bytes, "text/xml; charset=gbk")).toMatchObject({ text: "中文", encoding, by: "bom" });
  });

  it.each([
    ["GBK 只看 (D6 BB BF B4: a UTF-8 BOM's last two bytes)", Uint8Array.of(0xd6, 0xbb, 0xbf, 0xb4), "gbk", "只看"],
    ["GBK 二 (B6 FE: a UTF-16LE BOM's second byte)", Uint8Array.of(0xb6, 0xfe), "gbk", "二"],
    ["Latin-1 ï»a", Uint8Array.of(0xef, 0xbb, 0x61), "iso-8859-1", "ï»a"],
    ["Latin-1 ïa¿", Uint8Array.of(0xef, 0x61, 0xbf), "iso-8859-1", "ïa¿"],
    ["Latin-1 aÿ", Uint8Array.of(0x61, 0xff), "iso-8859-1", "aÿ"],
    ["Latin-1 ÿa", Uint8Array.of(0xff, 0x61), "iso-8859-1", "ÿa"],
    ["Latin-1 þa", Uint8Array.of(0xfe, 0x61), "iso-8859-1", "þa"],
  ])("does not take %s for a byte order mark", (_name, bytes, charset, text) => {
    expect(decodeFeedBytes(bytes, `text/xml; charset=${charset}`)).toMatchObject({ text, by: "content-type" });
  });

  it("reads GBK by the Content-Type charset, as GB18030", () => {
    expect(decodeFeedBytes(GBK_ZHONGWEN, 'application/rss+xml; charset="GBK"')).toMatchObject({
      text: "中文",
      encoding: "gb18030",
      by: "content-type",
    });
    expect(decodeFeedBytes(GBK_ZHONGWEN, "text/xml;charset=gb2312").encoding).toBe("gb18030");
  });

  it.each([
    "gbk",
    "gb2312",
    "GB_2312",
    "gb_2312-80",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "csgb2312",
    "chinese",
    "iso-ir-58",
    "gb18030",
    "'gbk'",
  ])("reads the Chinese label %s as GB18030", (label) => {
    expect(decodeFeedBytes(GBK_ZHONGWEN, `text/xml; charset=${label}`)).toMatchObject({
      text: "中文",
      encoding: "gb18030",
      by: "content-type",
    });
  });

  it("reads the XML declaration when the header names no charset, and the header over the declaration", () => {
    const decl = cat(ascii('<?xml version="1.0" encoding="gb2312"?><t>'), GBK_ZHONGWEN, ascii("</t>"));
    expect(decodeFeedBytes(decl, "application/xml")).toMatchObject({
      text: '<?xml version="1.0" encoding="gb2312"?><t>中文</t>',
      encoding: "gb18030",
      by: "xml-declaration",
    });
    const latin = cat(ascii("<?xml version='1.0' encoding='gbk'?><t>"), Uint8Array.of(0xe9), ascii("</t>"));
    expect(decodeFeedBytes(latin, "text/xml; charset=iso-8859-1")).toMatchObject({
      text: "<?xml version='1.0' encoding='gbk'?><t>é</t>",
      encoding: "windows-1252",
      by: "content-type",
    });
  });

  it("trusts bytes that are multi-byte UTF-8 over a label that says otherwise", () => {
    expect(decodeFeedBytes(UTF8_ZHONGWEN, "text/xml; charset=gbk")).toMatchObject({
      text: "中文",
      encoding: "utf-8",
      by: "utf-8-bytes",
    });
    // Pure ASCII is valid UTF-8 too, but proves nothing: the label is followed.
    expect(decodeFeedBytes(ascii("abc"), "text/xml; charset=gbk")).toMatchObject({ encoding: "gb18030" });
  });

  it("falls back to UTF-8, saying whether a label said so or none did", () => {
    expect(decodeFeedBytes(UTF8_ZHONGWEN, null)).toMatchObject({ text: "中文", encoding: "utf-8", by: "default" });
    expect(decodeFeedBytes(UTF8_ZHONGWEN, "text/xml; charset=utf-8").by).toBe("content-type");
    expect(decodeFeedBytes(ascii('<?xml version="1.0" encoding="UTF-8"?>'), null).by).toBe("xml-declaration");
    expect(decodeFeedBytes(UTF8_ZHONGWEN, "text/xml; charset=no-such-thing")).toMatchObject({
      text: "中文",
      encoding: "utf-8",
      by: "default",
    });
    expect(decodeFeedBytes(ascii(" \n<?xml encoding='x-unknown'?>"), "text/xml").by).toBe("default");
  });

  it("only reads a declaration at the start of the document", () => {
    const late = cat(ascii('<t><?xml version="1.0" encoding="gbk"?>'), UTF8_ZHONGWEN, ascii("</t>"));
    expect(decodeFeedBytes(late, null)).toMatchObject({ by: "default", encoding: "utf-8" });
  });
});

describe("decodeFeedBytes, labels written loosely and bytes with no label", () => {
  it("reads a charset, an XML declaration and a <meta charset> with spaces around '='", () => {
    expect(decodeFeedBytes(GBK_ZHONGWEN, 'text/xml; charset = "gbk"')).toMatchObject({
      text: "中文",
      by: "content-type",
    });
    const decl = cat(ascii("<?xml version='1.0' encoding = 'gbk' ?><t>"), GBK_ZHONGWEN, ascii("</t>"));
    expect(decodeFeedBytes(decl, null)).toMatchObject({ encoding: "gb18030", by: "xml-declaration" });
    const page = cat(ascii('<html><head><meta charset = "gbk"></head><body>'), GBK_ZHONGWEN, ascii("</body></html>"));
    expect(decodeHtmlBytes(page, "text/html").text).toContain("<body>中文</body>");
  });

  it("sniffs unlabelled GBK bytes as GB18030, not as UTF-8 with replacement characters", () => {
    expect(decodeFeedBytes(cat(ascii("<t>"), GBK_ZHONGWEN, ascii("</t>")), null)).toMatchObject({
      text: "<t>中文</t>",
      encoding: "gb18030",
      by: "sniffed",
      warning: null,
    });
    expect(decodeFeedBytes(cat(ascii("<t>"), UTF8_ZHONGWEN, ascii("</t>")), "text/xml")).toMatchObject({
      text: "<t>中文</t>",
      encoding: "utf-8",
      by: "default",
    });
  });
});

describe("decodeHtmlBytes", () => {
  const page = (meta: string, body: Uint8Array) =>
    cat(ascii(`<html><head>${meta}</head><body>`), body, ascii("</body></html>"));

  it("reads a page's <meta charset> when the header names none", () => {
    expect(decodeHtmlBytes(page('<meta charset="gbk">', GBK_ZHONGWEN), "text/html")).toMatchObject({
      encoding: "gb18030",
      by: "meta",
    });
    expect(
      decodeHtmlBytes(page('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">', GBK_ZHONGWEN), null)
        .text,
    ).toContain("中文");
  });

  it("lets the <meta> win over a header claiming UTF-8 for bytes that are not UTF-8", () => {
    const d = decodeHtmlBytes(page("<meta charset=gbk>", GBK_ZHONGWEN), "text/html; charset=utf-8");
    expect(d.text).toContain("<body>中文</body>");
    expect(d.encoding).toBe("gb18030");
    expect(d.by).toBe("meta");
  });

  it("keeps the header when it is right, or names something other than UTF-8", () => {
    expect(decodeHtmlBytes(page("<meta charset=gbk>", UTF8_ZHONGWEN), "text/html; charset=utf-8")).toMatchObject({
      encoding: "utf-8",
      by: "content-type",
    });
    expect(decodeHtmlBytes(page("<meta charset=utf-8>", GBK_ZHONGWEN), "text/html; charset=gbk")).toMatchObject({
      encoding: "gb18030",
      by: "content-type",
    });
    expect(decodeHtmlBytes(page("", UTF8_ZHONGWEN), null)).toMatchObject({ encoding: "utf-8", by: "default" });
  });
});

describe("parseMaxAge and parseRetryAfter", () => {
  it.each([
    ["max-age=600", 600],
    ["public, max-age=300, s-maxage=900", 300],
    ["s-max-age=120", 120],
    ['max-age="60"', 60],
    ["MAX-AGE = 30", 30],
    ["no-store", null],
    ["x-max-age=5", null],
    ["", null],
    [null, null],
  ])("Cache-Control %j → %j seconds", (header, seconds) => {
    expect(parseMaxAge(header)).toBe(seconds);
  });

  const now = Date.UTC(2025, 10, 20, 2, 0, 0);
  it.each([
    ["120", 120_000],
    [" 7200 ", 7_200_000],
    ["Thu, 20 Nov 2025 03:00:00 GMT", 3_600_000],
    ["Thu, 20 Nov 2025 01:00:00 GMT", 0],
    ["soon", null],
    ["", null],
    [undefined, null],
  ])("Retry-After %j → %j ms", (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});

describe("nextFetchAt", () => {
  const now = 1_000_000_000;
  const min = 60_000;
  const at = (t: Parameters<typeof nextFetchAt>[1]) => (nextFetchAt(now, t) - now) / min;

  it("waits the longest of the interval, the ttl, max-age and Expires, at most a day", () => {
    expect(at({ intervalMinutes: 30, errorCount: 0 })).toBe(30);
    expect(at({ intervalMinutes: 30, ttlMinutes: 60, errorCount: 0 })).toBe(60);
    expect(at({ intervalMinutes: 30, ttlMinutes: 10, errorCount: 0 })).toBe(30);
    expect(at({ intervalMinutes: 30, cacheControl: "max-age=5400", errorCount: 0 })).toBe(90);
    expect(at({ intervalMinutes: 30, expires: new Date(now + 120 * min).toUTCString(), errorCount: 0 })).toBe(120);
    expect(at({ intervalMinutes: 30, expires: "not a date", errorCount: 0 })).toBe(30);
    expect(at({ intervalMinutes: 30, ttlMinutes: 10_000, errorCount: 0 })).toBe(MAX_DELAY_MINUTES);
    expect(MAX_DELAY_MINUTES).toBe(24 * 60);
  });

  it("ignores Retry-After after a success", () => {
    expect(at({ intervalMinutes: 30, retryAfter: "7200", errorCount: 0 })).toBe(30);
  });

  it("backs off exponentially after failures, to at most a day, Retry-After winning when longer", () => {
    expect([1, 2, 3, 4, 5, 6, 40].map((errorCount) => at({ intervalMinutes: 30, errorCount }))).toEqual([
      30, 60, 120, 240, 480, 960, 1440,
    ]);
    expect(at({ intervalMinutes: 30, errorCount: 1, retryAfter: "7200" })).toBe(120);
    expect(at({ intervalMinutes: 30, errorCount: 3, retryAfter: "60" })).toBe(120);
    expect(at({ intervalMinutes: 30, errorCount: 1, retryAfter: "999999" })).toBe(MAX_DELAY_MINUTES);
    // A feed's own timing does not shorten or lengthen a backoff.
    expect(at({ intervalMinutes: 30, errorCount: 1, ttlMinutes: 600, cacheControl: "max-age=99999" })).toBe(30);
  });

  it("pauses after ten failures in a row", () => {
    expect(PAUSE_AFTER_FAILURES).toBe(10);
  });
});
