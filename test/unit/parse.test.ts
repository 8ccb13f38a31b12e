// Feed text → one item shape, for every format feedsmith reads (fixtures and small feeds made here).
import { describe, expect, inject, it } from "vitest";
import { decodeFeedBytes } from "../../src/ingest/decode";
import { FeedParseError, MAX_ITEMS, parseFeedText } from "../../src/ingest/parse";

const fixtures = inject("feedFixtures");
const fixture = (name: string) =>
  decodeFeedBytes(
    Uint8Array.from(atob(fixtures[name]!), (c) => c.charCodeAt(0)),
    null,
  ).text;

const rss = (items: string, channel = "") =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>频道</title><link>https://ex.com/</link><description>d</description>${channel}${items}</channel></rss>`;
const atom = (entries: string, attrs = "") =>
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"${attrs}><title>原子</title><id>urn:x</id><updated>2025-11-18T00:00:00Z</updated><link href="https://ex.org/"/>${entries}</feed>`;

describe("parseFeedText on the fixtures", () => {
  it("RSS 2.0: channel, ttl, every item field", () => {
    const f = parseFeedText(fixture("rss20.xml"));
    expect(f).toMatchObject({
      format: "rss",
      title: "桂林新闻网（示例）",
      link: "https://news.example.com/",
      base: null,
      ttlMinutes: 60,
    });
    expect(f.items).toHaveLength(3);
    expect(f.items[0]).toMatchObject({
      guid: "gxnews-2025-001",
      link: "https://news.example.com/2025/11/001.html",
      title: "漓江游船冬季班次调整，首班船推迟至八点半",
      contentIsText: false,
      summary: "漓江游船自11月20日起执行冬季班次，首班船由早七点半推迟至八点半。",
      published: "Mon, 17 Nov 2025 08:00:00 +0800",
      updated: null,
      authors: ["王建华"],
      categories: ["旅游", "漓江"],
      image: null,
    });
    expect(f.items[0]!.content).toMatch(/^<p>记者从漓江景区管理部门获悉/);
  });

  it("Atom 1.0: xml:base, alternate links as written, published and updated", () => {
    const f = parseFeedText(fixture("atom10.xml"));
    expect(f).toMatchObject({
      format: "atom",
      link: "./",
      base: "https://news.example.org/liuzhou/",
      ttlMinutes: null,
    });
    expect(f.items[0]).toMatchObject({
      guid: "tag:news.example.org,2025-11-17:/liuzhou/a1",
      link: "2025/11/a1.html",
      title: "柳州轨道交通接驳公交线路优化方案公示",
      contentIsText: false,
      summary: "市交通部门公示接驳公交优化方案，涉及七条线路，公示期十天。",
      published: "2025-11-17T09:00:00+08:00",
      updated: "2025-11-17T11:20:00+08:00",
      authors: ["陈思远"],
      categories: ["交通"],
    });
  });

  it("Atom 0.3, RDF and RSS 0.91 map onto the same shape", () => {
    const a03 = parseFeedText(fixture("atom03.xml"));
    expect(a03.format).toBe("atom");
    expect(a03.items[0]).toMatchObject({
      guid: "tag:travel.example.net,2025:/yangshuo/raft",
      link: "https://travel.example.net/yangshuo/2025/11/raft.html",
      published: "2025-11-18T10:00:00+08:00",
      updated: "2025-11-18T12:30:00+08:00",
    });
    const rdf = parseFeedText(fixture("rdf.xml"));
    expect(rdf).toMatchObject({ format: "rdf", title: "桂林市民生快讯", link: "https://gl.example.net/" });
    expect(rdf.items[0]).toMatchObject({
      guid: "https://gl.example.net/2025/11/bus-route-12.html",
      title: "12路公交临时绕行七星路",
      published: "2025-11-17T08:15:00+08:00",
      authors: ["李晓红"],
      summary: null,
    });
    const r091 = parseFeedText(fixture("rss091.xml"));
    expect(r091.items[0]).toMatchObject({
      guid: null,
      link: "https://yangshuo.example.org/notice/101.html",
      published: null,
    });
  });

  it("JSON Feed 1.0 and 1.1: text content flagged, authors, tags and images", () => {
    const j10 = parseFeedText(fixture("jsonfeed10.json"));
    expect(j10).toMatchObject({ format: "json", link: "https://community.example.com/liuzhou/" });
    expect(j10.items[0]).toMatchObject({ contentIsText: true, authors: ["蒙晓静"], summary: null });
    expect(j10.items[1]).toMatchObject({ guid: "lz-community-0002", contentIsText: false });
    const j11 = parseFeedText(fixture("jsonfeed11.json"));
    expect(j11.items[1]).toMatchObject({
      authors: ["莫振华", "蒋雨桐"],
      categories: ["教育", "交通", "临桂区"],
      image: "https://img.example.org/guilin/school-bus.jpg",
      updated: "2025-11-19T10:40:00+08:00",
    });
  });

  it.each([
    ["not-a-feed.html", "not a feed: the URL returned an HTML page"],
    ["xxe.xml", /^not a feed: /],
  ])("refuses %s with a reason", (name, reason) => {
    expect(() => parseFeedText(fixture(name))).toThrow(FeedParseError);
    expect(() => parseFeedText(fixture(name))).toThrow(reason);
  });
});

describe("parseFeedText on feeds made here", () => {
  it("RSS: a guid object, authors by name, content:encoded over description, image enclosures only, Dublin Core", () => {
    const f = parseFeedText(
      rss(`<item><guid isPermaLink="false">  g-1  </guid><title> 标题 </title><link>https://ex.com/1</link>
        <description>摘要</description><content:encoded><![CDATA[<p>正文</p>]]></content:encoded>
        <enclosure url="https://ex.com/a.mp3" type="audio/mpeg" length="1"/>
        <enclosure url="https://ex.com/a.jpg" type="image/jpeg" length="1"/>
        <author>jia@ex.com (甲)</author><author>bare@ex.com</author><dc:creator>乙</dc:creator><category>一</category><dc:subject>二</dc:subject></item>
      <item><dc:title>只有都柏林核心</dc:title><dc:date>2025-11-18T10:00:00+08:00</dc:date><description>d</description>
        <enclosure url="https://ex.com/b.mp3" type="audio/mpeg" length="1"/></item>
      <item><title>空的</title><description>   </description></item>`),
    );
    expect(f.items[0]).toMatchObject({
      guid: "g-1",
      link: "https://ex.com/1",
      title: "标题",
      content: "<p>正文</p>",
      contentIsText: false,
      summary: "摘要",
      published: null,
      updated: null,
      authors: ["甲", "乙"], // the name of an RSS author, never a bare e-mail address
      categories: ["一", "二"],
      image: "https://ex.com/a.jpg",
    });
    expect(f.items[1]).toMatchObject({
      title: "只有都柏林核心",
      published: "2025-11-18T10:00:00+08:00",
      content: "d",
      summary: null,
      image: null,
    });
    expect(f.items[2]).toMatchObject({ content: null, summary: null, guid: null, link: null });
  });

  it.each([
    ["<ttl>0</ttl>", null],
    ["<ttl>-5</ttl>", null],
    ["<ttl>soon</ttl>", null],
    ["<ttl>1</ttl>", 1],
    ["", null],
  ])("reads the channel's %s as ttl %s", (channel, ttl) => {
    expect(parseFeedText(rss("<item><title>t</title></item>", channel)).ttlMinutes).toBe(ttl);
  });

  it("keeps the newest 200 items of a longer feed", () => {
    const items = Array.from(
      { length: MAX_ITEMS + 5 },
      (_, i) => `<item><guid>g${i}</guid><title>t${i}</title></item>`,
    );
    const f = parseFeedText(rss(items.join("")));
    expect(MAX_ITEMS).toBe(200);
    expect(f.items).toHaveLength(200);
    expect(f.items.at(-1)!.guid).toBe("g199");
  });

  it("Atom: the alternate link over others, image enclosures, text content, issued/modified, category labels", () => {
    const f = parseFeedText(
      atom(
        `<entry><id>e1</id><title>一</title><updated>2025-11-18T08:00:00Z</updated>
          <link rel="self" href="https://ex.org/self"/><link rel="enclosure" type="audio/mpeg" href="https://ex.org/a.mp3"/>
          <link rel="alternate" href="https://ex.org/1"/><link rel="enclosure" type="image/png" href="https://ex.org/a.png"/>
          <content type="text">纯文本</content><author><name>作者</name></author>
          <category term="t1" label="标签一"/><category term="t2"/></entry>
        <entry><id>e2</id><title>二</title><updated>2025-11-18T08:00:00Z</updated><link href="https://ex.org/2"/>
          <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></content></entry>`,
        ' xml:base="https://ex.org/base/"',
      ),
    );
    expect(f).toMatchObject({ base: "https://ex.org/base/", link: "https://ex.org/" });
    expect(f.items[0]).toMatchObject({
      guid: "e1",
      link: "https://ex.org/1",
      content: "纯文本",
      contentIsText: true,
      published: null,
      updated: "2025-11-18T08:00:00Z",
      authors: ["作者"],
      categories: ["标签一", "t2"],
      image: "https://ex.org/a.png",
    });
    expect(f.items[1]).toMatchObject({ link: "https://ex.org/2", contentIsText: false, image: null });
  });

  it("Atom 0.3's issued and modified, and content typed text/plain", () => {
    const f = parseFeedText(`<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>旧</title>
      <link rel="alternate" type="text/html" href="https://old.example/"/><modified>2025-11-18T00:00:00Z</modified>
      <entry><id>o1</id><title>旧条目</title><link rel="alternate" type="text/html" href="https://old.example/1"/>
      <issued>2025-11-17T01:00:00Z</issued><modified>2025-11-17T02:00:00Z</modified>
      <content type="text/plain" mode="escaped">文字</content></entry></feed>`);
    expect(f.items[0]).toMatchObject({
      published: "2025-11-17T01:00:00Z",
      updated: "2025-11-17T02:00:00Z",
      contentIsText: true,
    });
  });

  it("JSON Feed: external_url and banner_image as fallbacks, a 1.0 single author, numbers as text", () => {
    const f = parseFeedText(
      JSON.stringify({
        version: "https://jsonfeed.org/version/1",
        title: "J",
        home_page_url: "https://j.example/",
        items: [
          {
            id: 7,
            external_url: "https://elsewhere.example/7",
            title: "七",
            content_text: "文字",
            banner_image: "https://j.example/b.png",
            author: { name: "独自" },
            tags: ["甲"],
            date_modified: "2025-11-18T00:00:00Z",
          },
        ],
      }),
    );
    expect(f.items[0]).toMatchObject({
      guid: "7",
      link: "https://elsewhere.example/7",
      title: "七",
      content: "文字",
      contentIsText: true,
      summary: null,
      published: null,
      updated: "2025-11-18T00:00:00Z",
      authors: ["独自"],
      categories: ["甲"],
      image: "https://j.example/b.png",
    });
  });

  it.each([
    ["{not json", "not a feed: invalid JSON"],
    ["<!-- x -->\n<!DOCTYPE html><html><body>页</body></html>", "not a feed: the URL returned an HTML page"],
    ["  <html lang=zh><body>页</body></html>", "not a feed: the URL returned an HTML page"],
    ["<HTML>\n<body>页</body></HTML>", "not a feed: the URL returned an HTML page"],
    ["plain words", /^not a feed: ./],
  ])("refuses %j", (text, reason) => {
    expect(() => parseFeedText(text)).toThrow(FeedParseError);
    expect(() => parseFeedText(text)).toThrow(reason);
  });

  it("reads an RSS feed that merely mentions html in an element name", () => {
    expect(parseFeedText(rss("<item><title>t</title></item>")).format).toBe("rss");
    expect(() => parseFeedText('<htmlfeed version="1"/>')).toThrow(/^not a feed: (?!the URL returned)/);
  });
});

describe("parseFeedText: fallbacks and the feed's own link and base", () => {
  it("takes Media RSS's description as the body of an item without one, as text", () => {
    const media = 'xmlns:media="http://search.yahoo.com/mrss/"';
    const withMedia = (items: string) => rss(items).replace('<rss version="2.0"', `<rss version="2.0" ${media}`);
    const f = parseFeedText(
      withMedia(`<item><title>一</title><media:description>视频说明</media:description></item>
        <item><title>二</title><media:group><media:content url="https://ex.com/v.mp4"/><media:description>组的说明</media:description></media:group></item>
        <item><title>三</title><description>&lt;p&gt;正文&lt;/p&gt;</description><media:description>不用</media:description></item>
        <item><title>四</title><content:encoded><![CDATA[<p>全文</p>]]></content:encoded><media:description>说明</media:description></item>`),
    );
    expect(f.items.map((i) => [i.content, i.contentIsText])).toEqual([
      ["视频说明", true],
      ["组的说明", true],
      ["<p>正文</p>", false],
      ["<p>全文</p>", false],
    ]);
  });

  it("marks an RSS guid as the item's address unless isPermaLink is false; Atom and JSON ids never", () => {
    const f = parseFeedText(
      rss(`<item><title>a</title><guid>https://ex.com/a</guid></item>
        <item><title>b</title><guid isPermaLink="false">b-1</guid></item>
        <item><title>c</title><guid isPermaLink="true">https://ex.com/c</guid></item>
        <item><title>d</title><link>https://ex.com/d</link></item>`),
    );
    expect(f.items.map((i) => [i.guid, i.guidIsPermaLink])).toEqual([
      ["https://ex.com/a", true],
      ["b-1", false],
      ["https://ex.com/c", true],
      [null, false],
    ]);
    const a = parseFeedText(
      atom('<entry><id>https://ex.org/1</id><title>t</title><link href="https://ex.org/1"/></entry>'),
    );
    expect(a.items[0]!.guidIsPermaLink).toBe(false);
    const j = parseFeedText(
      JSON.stringify({
        version: "https://jsonfeed.org/version/1.1",
        title: "j",
        items: [{ id: "https://j.example/1", url: "https://j.example/1", content_text: "x" }],
      }),
    );
    expect(j.items[0]!.guidIsPermaLink).toBe(false);
  });

  it("reads items that lack a title, links or content as empty fields, not as an error", () => {
    const r = parseFeedText(rss("<item><description>只有摘要</description></item>"));
    expect(r.items[0]).toMatchObject({ title: null, content: "只有摘要" });
    const a = parseFeedText(
      '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>无链接</title><id>urn:y</id><updated>2025-11-18T00:00:00Z</updated>' +
        "<entry><id>urn:y:1</id><title>只有摘要</title><summary>摘</summary></entry></feed>",
    );
    expect(a.link).toBeNull();
    expect(a.items[0]).toMatchObject({ link: null, content: null, contentIsText: false, summary: "摘" });
  });

  it("takes the feed's alternate link, not its self link, as the Atom feed's address", () => {
    const f = parseFeedText(
      '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:z</id><updated>2025-11-18T00:00:00Z</updated>' +
        '<link rel="self" href="https://ex.org/atom.xml"/><link rel="alternate" href="https://ex.org/home"/></feed>',
    );
    expect(f.link).toBe("https://ex.org/home");
  });

  it("reads xml:base on the Atom feed, the RSS channel or <rss>, however it is quoted and spaced", () => {
    expect(parseFeedText(atom("", ' xml:lang="zh" xml:base = "https://ex.org/news/"')).base).toBe(
      "https://ex.org/news/",
    );
    const channelBase = (attrs: string) =>
      parseFeedText(rss("<item><title>t</title></item>").replace("<channel>", `<channel${attrs}>`)).base;
    expect(channelBase(' id="c" xml:base="https://ex.com/a/b/"')).toBe("https://ex.com/a/b/");
    expect(channelBase(" id='c' xml:base = 'https://ex.com/c/'")).toBe("https://ex.com/c/");
    expect(
      parseFeedText(rss("<item><title>t</title></item>").replace("<rss ", '<rss xml:base="https://ex.com/r/" ')).base,
    ).toBe("https://ex.com/r/");
    expect(parseFeedText(rss("<item><title>t</title></item>")).base).toBeNull();
  });

  it("has no base for a JSON Feed, even one that quotes xml:base in its text", () => {
    const j = parseFeedText(
      JSON.stringify({
        version: "https://jsonfeed.org/version/1.1",
        title: "<rss xml:base='https://no.example/'>",
        items: [{ id: "1", content_text: "<channel xml:base='https://no.example/'>" }],
      }),
    );
    expect(j.base).toBeNull();
  });

  it.each([
    "<!-- generated by a CMS -->\n\n<html><body>页</body></html>",
    "<!--a--><!--b--><html>\n<body>页</body></html>",
    "<!-- x --> <!DOCTYPE html><html></html>",
  ])("refuses an HTML page that opens with comments: %j", (text) => {
    expect(() => parseFeedText(text)).toThrow("not a feed: the URL returned an HTML page");
  });

  it("reads an RSS feed whose item quotes a whole HTML page in CDATA", () => {
    const f = parseFeedText(
      rss(
        "<item><title>t</title><description><![CDATA[<!DOCTYPE html><html>\n<body>页</body></html>]]></description></item>",
      ),
    );
    expect(f.format).toBe("rss");
    expect(f.items[0]!.content).toContain("页");
  });
});
