// The pure refresh stages in a row — decode → parse → normalize (sanitize included) — on the
// upstream fixtures, and normalizeItem's own rules on items made here.
import { describe, expect, inject, it } from "vitest";
import { sha256Hex } from "../../src/core/ids";
import type { ArticleInput } from "../../src/core/model";
import { toRfc3339 } from "../../src/core/time";
import { decodeFeedBytes } from "../../src/ingest/decode";
import { normalizeItem } from "../../src/ingest/normalize";
import { type ParsedItem, parseFeedText } from "../../src/ingest/parse";

const fixtures = inject("feedFixtures");
const bytes = (name: string) => Uint8Array.from(atob(fixtures[name]!), (c) => c.charCodeAt(0));
const NOW = Date.UTC(2025, 10, 20, 2, 0, 0);

/** What the refresh stores for a fixture served from `url`. */
async function pipeline(name: string, url = "https://up.example.com/feed", contentType: string | null = null) {
  const feed = parseFeedText(decodeFeedBytes(bytes(name), contentType).text);
  const base = feed.base ?? (feed.link ? new URL(feed.link, url).href : url);
  const ctx = {
    source: { slug: "src", label: "来源新闻", timezone: "Asia/Shanghai" },
    base,
    xmlBase: feed.base,
    now: NOW,
  };
  const out: ArticleInput[] = [];
  for (const item of feed.items) {
    const a = await normalizeItem(item, ctx);
    if (a) out.push(a);
  }
  return out;
}

describe("the hostile feed, in Node as in the refresh", () => {
  it("removes every payload, never escaping it into text, and keeps the paragraphs, links and images", async () => {
    const items = await pipeline("hostile.xml", "https://evil.example.com/feed");
    expect(items.map((a) => a.guid)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `hostile-h${n}`));
    const all = items.map((a) => a.contentHtml).join("\n");
    expect(all).not.toMatch(/<(script|style|iframe|object|embed|form|input|svg|math|mtext|mglyph|noscript)\b/i);
    expect(all).not.toMatch(
      /\son\w+=|\sstyle=|srcdoc|javascript:|data:|alert\(1\)|display:none|position:fixed|&lt;iframe|&lt;script/i,
    );
    expect(all).not.toMatch(/evil\.example\.net|x\.swf|PHNjcmlwdD4|R0lGODlh|pixel\.gif|data-src/);
    expect(all).toContain('<a href="https://www.example.org/x" rel="noopener noreferrer">正常链接</a>');
    for (const text of ["点此报名", "备用报名入口", "活动须知"]) expect(all).toContain(text);
    const h4 = items[3]!.contentHtml;
    expect(h4.match(/<img /g)).toHaveLength(1);
    expect(h4).toMatch(
      /<img src="https:\/\/img\.example\.com\/lazy\.jpg" alt="西街夜景" loading="lazy" referrerpolicy="no-referrer">/,
    );
    expect(items[3]!.image).toBe("https://img.example.com/lazy.jpg");
    for (const text of [
      "七星公园管理处表示",
      "公园南门停车场将在周末实行分时段预约。",
      "柳州市第三中学开放日安排在11月22日，欢迎家长到校参观。",
      "消费券可在县内二百余家商户使用，有效期至明年一月。",
      "柳州市城中区菜市场改造完成，新增冷链摊位二十个。",
      "夜班公交票价与日间相同，可使用学生卡优惠。",
    ]) {
      expect(all).toContain(text);
    }
    // Titles are text, unchanged.
    expect(items[0]!.title).toBe("七星公园菊花展延期至月底");
  });
});

// An unclosed <style>/<math>/<noscript> (h5, h6): a browser hides everything after it inside the
// element, so the sanitizer drops the rest too — no placeholder text, no <img> smuggled after it
// (in h6 inside a title attribute that a browser's <noscript> would end in) — and keeps what
// came before.
it("an unclosed <style> or <noscript> leaves no placeholder text and nothing after it", async () => {
  const items = await pipeline("hostile.xml", "https://evil.example.com/feed");
  const [h5, h6] = items.slice(4);
  for (const a of [h5!, h6!]) {
    expect(a.contentHtml).not.toContain("removed");
    expect(a.contentHtml).not.toMatch(/<img|onerror|<math|<noscript|<style/);
  }
  expect(h5!.contentHtml).toBe(
    "<p>柳州市城中区菜市场改造完成，新增冷链摊位二十个。</p>\n<p>市场营业时间调整为早六点至晚八点。</p>",
  );
  expect(h6!.contentHtml).toBe(
    "<p>雁山区开通大学城至市区的夜班公交，末班车发车时间为晚上十一点。</p>\n<p>夜班公交票价与日间相同，可使用学生卡优惠。</p>",
  );
});

describe("the fixtures through every stage", () => {
  it("RSS 2.0: identity, link, tags (the label first), author, dates in +08:00, summary", async () => {
    const [a] = await pipeline("rss20.xml");
    expect(a).toMatchObject({
      guid: "gxnews-2025-001",
      originalUrl: "https://news.example.com/2025/11/001.html",
      title: "漓江游船冬季班次调整，首班船推迟至八点半",
      summary: "漓江游船自11月20日起执行冬季班次，首班船由早七点半推迟至八点半。",
      author: "王建华",
      tags: ["来源新闻", "旅游", "漓江"],
      undated: false,
    });
    expect(toRfc3339(a!.published)).toBe("2025-11-17T08:00:00+08:00");
    expect(a!.updated).toEqual(a!.published);
    expect(a!.contentHtml).toMatch(/^<p>记者从漓江景区管理部门获悉/);
    expect(a!.plainText).toMatch(/^记者从漓江景区管理部门获悉/);
  });

  it("Atom 1.0: links and body URLs resolve against xml:base, updated kept apart", async () => {
    const [a] = await pipeline("atom10.xml", "https://up.example.org/atom");
    expect(a!.originalUrl).toBe("https://news.example.org/liuzhou/2025/11/a1.html");
    expect(a!.contentHtml).toContain('src="https://news.example.org/liuzhou/images/p1.jpg"');
    expect(a!.contentHtml).toContain('href="https://news.example.org/about.html"');
    expect(a!.image).toBe("https://news.example.org/liuzhou/images/p1.jpg");
    expect(toRfc3339(a!.updated)).toBe("2025-11-17T11:20:00+08:00");
  });

  it("JSON Feed text content becomes escaped paragraphs; several authors are joined with 、", async () => {
    const [text] = await pipeline("jsonfeed10.json", "https://up.example.com/json", "application/feed+json");
    expect(text!.contentHtml).toMatch(/^<p>柳北区三个社区卫生服务站/);
    const [, two] = await pipeline("jsonfeed11.json");
    expect(two!.author).toBe("莫振华、蒋雨桐");
    expect(two!.image).toBe("https://img.example.org/guilin/school-bus.jpg");
  });

  it.each([
    ["gbk.xml", "application/rss+xml"],
    ["mislabelled.xml", "application/rss+xml"],
    ["gb2312-no-decl.xml", "text/xml; charset=gb2312"],
    ["utf8-bom.xml", "application/xml; charset=gbk"],
  ])("%s (served as %s) decodes to the expected titles", async (name, contentType) => {
    const expected = JSON.parse(new TextDecoder().decode(bytes(name.replace(".xml", ".expected.json")))) as {
      titles: string[];
    };
    const titles = (await pipeline(name, "https://enc.example.com/feed", contentType)).map((a) => a.title);
    expect(titles.sort()).toEqual([...expected.titles].sort());
  });

  it("reads every date style of dates.xml, and gives undated items the time they were first seen", async () => {
    const expected = JSON.parse(new TextDecoder().decode(bytes("dates.expected.json"))) as Record<
      string,
      string | null
    >;
    const items = await pipeline("dates.xml");
    expect(items).toHaveLength(7);
    for (const a of items) {
      const want = expected[a.title];
      expect(want, a.title).not.toBeUndefined();
      if (want === null) {
        expect(a.undated).toBe(true);
        expect(a.published).toEqual({ ms: NOW, offset: 480 });
      } else {
        expect(a.undated).toBe(false);
        expect(toRfc3339(a.published)).toBe(want);
      }
    }
  });
});

describe("normalizeItem", () => {
  const item = (over: Partial<ParsedItem> = {}): ParsedItem => ({
    guid: null,
    link: null,
    title: "标题",
    content: "<p>正文内容。</p>",
    contentIsText: false,
    summary: null,
    published: "2025-11-18T10:00:00+08:00",
    updated: null,
    authors: [],
    categories: [],
    image: null,
    ...over,
  });
  const ctx = {
    source: { slug: "s", label: "标签", timezone: "Asia/Shanghai" },
    base: "https://ex.com/feed/",
    now: NOW,
  };
  const norm = async (over: Partial<ParsedItem>, c: Partial<typeof ctx> & { xmlBase?: string } = {}) =>
    (await normalizeItem(item(over), { ...ctx, ...c }))!;

  it("keeps only http(s) links, resolved against the base, trimmed", async () => {
    expect((await norm({ link: " a/1.html " })).originalUrl).toBe("https://ex.com/feed/a/1.html");
    expect((await norm({ link: "javascript:alert(1)" })).originalUrl).toBeNull();
    expect((await norm({ link: "mailto:a@ex.com" })).originalUrl).toBeNull();
    expect((await norm({ link: "http://[bad" })).originalUrl).toBeNull();
    expect((await norm({ link: "http://ex.net/x" })).originalUrl).toBe("http://ex.net/x");
    expect((await norm({ link: "" })).originalUrl).toBeNull();
  });

  it("identifies an item by its guid, else its link, else a hash of its title and date", async () => {
    expect((await norm({ guid: "  g ", link: "/a" })).guid).toBe("g");
    expect((await norm({ guid: "   ", link: "/a" })).guid).toBe("https://ex.com/a");
    const hashed = (await norm({})).guid;
    expect(hashed).toMatch(/^hash:[0-9a-f]{32}$/);
    expect((await norm({}, { now: NOW + 1 })).guid).toBe(hashed);
    expect((await norm({ title: "别的标题" })).guid).not.toBe(hashed);
    expect((await norm({ published: "2025-11-19T10:00:00+08:00" })).guid).not.toBe(hashed);
    expect((await norm({ guid: `g\u0001${"x".repeat(2000)}` })).guid).toBe(`g${"x".repeat(999)}`);
    // Stored identities: the formula must not change, or every such article comes back as new.
    expect(hashed).toBe(`hash:${(await sha256Hex("标题\n2025-11-18T10:00:00+08:00")).slice(0, 32)}`);
    expect((await norm({ published: null })).guid).toBe(`hash:${(await sha256Hex("标题\n")).slice(0, 32)}`);
  });

  it("takes a title from the body when the item has none, and drops an item with neither", async () => {
    expect((await norm({ title: "  " })).title).toBe("正文内容。");
    expect((await norm({ title: "<b>粗</b> &amp; 细" })).title).toBe("粗 & 细");
    expect((await norm({ title: "长".repeat(600) })).title).toHaveLength(500);
    expect(await normalizeItem(item({ title: null, content: "<p> </p>" }), ctx)).toBeNull();
    expect(await normalizeItem(item({ title: null, content: null, summary: null }), ctx)).toBeNull();
  });

  it("uses the summary as the body when there is no content, and as the summary only beside content", async () => {
    const only = await norm({ content: null, summary: "<p>只有摘要。</p>" });
    expect(only.contentHtml).toBe("<p>只有摘要。</p>");
    expect(only.summary).toBe("只有摘要。");
    const both = await norm({ content: "<p>长长的正文。</p>", summary: "<b>短</b>摘要" });
    expect(both.summary).toBe("短摘要");
  });

  it("writes text content as escaped paragraphs", async () => {
    const a = await norm({ content: "一 < 二 & 三\n\n<b>四</b>", contentIsText: true });
    expect(a.contentHtml).toBe("<p>一 &lt; 二 &amp; 三</p><p>&lt;b&gt;四&lt;/b&gt;</p>");
  });

  it("resolves body URLs against xml:base, else the item's link, else the base", async () => {
    const body = '<p><a href="x.html">x</a></p>';
    expect((await norm({ content: body, link: "https://ex.com/dir/1.html" })).contentHtml).toContain(
      'href="https://ex.com/dir/x.html"',
    );
    expect(
      (await norm({ content: body, link: "https://ex.com/dir/1.html" }, { xmlBase: "https://b.example/" })).contentHtml,
    ).toContain('href="https://b.example/x.html"');
    expect((await norm({ content: body })).contentHtml).toContain('href="https://ex.com/feed/x.html"');
  });

  it("takes the image from the item, else the body's first, with entities decoded", async () => {
    expect((await norm({ image: "/i.png", content: '<img src="https://ex.com/b.png">' })).image).toBe(
      "https://ex.com/i.png",
    );
    expect((await norm({ content: '<p>x<img src="https://ex.com/b.png?a=1&amp;b=2"></p>' })).image).toBe(
      "https://ex.com/b.png?a=1&b=2",
    );
    expect((await norm({ image: "ftp://ex.com/i.png" })).image).toBeNull();
  });

  it("tags: the label first, then categories as text, no empties, no repeats, at most 10 of 40 characters", async () => {
    const a = await norm({
      categories: [
        "<b>甲</b>",
        "",
        "标签",
        "甲",
        "乙&amp;丙",
        "长".repeat(50),
        ...Array.from({ length: 12 }, (_, i) => `t${i}`),
      ],
    });
    expect(a.tags).toEqual(["标签", "甲", "乙&丙", "长".repeat(40), "t0", "t1", "t2", "t3", "t4", "t5"]);
    expect((await normalizeItem(item(), { ...ctx, source: { ...ctx.source, label: "" } }))!.tags).toEqual([]);
  });

  it("authors as text joined with 、, none when all are empty", async () => {
    expect((await norm({ authors: ["<i>甲</i>", "", "乙"] })).author).toBe("甲、乙");
    expect((await norm({ authors: [" "] })).author).toBeNull();
  });

  it("dates: published else updated; undated items take the time first seen in the source's zone", async () => {
    const upd = await norm({ published: null, updated: "2025-11-19T08:00:00+08:00" });
    expect(toRfc3339(upd.published)).toBe("2025-11-19T08:00:00+08:00");
    expect(upd.undated).toBe(false);
    const none = await norm({ published: null });
    expect(none).toMatchObject({
      undated: true,
      published: { ms: NOW, offset: 480 },
      updated: { ms: NOW, offset: 480 },
    });
    const ny = await normalizeItem(item({ published: null }), {
      ...ctx,
      source: { ...ctx.source, timezone: "America/New_York" },
    });
    expect(ny!.published.offset).toBe(-300);
    const both = await norm({ updated: "2025-11-19T08:00:00+08:00" });
    expect(toRfc3339(both.updated)).toBe("2025-11-19T08:00:00+08:00");
  });
});
