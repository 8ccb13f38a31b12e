import { describe, expect, it } from "vitest";
import { htmlToText, itemIdentity, normalizeItem, stripXmlInvalid, summarize } from "../../src/ingest/normalize";
import type { ParsedItem } from "../../src/ingest/parse";
import { decodeHTML } from "entities";
import { plainLabel, rssTitleText } from "../../src/core/text";

describe("stripXmlInvalid", () => {
  it("removes what XML 1.0 forbids and keeps everything it allows", () => {
    expect(stripXmlInvalid("a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi")).toBe("abcdefghi");
    expect(stripXmlInvalid("tab\tlf\ncr\r中文😀\uE000\uFFFD")).toBe("tab\tlf\ncr\r中文😀\uE000\uFFFD");
  });

  it("removes unpaired surrogates but keeps pairs", () => {
    expect(stripXmlInvalid("x\uD83Dy")).toBe("xy");
    expect(stripXmlInvalid("x\uDE00y")).toBe("xy");
    expect(stripXmlInvalid("\uDE00\uD83D\uDE00\uD83D")).toBe("\uD83D\uDE00");
  });
});

describe("summarize", () => {
  it("keeps short text and cuts long Chinese text at a sentence end", () => {
    expect(summarize("短文。")).toBe("短文。");
    const long = "第一句话写在这里。".repeat(30);
    const s = summarize(long, 50);
    expect(s.endsWith("。")).toBe(true);
    expect(Array.from(s).length).toBeLessThanOrEqual(50);
  });

  it("ends on a sentence that fills half the summary, and no shorter one", () => {
    expect(summarize("甲乙丙丁戊。己庚辛壬癸子", 10)).toBe("甲乙丙丁戊。");
    expect(summarize("甲乙丙丁。戊己庚辛壬癸子", 10)).toBe("甲乙丙丁。戊己庚辛…");
  });

  it("cuts text without punctuation with an ellipsis and never splits an emoji", () => {
    const s = summarize("😀".repeat(200), 10);
    expect(Array.from(s)).toHaveLength(10);
    expect(s.endsWith("…")).toBe(true);
    expect(stripXmlInvalid(s)).toBe(s);
  });
});

describe("htmlToText", () => {
  it("returns visible text with entities decoded and scripts dropped", () => {
    expect(htmlToText("<p>甲&amp;乙</p><script>alert(1)</script><p>丙&nbsp;丁</p>")).toBe(
      "甲&乙 丙\u00a0丁".replace("\u00a0", " "),
    );
  });
});

describe("summarize, long text", () => {
  it("reads only the head it needs, with the same result as over the whole text", () => {
    const whole = (text: string, max: number) => {
      const chars = Array.from(text.trim());
      if (chars.length <= max) return chars.join("");
      const head = chars.slice(0, max);
      for (let i = head.length - 1; i >= max / 2; i--)
        if (/[。！？；!?;…]/u.test(head[i]!)) return head.slice(0, i + 1).join("");
      return `${head.slice(0, max - 1).join("")}…`;
    };
    for (const text of [
      "😀".repeat(121),
      `${"a".repeat(241)}😀`,
      `${"😀".repeat(119)}ab`,
      `  ${"句子。".repeat(500)}`,
      "a".repeat(242),
    ]) {
      for (const max of [1, 10, 120]) expect(summarize(text, max)).toBe(whole(text, max));
    }
  });
});

describe("htmlToText, plain text", () => {
  it("collapses whitespace and keeps > when there is no tag and no entity", () => {
    expect(htmlToText("  桂林 >\n 阳朔 ")).toBe("桂林 > 阳朔");
  });
});

describe("itemIdentity", () => {
  const item = (over: Partial<ParsedItem>): ParsedItem => ({
    guid: null,
    link: null,
    title: "标题",
    content: "<p>正文内容</p>",
    contentIsText: false,
    summary: null,
    published: "Tue, 18 Nov 2025 10:00:00 +0800",
    updated: null,
    authors: [],
    categories: [],
    image: null,
    ...over,
  });
  const ctx = {
    source: { slug: "s", label: "标签", timezone: "Asia/Shanghai" },
    base: "https://example.com/feed",
    now: 0,
  };

  it.each([
    ["a guid", item({ guid: "  g-1 ", link: "/a" })],
    ["a relative link", item({ link: "/2025/a.html" })],
    ["a title with markup", item({ title: "<b>粗</b> &amp; 标题" })],
    ["XML-invalid characters in the guid", item({ guid: "g\u0001-2" })],
    ["a blank guid and no link", item({ guid: "   " })],
    ["a blank guid beside a link", item({ guid: " ", link: "/b.html" })],
  ])("is the guid normalizeItem gives, without sanitizing: %s", async (_, it) => {
    expect(await itemIdentity(it, ctx.base)).toBe((await normalizeItem(it, ctx))!.guid);
  });

  it("is null when the identity would hash a title taken from the body", async () => {
    const untitled = item({ title: null });
    expect(await itemIdentity(untitled, ctx.base)).toBeNull();
    expect((await normalizeItem(untitled, ctx))!.guid).toMatch(/^hash:/);
  });
});

describe("plain labels: titles, authors and tags", () => {
  it("drops bidi controls, DEL, C1 controls and stray zero-width characters, keeping emoji ZWJ sequences", () => {
    expect(plainLabel("\u202Egnp.exe\u202C 通知")).toBe("gnp.exe 通知");
    expect(plainLabel("a\u2066b\u2069c\u200Ed\u200Fe")).toBe("abcde");
    expect(plainLabel("删\u007F除\u0085控\u009F制")).toBe("删除控制");
    expect(plainLabel("零\u200B宽\uFEFF字\u2060符\u200D")).toBe("零宽字符");
    expect(plainLabel("程序员 👩\u200D💻 和 🏳\uFE0F\u200D🌈")).toBe("程序员 👩\u200D💻 和 🏳\uFE0F\u200D🌈");
    expect(plainLabel("  \u200B  ")).toBe("");
    expect(plainLabel("普通标题")).toBe("普通标题");
    expect(plainLabel("零宽\u200D连接")).toBe("零宽连接");
  });

  it("are applied at ingest to the title, author and tags of an item", async () => {
    const a = await normalizeItem(
      {
        guid: "g",
        link: null,
        title: "\u202E标题&#x202E;\u200B一",
        content: "<p>正文</p>",
        contentIsText: false,
        summary: null,
        published: null,
        updated: null,
        authors: ["记\u202D者"],
        categories: ["标\u2067签"],
        image: null,
      },
      { source: { slug: "s", label: "本地", timezone: "Asia/Shanghai" }, base: "https://x.example/", now: 0 },
    );
    expect(a!.title).toBe("标题一");
    expect(a!.author).toBe("记者");
    expect(a!.tags).toEqual(["本地", "标签"]);
  });
});

describe("RSS titles", () => {
  // A reader that treats the title as HTML: workerd's HTMLRewriter (lol-html, an HTML tokenizer)
  // counts the elements the title would make and collects its text, whose character references
  // entities' decodeHTML resolves as a browser does (&copy without ";" included).
  async function readAsHtml(title: string): Promise<{ elements: number; text: string }> {
    let elements = 0;
    let raw = "";
    await new HTMLRewriter()
      .on("#t *", { element: () => void elements++ })
      .on("#t", { text: (t) => void (raw += t.text) })
      .transform(new Response(`<div id="t">${title}</div>`))
      .text();
    return { elements, text: decodeHTML(raw) };
  }

  it.each([
    ["<img src=x onerror=alert(1)>", "＜img src=x onerror=alert(1)>"],
    ["&lt;script&gt;alert(1)&lt;/script&gt;", "＆lt;script＆gt;alert(1)＆lt;/script＆gt;"],
    ["&#60;b&#62;粗&#60;/b&#62; &#x3C;i>", "＆#60;b＆#62;粗＆#60;/b＆#62; ＆#x3C;i>"],
    ["</p><!-- x --><?php ?>", "＜/p>＜!-- x -->＜?php ?>"],
    ["&copy 2024 &amp x &notit", "＆copy 2024 ＆amp x ＆notit"],
  ])("%s reads the same as text and as HTML, with no element", async (title, rss) => {
    const out = rssTitleText(title);
    expect(out).toBe(rss);
    expect(await readAsHtml(out)).toEqual({ elements: 0, text: out });
  });

  it.each(["A < B", "AT&T", "C++ & 测试", "a <= b > c, 1<2", "Q&A: R&D, H&M", "<中文> & #1", "&# &x"])(
    "%s is written as it is: it is text both ways, as in Atom, JSON Feed and the pages",
    async (title) => {
      expect(rssTitleText(title)).toBe(title);
      expect(await readAsHtml(title)).toEqual({ elements: 0, text: title });
    },
  );
});

describe("normalizeItem: the address, media and title a reader gets", () => {
  const item = (over: Partial<ParsedItem>): ParsedItem => ({
    guid: null,
    link: null,
    title: "标题",
    content: "<p>正文内容</p>",
    contentIsText: false,
    summary: null,
    published: "Tue, 18 Nov 2025 10:00:00 +0800",
    updated: null,
    authors: [],
    categories: [],
    image: null,
    ...over,
  });
  const ctx = {
    source: { slug: "s", label: "标签", timezone: "Asia/Shanghai" },
    base: "https://example.com/feed/",
    now: 0,
  };

  it("takes a permalink guid as the address when there is no link, never an id guid or a relative one", async () => {
    const permalink = await normalizeItem(item({ guid: " https://ex.com/a.html ", guidIsPermaLink: true }), ctx);
    expect(permalink!.originalUrl).toBe("https://ex.com/a.html");
    const id = await normalizeItem(item({ guid: "https://ex.com/b.html", guidIsPermaLink: false }), ctx);
    expect(id!.originalUrl).toBeNull();
    const relative = await normalizeItem(item({ guid: "/c.html", guidIsPermaLink: true }), ctx);
    expect(relative!.originalUrl).toBeNull();
    const linked = await normalizeItem(
      item({ guid: "https://ex.com/d.html", guidIsPermaLink: true, link: "https://ex.com/link.html" }),
      ctx,
    );
    expect(linked!.originalUrl).toBe("https://ex.com/link.html");
  });

  it("lists the item's enclosures and the audio and video in its body, resolved against its link", async () => {
    const a = await normalizeItem(
      item({
        link: "https://ex.com/news/1.html",
        content: '<p>听</p><audio src="a.mp3"></audio><video><source src="/v.mp4" type="video/mp4"></video>',
        enclosures: [{ url: "https://cdn.ex.com/e.mp3", type: "audio/mpeg", length: 10 }],
      }),
      ctx,
    );
    expect(a!.enclosures!.map((e) => e.url)).toEqual([
      "https://cdn.ex.com/e.mp3",
      "https://ex.com/news/a.mp3",
      "https://ex.com/v.mp4",
    ]);
  });

  it("finds no media in a text body that only names the tags", async () => {
    const a = await normalizeItem(item({ content: '用 <audio src="a.mp3"> 标签放音频', contentIsText: true }), ctx);
    expect(a).not.toHaveProperty("enclosures");
  });

  it("keeps an item that carries nothing but an enclosure", async () => {
    const a = await normalizeItem(
      item({
        title: null,
        content: null,
        enclosures: [{ url: "https://cdn.ex.com/e.mp3", type: "audio/mpeg", length: null }],
      }),
      ctx,
    );
    expect(a).not.toBeNull();
    expect(a!.enclosures).toHaveLength(1);
    expect(await normalizeItem(item({ title: null, content: null }), ctx)).toBeNull();
  });

  it("keeps an item that carries only an image: one identity from it, titled by the source's name and time", async () => {
    const only = item({ title: null, content: null, image: "https://img.ex.com/p.jpg" });
    const named = { ...ctx, source: { ...ctx.source, name: "桂林晚报" } };
    const a = await normalizeItem(only, named);
    expect(a!.title).toBe("桂林晚报 2025-11-18 10:00");
    expect(a!.guid).toMatch(/^hash:/);
    expect((await normalizeItem(only, named))!.guid).toBe(a!.guid);
  });

  it("marks a title derived from the body, and only then", async () => {
    const derived = await normalizeItem(item({ title: null, content: "<p>正文第一句。第二句。</p>" }), ctx);
    expect(derived!.titleDerived).toBe(true);
    expect(derived!.title).toContain("正文第一句");
    expect(await normalizeItem(item({}), ctx)).not.toHaveProperty("titleDerived");
  });
});
