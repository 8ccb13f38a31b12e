// The slug a new source is offered (the console's add form and the OPML import): ASCII from the
// name, else the host, else the path; the operator may change it.
import { describe, expect, it } from "vitest";
import { freeSlug, suggestSlug } from "../../src/core/slug";

describe("the slug a new source is offered", () => {
  it.each([
    ["an English name", "Guilin Daily", "https://www.gxnews.com.cn/rss", "guilin-daily"],
    ["a name with accents and symbols", "  Café — Ünïcode!! News  ", null, "cafe-unicode-news"],
    [
      "a Chinese name: the host without www. and its last label",
      "桂林晚报",
      "https://www.gxnews.com.cn/rss",
      "gxnews-com",
    ],
    ["a Chinese name, a two-label host", "桂林晚报", "https://glwb.cn/feed", "glwb"],
    ["a one-label host", "桂林晚报", "http://localhost:8787/feed.xml", "localhost"],
    ["a name too short to say anything", "Gx", "https://news.example.org/", "news-example"],
    ["a name of three letters", "GXW", "https://news.example.org/", "gxw"],
    ["a Chinese name with a little ASCII", "桂林 TV", "https://gltv.example/", "gltv"],
    ["an IP address: the last path segment", "桂林晚报", "http://127.0.0.1:8790/feeds/news.xml", "news"],
    ["an IPv6 address", "桂林晚报", "http://[::1]:8790/rss", "rss"],
    ["an IP address and no path", "桂林晚报", "http://127.0.0.1/", "source"],
    ["an IP address and a folder", "桂林晚报", "http://127.0.0.1/feeds/", "feeds"],
    ["an IP address and a dotted last segment", "桂林晚报", "http://127.0.0.1/rss.v2", "rss-v2"],
    ["a host that starts with digits", "桂林晚报", "https://163.com/rss", "163"],
    ["a host with www inside a label", "桂林晚报", "https://awww.example.org/", "awww-example"],
    ["a host with nothing ASCII to keep", "桂林晚报", "https://_.example/feed.xml", "feed"],
    ["no address at all", "桂林晚报", null, "source"],
    ["not an address", "桂林晚报", "not an address", "source"],
  ])("%s", (_case, name, address, slug) => {
    expect(suggestSlug(name, address)).toBe(slug);
  });

  it("is at most 64 characters and never ends in a hyphen", () => {
    const long = suggestSlug(`${"a".repeat(63)} b`, null);
    expect(long).toBe("a".repeat(63));
    expect(suggestSlug("x".repeat(100), null)).toHaveLength(64);
    expect(suggestSlug("桂林", `https://${"b".repeat(70)}.example/`)).toBe("b".repeat(64));
    expect(suggestSlug("--ab--cd--", null)).toBe("ab-cd");
  });

  it("always starts with a letter or digit", () => {
    expect(suggestSlug("桂林", "https://-x-.example/")).toBe("x");
    expect(suggestSlug("桂林", "https://www.example/")).toBe("example");
    expect(suggestSlug("___", "https://a.example/")).toBe("a");
  });

  it("freeSlug numbers a taken slug, and keeps the numbered one within 64 characters", () => {
    expect(freeSlug("gl", new Set())).toBe("gl");
    expect(freeSlug("gl", new Set(["gl"]))).toBe("gl-2");
    expect(freeSlug("gl", new Set(["gl", "gl-2", "gl-3"]))).toBe("gl-4");
    expect(freeSlug("gl", new Set(["gl-2"]))).toBe("gl");
    const long = "a".repeat(64);
    expect(freeSlug(long, new Set([long]))).toBe(`${"a".repeat(60)}-2`);
  });
});
