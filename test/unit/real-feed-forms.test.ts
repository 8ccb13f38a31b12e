// The pure pieces behind test/worker/real-feeds.test.ts, at their edges: derived titles,
// rewriting the forms feedsmith drops, strict encoding sniffing, and a page's advertised feeds.
import { describe, expect, it } from "vitest";
import { titleFromSourceAndTime, titleFromText } from "../../src/core/derived-title";
import { decodeFeedBytes } from "../../src/ingest/decode";
import { advertisedFeeds } from "../../src/ingest/discover";
import { rewriteUncommonForms } from "../../src/ingest/feed-forms";
import { parseFeedText } from "../../src/ingest/parse";

describe("derived titles", () => {
  it("the first sentence, whole when short", () => {
    expect(titleFromText("漓江起雾。游船推迟。")).toBe("漓江起雾。");
    expect(titleFromText("Fog on the Li River. Boats wait.")).toBe("Fog on the Li River.");
  });

  it("cut on a code point, never half a surrogate pair, at 40 characters of Chinese", () => {
    const title = titleFromText(`${"𠀀".repeat(60)}。`);
    expect(Array.from(title)).toHaveLength(40);
    expect(title.endsWith("…")).toBe(true);
    expect(title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("other scripts are cut at a word, about 80 characters", () => {
    const title = titleFromText(`${"word ".repeat(40)}end`);
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title).toMatch(/word…$/);
  });

  it("the source's name and the wall-clock time in its zone, whatever offset the feed wrote", () => {
    expect(titleFromSourceAndTime("桂林晚报", { ms: Date.UTC(2025, 10, 18, 1, 30), offset: 0 }, "Asia/Shanghai")).toBe(
      "桂林晚报 2025-11-18 09:30",
    );
  });
});

describe("uncommon forms", () => {
  it("a body holding ]]> survives the CDATA it is put in", () => {
    const xml = `<rss version="2.0"><channel><title>t</title><item><title>a</title><body><p>x ]]&gt; y</p><p>z]]></p></body></item></channel></rss>`;
    const feed = parseFeedText(rewriteUncommonForms(xml));
    expect(feed.items[0]!.content).toContain("<p>z]]></p>");
  });

  it("leaves an item with content:encoded and a description as it is", () => {
    const item = `<item><description>d</description><content:encoded>c</content:encoded><body>b</body><summary>s</summary></item>`;
    expect(rewriteUncommonForms(`<rss version="2.0"><channel>${item}</channel></rss>`)).toContain(item);
  });

  it("invalid base64 is left undecoded, never an exception", () => {
    const xml = `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><content mode="base64">!!!</content></feed>`;
    expect(rewriteUncommonForms(xml)).toBe(xml);
  });
});

describe("encoding sniffing without a label", () => {
  it("UTF-8 first; GBK bytes as GB18030; a labelled document is never sniffed", () => {
    const gbk = new Uint8Array([0xb9, 0xf0, 0xc1, 0xd6]); // 桂林 in GBK
    expect(decodeFeedBytes(gbk, null)).toMatchObject({
      text: "桂林",
      encoding: "gb18030",
      by: "sniffed",
      warning: null,
    });
    expect(decodeFeedBytes(new TextEncoder().encode("桂林"), null)).toMatchObject({ text: "桂林", warning: null });
    expect(decodeFeedBytes(gbk, "text/xml; charset=utf-8").warning).toBeNull();
  });

  it("bytes no encoding fits: UTF-8 with replacement and a warning", () => {
    const d = decodeFeedBytes(new Uint8Array([0x61, 0xff, 0x62]), null);
    expect(d.text).toBe("a\uFFFDb");
    expect(d.warning).toContain("GB18030");
  });

  it("US-ASCII and ISO-8859-1 labels read 0x80–0x9F as windows-1252", () => {
    for (const label of ["us-ascii", "ISO-8859-1", "latin1"]) {
      expect(decodeFeedBytes(new Uint8Array([0x93, 0x61, 0x94, 0x85]), `text/xml; charset=${label}`).text).toBe("“a”…");
    }
  });
});

describe("advertised feeds", () => {
  it("RSS, Atom and JSON Feed links, resolved against <base href>, in order, without others", async () => {
    const html = `<html><head><base href="https://cdn.example.com/site/">
      <link rel="stylesheet" href="a.css"><link rel="alternate" type="text/html" href="m.html">
      <link rel="Alternate" type="application/RSS+xml" href="rss.xml">
      <link rel="alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml">
      <link rel="alternate" type="application/feed+json" href="rss.xml#again">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)"></head></html>`;
    expect(await advertisedFeeds(html, "https://www.example.com/")).toEqual([
      "https://cdn.example.com/site/rss.xml",
      "https://cdn.example.com/atom.xml",
    ]);
  });
});
