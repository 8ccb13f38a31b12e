import { describe, expect, it } from "vitest";
import { freeSlug, suggestSlug } from "../../src/core/slug";

describe("suggestSlug", () => {
  it("takes ASCII from the name, else the host, else the path, else 'source'", () => {
    expect(suggestSlug("Guilin Daily", "https://www.gxnews.com.cn/rss")).toBe("guilin-daily");
    expect(suggestSlug("桂林晚报", "https://www.gxnews.com.cn/rss")).toBe("gxnews-com");
    expect(suggestSlug("桂林晚报", "http://127.0.0.1:8790/feed.xml")).toBe("feed");
    expect(suggestSlug("桂林晚报", "not an address")).toBe("source");
  });
  it("freeSlug numbers a taken slug", () => {
    expect(freeSlug("a", new Set())).toBe("a");
    expect(freeSlug("a", new Set(["a", "a-2"]))).toBe("a-3");
  });
});
