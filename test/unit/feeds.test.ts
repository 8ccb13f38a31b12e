import { beforeAll, describe, expect, it } from "vitest";
import type { Article, FeedDocument } from "../../src/core/model";
import { absolutizeHtml, renderAtom, renderJsonFeed, renderRss } from "../../src/render/feeds";
import { resetIsolateState } from "../../src/state";

const T = Date.UTC(2022, 1, 21, 2, 27, 50); // 2022-02-21 10:27:50 +08:00

function article(over: Partial<Article> = {}): Article {
  return {
    id: "0123456789abcdef",
    guid: "g1",
    pathDate: "2022/02/21",
    // As stored: the version changes exactly when the article does (rendered items are kept by it).
    version: `v1 ${JSON.stringify(over)}`,
    originalUrl: "https://paper.example/a?x=1&y=2",
    title: "普通标题",
    summary: "摘要。",
    contentHtml: "<p>正文</p>",
    published: { ms: T, offset: 480 },
    updated: { ms: T + 3_600_000, offset: 480 },
    author: null,
    image: null,
    tags: ["桂林晚报新闻"],
    source: { slug: "guilinwanbao", name: "桂林晚报", label: "桂林晚报新闻" },
    ...over,
  };
}

function doc(items: Article[]): FeedDocument {
  return {
    title: "站点 & <测试>",
    description: "描述",
    homePageUrl: "https://news.test/",
    selfUrl: "https://news.test/feed.xml",
    baseUrl: "https://news.test",
    language: "zh-CN",
    ttlMinutes: 15,
    updated: items[0]?.updated ?? { ms: 0, offset: 0 },
    items,
  };
}

const hostile = article({
  id: "fedcba9876543210",
  title: `坏]]>标题]]>二 & <b>粗</b> \u0001\u0008\uFFFE 😀${"长".repeat(2000)}`,
  summary: "",
  contentHtml: '<p>一 ]]> 二 ]]> 三 &amp; <a href="/tag/x">站内</a> <img src="/assets/samples/bus.svg"> \u000b</p>',
  tags: ["C++ & <测试>", 'quote"tag'],
  image: "/assets/samples/bus.svg",
});

// XML 1.0 Char production: anything else must never reach a reader.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Text of every CDATA section; the document outside them must not contain "]]>". */
function cdataSplit(xml: string): { outside: string; sections: string[] } {
  const sections: string[] = [];
  const outside = xml.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, body: string) => {
    sections.push(body);
    return "";
  });
  return { outside, sections };
}

describe.each([
  ["RSS", renderRss],
  ["Atom", renderAtom],
])("%s with hostile content", (_name, render) => {
  // Rendered in a hook, not while the tests are collected, so it runs under each test run's code.
  let xml = "";
  beforeAll(() => {
    xml = render(doc([hostile, article()]));
  });

  it("never contains characters XML 1.0 forbids", () => {
    expect(xml).not.toMatch(FORBIDDEN);
  });

  it("keeps every ]]> out of the markup, and the text exact (each CDATA section ends where it should)", () => {
    const { outside } = cdataSplit(xml);
    expect(outside).not.toContain("]]>");
    expect(outside).not.toContain("<![CDATA[");
    // Adjacent CDATA sections read back as one text: the title's two "]]>" are both there.
    const text = xml.replace(/\]\]><!\[CDATA\[/g, "");
    // RSS titles keep ">" (it starts no markup: core/text.ts rssTitleText); Atom titles are
    // type="html", so theirs is escaped once.
    expect(text).toMatch(/坏\]\](>|&gt;)标题\]\](>|&gt;)二/);
    expect(text).toContain("<p>一 ]]> 二 ]]> 三");
  });

  it("escapes < in attribute values", () => {
    expect(xml).not.toMatch(/="[^"]*</);
  });

  it("writes dates in the source's +08:00 offset", () => {
    expect(xml).toMatch(/2022-02-21T10:27:50\+08:00|Mon, 21 Feb 2022 10:27:50 \+0800/);
    expect(xml).not.toMatch(/GMT|T\d\d:\d\d:\d\d(\.\d+)?Z/);
  });

  it("makes root-relative links in bodies absolute", () => {
    expect(xml).toContain('href="https://news.test/tag/x"');
    expect(xml).toContain('src="https://news.test/assets/samples/bus.svg"');
  });

  it("omits the summary of an item that has none, and keeps the one that does", () => {
    const items = xml.split(/<item>|<entry>/).slice(1);
    expect(items[0]).not.toMatch(/<description>|<summary/);
    expect(items[1]).toMatch(/<description>|<summary/);
  });
});

describe("RSS specifics", () => {
  let xml = "";
  beforeAll(() => {
    xml = renderRss(doc([article({ author: "记者 周某" }), hostile]));
  });
  it("has content:encoded, a permalink guid, dc:creator, categories, ttl, language, self link and an enclosure", () => {
    expect(xml).toContain("<content:encoded><![CDATA[<p>正文</p>]]></content:encoded>");
    expect(xml).toContain(
      '<guid isPermaLink="true">https://news.test/guilinwanbao/2022/02/21/0123456789abcdef.html</guid>',
    );
    expect(xml).toContain("<dc:creator>记者 周某</dc:creator>");
    expect(xml).toContain("<dc:creator>桂林晚报</dc:creator>");
    expect(xml).toContain("<category>C++ &amp; &lt;测试&gt;</category>");
    expect(xml).toContain("<ttl>15</ttl>");
    expect(xml).toContain("<language>zh-CN</language>");
    expect(xml).toContain('<atom:link href="https://news.test/feed.xml" rel="self" type="application/rss+xml"/>');
    expect(xml).toContain(
      '<enclosure length="0" type="image/svg+xml" url="https://news.test/assets/samples/bus.svg"/>',
    );
    expect(xml).toContain("<pubDate>Mon, 21 Feb 2022 10:27:50 +0800</pubDate>");
    expect(xml).toContain('<?xml-stylesheet href="/assets/feed.xsl" type="text/xsl"?>');
  });
});

describe("Atom specifics", () => {
  let xml = "";
  beforeAll(() => {
    xml = renderAtom(doc([article(), hostile]));
  });
  it("has xml:lang, self and alternate links, published and updated with the offset, HTML-escaped titles", () => {
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">');
    expect(xml).toContain('<link rel="self" href="https://news.test/feed.xml"/>');
    expect(xml).toContain('<link rel="alternate" href="https://news.test/"/>');
    expect(xml).toContain("<published>2022-02-21T10:27:50+08:00</published>");
    expect(xml).toContain("<updated>2022-02-21T11:27:50+08:00</updated>");
    expect(xml).toContain("&amp; &lt;b&gt;粗&lt;/b&gt;");
    expect(xml).toContain('term="C++ &amp; &lt;测试&gt;"');
    expect(xml).toContain('term="quote&quot;tag"');
  });

  it("types the enclosure by its media type (feed@6 would write image/svg) and gives no length", () => {
    expect(xml).toContain(
      '<link rel="enclosure" type="image/svg+xml" href="https://news.test/assets/samples/bus.svg"/>',
    );
    expect(xml).not.toContain('length="0"');
  });

  it("is the same bytes when rendered twice (no build time inside)", () => {
    expect(renderAtom(doc([article(), hostile]))).toBe(xml);
    expect(renderRss(doc([article()]))).toBe(renderRss(doc([article()])));
  });
});

describe("JSON Feed 1.1", () => {
  let feed: Record<string, unknown> & { items: Record<string, unknown>[] } = { items: [] };
  beforeAll(() => {
    feed = JSON.parse(renderJsonFeed(doc([article({ image: "https://img.example/a.jpg" }), hostile])));
  });
  it("declares version 1.1 and the required top-level fields", () => {
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.title).toBe("站点 & <测试>");
    expect(feed.home_page_url).toBe("https://news.test/");
    expect(feed.feed_url).toBe("https://news.test/feed.xml");
    expect(feed.language).toBe("zh-CN");
    expect(feed.items).toHaveLength(2);
  });

  it("gives each item its id, url, content_html, dates with offset, authors and tags", () => {
    const [a, b] = feed.items;
    expect(a).toMatchObject({
      id: "https://news.test/guilinwanbao/2022/02/21/0123456789abcdef.html",
      url: "https://news.test/guilinwanbao/2022/02/21/0123456789abcdef.html",
      external_url: "https://paper.example/a?x=1&y=2",
      title: "普通标题",
      content_html: "<p>正文</p>",
      summary: "摘要。",
      image: "https://img.example/a.jpg",
      date_published: "2022-02-21T10:27:50+08:00",
      date_modified: "2022-02-21T11:27:50+08:00",
      authors: [{ name: "桂林晚报" }],
      tags: ["桂林晚报新闻"],
    });
    expect(b!.summary).toBeUndefined();
    expect(b!.image).toBe("https://news.test/assets/samples/bus.svg");
    expect(typeof b!.content_html).toBe("string");
  });
});

describe("absolutizeHtml", () => {
  it("rewrites only root-relative URLs", () => {
    expect(
      absolutizeHtml(
        '<a href="/x">a</a><a href="//cdn.example/y">b</a><img src="https://e.example/z.png">',
        "https://s.test",
      ),
    ).toBe('<a href="https://s.test/x">a</a><a href="//cdn.example/y">b</a><img src="https://e.example/z.png">');
  });
});

describe("text the XML writer would have mangled", () => {
  it("keeps a literal &amp; in a tag and an author (xml-js would print it as &)", () => {
    const xml = renderRss(doc([article({ tags: ["AT&amp;T"], author: "A &amp; B" })]));
    expect(xml).toContain("<category>AT&amp;amp;T</category>");
    expect(xml).toContain("<dc:creator>A &amp;amp; B</dc:creator>");
  });

  it("never lets a stray U+FFFE in data be taken for a placeholder", () => {
    const xml = renderAtom(doc([article({ title: "a\uFFFE0\uFFFEb", tags: ["\uFFFE1\uFFFE"] })]));
    expect(xml).not.toContain("\uFFFE");
    expect(xml).toContain("a0b");
  });
});

describe("RFC 5005 and attribution", () => {
  const paged: FeedDocument = {
    ...doc([article()]),
    id: "https://news.test/feed.xml",
    selfUrl: "https://news.test/feed.xml?before=abc",
    links: { next: "https://news.test/feed.xml?before=def", prevArchive: "https://news.test/archive/2022-01/feed.xml" },
    history: "archive",
  };

  it("Atom carries next and prev-archive links, the fh:archive marker and each entry's source", () => {
    const xml = renderAtom(paged);
    expect(xml).toContain(
      '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="http://purl.org/syndication/history/1.0" xml:lang="zh-CN">',
    );
    expect(xml).toContain("<id>https://news.test/feed.xml</id>");
    expect(xml).toContain('<link rel="next" href="https://news.test/feed.xml?before=def"/>');
    expect(xml).toContain('<link rel="prev-archive" href="https://news.test/archive/2022-01/feed.xml"/>');
    expect(xml).toContain("<fh:archive/>");
    expect(xml).toMatch(
      /<source>\s*<id>https:\/\/news\.test\/category\/guilinwanbao\/rss\.xml<\/id>\s*<title>桂林晚报<\/title>/,
    );
  });

  it("RSS carries them as atom:link, fh:archive and <source url>", () => {
    const xml = renderRss(paged);
    expect(xml).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
    expect(xml).toContain(
      '<atom:link href="https://news.test/feed.xml?before=abc" rel="self" type="application/rss+xml"/>',
    );
    expect(xml).toContain('<atom:link href="https://news.test/feed.xml?before=def" rel="next"/>');
    expect(xml).toContain("<fh:archive/>");
    expect(xml).toContain('<source url="https://news.test/category/guilinwanbao/rss.xml">桂林晚报</source>');
  });

  it("JSON Feed pages with next_url", () => {
    expect(JSON.parse(renderJsonFeed(paged)).next_url).toBe("https://news.test/feed.xml?before=def");
  });
});

describe("rendered items kept in isolate memory", () => {
  const items = [
    article({ author: "记者 周某" }),
    hostile,
    article({ id: "00000000000000aa", image: "https://img.example/p.png" }),
  ];

  it.each([
    ["RSS", renderRss],
    ["Atom", renderAtom],
  ])("%s: the same bytes from kept items, from fresh ones, and from a mix", (_name, render) => {
    resetIsolateState();
    const cold = render(doc(items));
    expect(render(doc(items))).toBe(cold);
    resetIsolateState();
    render(doc([items[1]!]));
    expect(render(doc(items))).toBe(cold);
    expect(render({ ...doc(items), items: [items[2]!, items[0]!] })).toBe(
      (resetIsolateState(), render({ ...doc(items), items: [items[2]!, items[0]!] })),
    );
  });

  it("renders an article again when its version, its source's name or the base URL changes", () => {
    renderRss(doc(items));
    const edited = { ...items[0]!, title: "改过的标题", version: "v2" };
    expect(renderRss(doc([edited]))).toContain("改过的标题");
    const renamed = { ...items[0]!, source: { ...items[0]!.source, name: "新名字" } };
    expect(renderRss(doc([renamed]))).toContain("<dc:creator>记者 周某</dc:creator>");
    expect(renderRss(doc([renamed]))).toContain(">新名字</source>");
    expect(renderAtom({ ...doc(items), baseUrl: "https://other.test" })).toContain(
      "https://other.test/guilinwanbao/2022/02/21/0123456789abcdef.html",
    );
  });

  it("tells a listing read without bodies from one with them", () => {
    const full = renderAtom(doc([items[0]!]));
    expect(full).toContain("<p>正文</p>");
    expect(renderAtom(doc([{ ...items[0]!, contentHtml: "" }]))).not.toContain("<p>正文</p>");
  });
});

describe("what each item carries, in every format", () => {
  it('escapes <, > and " in text and attributes: author, tag, source name', () => {
    resetIsolateState();
    const a = article({
      author: 'A <b> "c"',
      tags: ['<t> "q"'],
      source: { slug: "gl", name: '报<纸> "甲"', label: "x" },
    });
    const rss = renderRss(doc([a]));
    expect(rss).toContain("<dc:creator>A &lt;b&gt; &quot;c&quot;</dc:creator>");
    expect(rss).toContain("<category>&lt;t&gt; &quot;q&quot;</category>");
    expect(rss).toContain('<source url="https://news.test/category/gl/rss.xml">报&lt;纸&gt; &quot;甲&quot;</source>');
    const atom = renderAtom(doc([a]));
    expect(atom).toContain("<name>A &lt;b&gt; &quot;c&quot;</name>");
    expect(atom).toContain('<category label="&lt;t&gt; &quot;q&quot;" term="&lt;t&gt; &quot;q&quot;"/>');
    expect(atom).toContain("<title>报&lt;纸&gt; &quot;甲&quot;</title>");
    expect(atom).toContain('<link rel="alternate" href="https://news.test/category/gl.html"/>');
    expect(JSON.parse(renderJsonFeed(doc([a]))).items[0].authors).toEqual([{ name: 'A <b> "c"' }]);
  });

  it("splits every ]]> in a title across two CDATA sections", () => {
    resetIsolateState();
    const rss = renderRss(doc([article({ title: "甲]]>乙" })]));
    expect(rss).toContain("<title><![CDATA[甲]]]]><![CDATA[>乙]]></title>");
  });

  it("falls back to the summary, else the title, as a paragraph when there is no body", () => {
    resetIsolateState();
    const rss = renderRss(doc([article({ contentHtml: "", summary: "摘 <要>" })]));
    expect(rss).toContain("<content:encoded><![CDATA[<p>摘 &lt;要&gt;</p>]]></content:encoded>");
    const json = JSON.parse(renderJsonFeed(doc([article({ contentHtml: "", summary: "", title: "只有 & 标题" })])));
    expect(json.items[0].content_html).toBe("<p>只有 &amp; 标题</p>");
  });

  it.each([
    ["https://img.example/a.JPG?x=1", "image/jpeg"],
    ["https://img.example/a.jpeg#f", "image/jpeg"],
    ["https://img.example/p/a.png", "image/png"],
    ["https://img.example/a.gif", "image/gif"],
    ["https://img.example/a.webp", "image/webp"],
    ["https://img.example/a.avif", "image/avif"],
    ["https://img.example/a.svg", "image/svg+xml"],
    ["/assets/a.png", "image/png"],
  ])("gives the image %s an enclosure of type %s", (image, type) => {
    resetIsolateState();
    const url = image.startsWith("/") ? `https://news.test${image}` : image;
    expect(renderRss(doc([article({ image })]))).toContain(`<enclosure length="0" type="${type}" url="${url}"/>`);
    expect(renderAtom(doc([article({ image })]))).toContain(`<link rel="enclosure" type="${type}" href="${url}"/>`);
  });

  it.each([
    "https://img.example/a.bmp",
    "https://img.example/noext",
    "https://img.example/dir.png/file",
    "https://img.example.png",
    "//img.example/a.png",
    "ftp1://img.example/a",
  ])("gives the image %s no enclosure (no known image type)", (image) => {
    resetIsolateState();
    expect(renderRss(doc([article({ image })]))).not.toContain("<enclosure");
    expect(renderAtom(doc([article({ image })]))).not.toContain('rel="enclosure"');
  });

  it("JSON Feed: hubs, no external_url, summary or tags when there are none, and the author over the source", () => {
    const json = JSON.parse(
      renderJsonFeed({
        ...doc([article({ originalUrl: null, summary: "", tags: [], author: "记者", image: null })]),
        hubUrl: "https://news.test/websub",
      }),
    );
    expect(json.hubs).toEqual([{ type: "WebSub", url: "https://news.test/websub" }]);
    expect(json.next_url).toBeUndefined();
    const [item] = json.items;
    for (const k of ["external_url", "summary", "tags", "image"]) expect(item).not.toHaveProperty(k);
    expect(item.authors).toEqual([{ name: "记者" }]);
    expect(item.language).toBe("zh-CN");
    expect(JSON.parse(renderJsonFeed(doc([]))).hubs).toBeUndefined();
  });

  it("RSS without history links writes one self link and the hub", () => {
    resetIsolateState();
    const rss = renderRss({ ...doc([article()]), hubUrl: "https://news.test/websub" });
    expect(rss.match(/<atom:link /g)).toHaveLength(2);
    expect(rss).toContain('<atom:link href="https://news.test/websub" rel="hub"/>');
    expect(rss).not.toContain("fh:");
    const atom = renderAtom(doc([article()]));
    expect(atom).not.toContain("fh:");
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">');
  });

  it("a document of no items still has its channel or feed, and no item", () => {
    const rss = renderRss(doc([]));
    expect(rss).not.toContain("<item>");
    expect(rss).toContain("<title>站点 &amp; &lt;测试&gt;</title>");
    expect(rss).toMatch(/<\/channel>\s*<\/rss>\s*$/);
    const atom = renderAtom(doc([]));
    expect(atom).not.toContain("<entry>");
    expect(atom).toMatch(/<\/feed>\s*$/);
  });
});
