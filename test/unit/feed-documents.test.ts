// Whole feed documents, byte for byte, as a reader receives them: one plain article and one
// with media (an upstream podcast's audio, an untyped file) and a title derived from its text.
// The pieces are asserted one by one in feeds.test.ts; here the document as a whole shows that
// every piece lands where it belongs (each item closed with its enclosures, creator and source;
// RFC 5005 links after the self link; nothing written twice or left out).
import { describe, expect, it } from "vitest";
import type { Article, FeedDocument } from "../../src/core/model";
import { renderAtom, renderJsonFeed, renderRss } from "../../src/render/feeds";
import { resetIsolateState } from "../../src/state";

const T = Date.UTC(2022, 1, 21, 2, 27, 50); // 2022-02-21 10:27:50 +08:00

const plain: Article = {
  id: "0123456789abcdef",
  guid: "g1",
  pathDate: "2022/02/21",
  version: "v1",
  originalUrl: "https://paper.example/a",
  title: "标题",
  summary: "摘要。",
  contentHtml: "<p>正文</p>",
  published: { ms: T, offset: 480 },
  updated: { ms: T + 3_600_000, offset: 480 },
  author: null,
  image: null,
  tags: ["新闻"],
  source: { slug: "gl", name: "桂林晚报", label: "新闻" },
};

// Its own media stand in for the image as enclosures; its title was derived (no title upstream).
const podcast: Article = {
  ...plain,
  id: "00000000000000bb",
  version: "v2",
  enclosures: [
    { url: "https://m.example/a.mp3", type: "audio/mpeg", length: 1234 },
    { url: "https://m.example/v", type: null, length: null },
  ],
  image: "https://img.example/x.png",
  titleDerived: true,
};

const doc: FeedDocument = {
  title: "站点",
  description: "描述",
  homePageUrl: "https://news.test/",
  selfUrl: "https://news.test/feed.xml",
  baseUrl: "https://news.test",
  language: "zh-CN",
  ttlMinutes: 15,
  updated: plain.updated,
  items: [plain, podcast],
};

const RSS = `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="/assets/feed.xsl" type="text/xsl"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
    <channel>
        <title>站点</title>
        <link>https://news.test/</link>
        <description>描述</description>
        <lastBuildDate>Mon, 21 Feb 2022 11:27:50 +0800</lastBuildDate>
        <docs>https://validator.w3.org/feed/docs/rss2.html</docs>
        <generator>edge-news</generator>
        <language>zh-CN</language>
        <ttl>15</ttl>
        <atom:link href="https://news.test/feed.xml" rel="self" type="application/rss+xml"/>
        <item>
            <title><![CDATA[标题]]></title>
            <link>https://news.test/gl/2022/02/21/0123456789abcdef.html</link>
            <guid isPermaLink="true">https://news.test/gl/2022/02/21/0123456789abcdef.html</guid>
            <pubDate>Mon, 21 Feb 2022 10:27:50 +0800</pubDate>
            <description><![CDATA[摘要。]]></description>
            <content:encoded><![CDATA[<p>正文</p>]]></content:encoded>
            <category>新闻</category>
            <dc:creator>桂林晚报</dc:creator>
            <source url="https://news.test/category/gl/rss.xml">桂林晚报</source>
        </item>
        <item>
            <link>https://news.test/gl/2022/02/21/00000000000000bb.html</link>
            <guid isPermaLink="true">https://news.test/gl/2022/02/21/00000000000000bb.html</guid>
            <pubDate>Mon, 21 Feb 2022 10:27:50 +0800</pubDate>
            <description><![CDATA[摘要。]]></description>
            <content:encoded><![CDATA[<p>正文</p>]]></content:encoded>
            <category>新闻</category>
            <enclosure url="https://m.example/a.mp3" length="1234" type="audio/mpeg"/>
            <enclosure url="https://m.example/v" length="0" type="application/octet-stream"/>
            <dc:creator>桂林晚报</dc:creator>
            <source url="https://news.test/category/gl/rss.xml">桂林晚报</source>
        </item>
    </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="/assets/feed.xsl" type="text/xsl"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
    <id>https://news.test/feed.xml</id>
    <title>站点</title>
    <updated>2022-02-21T11:27:50+08:00</updated>
    <generator>edge-news</generator>
    <link rel="alternate" href="https://news.test/"/>
    <link rel="self" href="https://news.test/feed.xml"/>
    <subtitle>描述</subtitle>
    <entry>
        <title type="html"><![CDATA[标题]]></title>
        <id>https://news.test/gl/2022/02/21/0123456789abcdef.html</id>
        <link href="https://news.test/gl/2022/02/21/0123456789abcdef.html"/>
        <updated>2022-02-21T11:27:50+08:00</updated>
        <summary type="html"><![CDATA[摘要。]]></summary>
        <content type="html"><![CDATA[<p>正文</p>]]></content>
        <author>
            <name>桂林晚报</name>
        </author>
        <category label="新闻" term="新闻"/>
        <published>2022-02-21T10:27:50+08:00</published>
        <source>
            <id>https://news.test/category/gl/rss.xml</id>
            <title>桂林晚报</title>
            <updated>2022-02-21T11:27:50+08:00</updated>
            <link rel="alternate" href="https://news.test/category/gl.html"/>
        </source>
    </entry>
    <entry>
        <title type="html"><![CDATA[标题]]></title>
        <id>https://news.test/gl/2022/02/21/00000000000000bb.html</id>
        <link href="https://news.test/gl/2022/02/21/00000000000000bb.html"/>
        <updated>2022-02-21T11:27:50+08:00</updated>
        <summary type="html"><![CDATA[摘要。]]></summary>
        <content type="html"><![CDATA[<p>正文</p>]]></content>
        <author>
            <name>桂林晚报</name>
        </author>
        <category label="新闻" term="新闻"/>
        <published>2022-02-21T10:27:50+08:00</published>
        <link rel="enclosure" href="https://m.example/a.mp3" type="audio/mpeg" length="1234"/>
        <link rel="enclosure" href="https://m.example/v"/>
        <source>
            <id>https://news.test/category/gl/rss.xml</id>
            <title>桂林晚报</title>
            <updated>2022-02-21T11:27:50+08:00</updated>
            <link rel="alternate" href="https://news.test/category/gl.html"/>
        </source>
    </entry>
</feed>`;

const RSS_PAGED = `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="/assets/feed.xsl" type="text/xsl"?>
<rss version="2.0" xmlns:fh="http://purl.org/syndication/history/1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
    <channel>
        <title>站点</title>
        <link>https://news.test/</link>
        <description>描述</description>
        <lastBuildDate>Mon, 21 Feb 2022 11:27:50 +0800</lastBuildDate>
        <docs>https://validator.w3.org/feed/docs/rss2.html</docs>
        <generator>edge-news</generator>
        <language>zh-CN</language>
        <ttl>15</ttl>
        <atom:link href="https://news.test/feed.xml" rel="self" type="application/rss+xml"/>
        <atom:link href="https://news.test/feed.xml?before=x" rel="next"/>
        <item>
            <title><![CDATA[标题]]></title>
            <link>https://news.test/gl/2022/02/21/0123456789abcdef.html</link>
            <guid isPermaLink="true">https://news.test/gl/2022/02/21/0123456789abcdef.html</guid>
            <pubDate>Mon, 21 Feb 2022 10:27:50 +0800</pubDate>
            <description><![CDATA[摘要。]]></description>
            <content:encoded><![CDATA[<p>正文</p>]]></content:encoded>
            <category>新闻</category>
            <dc:creator>桂林晚报</dc:creator>
            <source url="https://news.test/category/gl/rss.xml">桂林晚报</source>
        </item>
        <fh:archive/>
    </channel>
</rss>`;

const ATOM_PAGED = `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="/assets/feed.xsl" type="text/xsl"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
    <id>https://news.test/feed.xml</id>
    <title>站点</title>
    <updated>2022-02-21T11:27:50+08:00</updated>
    <generator>edge-news</generator>
    <link rel="alternate" href="https://news.test/"/>
    <link rel="self" href="https://news.test/feed.xml"/>
    <link rel="next" href="https://news.test/feed.xml?before=x"/>
    <subtitle>描述</subtitle>
    <entry>
        <title type="html"><![CDATA[标题]]></title>
        <id>https://news.test/gl/2022/02/21/0123456789abcdef.html</id>
        <link href="https://news.test/gl/2022/02/21/0123456789abcdef.html"/>
        <updated>2022-02-21T11:27:50+08:00</updated>
        <summary type="html"><![CDATA[摘要。]]></summary>
        <content type="html"><![CDATA[<p>正文</p>]]></content>
        <author>
            <name>桂林晚报</name>
        </author>
        <category label="新闻" term="新闻"/>
        <published>2022-02-21T10:27:50+08:00</published>
        <source>
            <id>https://news.test/category/gl/rss.xml</id>
            <title>桂林晚报</title>
            <updated>2022-02-21T11:27:50+08:00</updated>
            <link rel="alternate" href="https://news.test/category/gl.html"/>
        </source>
    </entry>
</feed>`;

describe("feed documents, whole", () => {
  // Twice: rendered fresh, then from the items kept in isolate memory.
  it.each([
    ["fresh", () => resetIsolateState()],
    ["kept", () => undefined],
  ])(
    "RSS 2.0 (%s items): no <title> for a derived one, its media as typed enclosures, no image enclosure",
    (_n, between) => {
      resetIsolateState();
      renderRss(doc);
      between();
      expect(renderRss(doc)).toBe(RSS);
    },
  );

  it.each([
    ["fresh", () => resetIsolateState()],
    ["kept", () => undefined],
  ])("Atom 1.0 (%s entries): enclosures typed by the upstream, without a length when unknown", (_n, between) => {
    resetIsolateState();
    renderAtom(doc);
    between();
    expect(renderAtom(doc)).toBe(ATOM);
  });

  it("RSS and Atom of the same articles never take each other's kept items", () => {
    resetIsolateState();
    expect(renderRss(doc)).toBe(RSS);
    expect(renderAtom(doc)).toBe(ATOM);
    expect(renderRss(doc)).toBe(RSS);
  });

  it("RSS with a next page and the archive marker: the history namespace on <rss>, atom:link rel=next", () => {
    resetIsolateState();
    const paged = {
      ...doc,
      items: [plain],
      links: { next: "https://news.test/feed.xml?before=x" },
      history: "archive" as const,
    };
    expect(renderRss(paged)).toBe(RSS_PAGED);
  });

  it("Atom with a next page and no archive marker: the next link right after the self link", () => {
    resetIsolateState();
    const paged = { ...doc, items: [plain], links: { next: "https://news.test/feed.xml?before=x" } };
    expect(renderAtom(paged)).toBe(ATOM_PAGED);
  });

  it("JSON Feed 1.1: no title for a derived one, the media as attachments with a type always", () => {
    const json = JSON.parse(renderJsonFeed(doc));
    expect(json.version).toBe("https://jsonfeed.org/version/1.1");
    expect(json.items[0].title).toBe("标题");
    expect(json.items[0]).not.toHaveProperty("attachments");
    expect(json.items[1]).not.toHaveProperty("title");
    expect(json.items[1].image).toBe("https://img.example/x.png");
    expect(json.items[1].attachments).toEqual([
      { url: "https://m.example/a.mp3", mime_type: "audio/mpeg", size_in_bytes: 1234 },
      { url: "https://m.example/v", mime_type: "application/octet-stream" },
    ]);
  });

  it("RSS keeps the title of a derived-title item that has no summary: an item needs one of them", () => {
    resetIsolateState();
    const bare = { ...podcast, summary: "" };
    const item = renderRss({ ...doc, items: [bare] }).split("<item>")[1]!;
    expect(item).toContain("<title><![CDATA[标题]]></title>");
    expect(item).not.toContain("<description>");
  });
});
