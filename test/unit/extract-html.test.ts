// HTMLRewriter extraction (runs in workerd): the inner HTML of a match, rebuilt from the stream,
// must be well formed whatever the page does — void elements, SVG, implied end tags, lists.
import { describe, expect, it } from "vitest";
import { extractFromHtml } from "../../src/ingest/extract-html";

const body = async (html: string, selector = "div.c") =>
  (await extractFromHtml(html, { body: { pick: { selector, attr: null }, html: true } })).body ?? [];

describe("extractFromHtml", () => {
  it("keeps void elements, <param> and self-closing SVG children without failing", async () => {
    const [inner] = await body(
      '<div class="c"><p>图<img src="a.png"><br></p><svg><path d="M0"/></svg><object><param name="x" value="1"></object></div>',
    );
    expect(inner).toBe(
      '<p>图<img src="a.png"><br></p><svg><path d="M0"></svg><object><param name="x" value="1"></object>',
    );
  });

  it("closes an element whose end tag is implied with its own name, never the container's", async () => {
    // HTMLRewriter does not build a tree: both <p> end where the </div> is. What matters is that
    // the captured HTML never closes an element it did not open (a stray </div> would close the
    // page's own layout around the article).
    const [inner] = await body("<div class=c><p>one<p>two</div><p>after</p>");
    expect(inner).not.toContain("</div>");
    expect(inner!.match(/<p>/g)).toHaveLength(2);
    expect(inner!.match(/<\/p>/g)).toHaveLength(2);
    expect(inner).not.toContain("after");
  });

  it("reads a selector list: the first match of any alternative, with its descendants", async () => {
    expect(await body('<main><div class="b"><p>正文<b>粗</b></p></div></main>', "div.a, div.b")).toEqual([
      "<p>正文<b>粗</b></p>",
    ]);
  });

  it("texts, attributes and every match of a list", async () => {
    const v = await extractFromHtml(
      '<ul><li><a href="/1">一</a></li><li><a href="/2">二 &amp; 三</a></li></ul><h1>标题</h1>',
      {
        links: { pick: { selector: "li > a", attr: "href" }, all: true },
        titles: { pick: { selector: "li > a", attr: null }, all: true },
        h1: { pick: { selector: "h1", attr: null } },
      },
    );
    expect(v).toEqual({ links: ["/1", "/2"], titles: ["一", "二 &amp; 三"], h1: ["标题"] });
  });

  it("splits a selector list only at its top-level commas (not inside quotes, brackets or parentheses)", async () => {
    const page =
      "<div data-x=\"a,b\"><p>一<i>甲</i></p></div><section title='c, d'><p>二<i>乙</i></p></section>" +
      '<article class="x"><p>三<i>丙</i></p></article><span lang="zh"><p>四<i>丁</i></p></span>';
    const all = async (selector: string) =>
      (await extractFromHtml(page, { v: { pick: { selector, attr: null }, html: true, all: true } })).v;
    expect(await all("div[data-x=\"a,b\"], section[title='c, d']")).toEqual([
      "<p>一<i>甲</i></p>",
      "<p>二<i>乙</i></p>",
    ]);
    expect(await all('span:not([lang="en,fr"]), article')).toEqual(["<p>三<i>丙</i></p>", "<p>四<i>丁</i></p>"]);
    expect(await all("  span[lang='zh'] ,div[data-x]")).toEqual(["<p>一<i>甲</i></p>", "<p>四<i>丁</i></p>"]);
  });

  it("takes only the first match unless asked for all, and skips blank attributes", async () => {
    const page =
      '<a href=" ">空</a><a href=" /1 ">一</a><a href="/2">二</a><p>甲<b>乙</b></p><p>丙</p><ul><li>己</li><li>庚</li></ul><div><i>丁</i><i>戊</i></div>';
    expect(
      await extractFromHtml(page, {
        first: { pick: { selector: "a", attr: "href" } },
        every: { pick: { selector: "a", attr: "href" }, all: true },
        text: { pick: { selector: "p", attr: null } },
        texts: { pick: { selector: "li", attr: null }, all: true },
        inner: { pick: { selector: "div", attr: null }, html: true },
        missing: { pick: { selector: "h1", attr: null } },
      }),
    ).toEqual({
      first: ["/1"],
      every: ["/1", "/2"],
      text: ["甲乙"],
      texts: ["己", "庚"],
      inner: ["<i>丁</i><i>戊</i>"],
      missing: [],
    });
  });

  it("writes the attributes of captured descendants quoted, a quote inside escaped", async () => {
    expect(await body('<div class="c"><p title=\'说"明\' data-n="1">x</p></div>')).toEqual([
      '<p title="说&quot;明" data-n="1">x</p>',
    ]);
  });

  it("captures text only, not markup, when html is not asked for", async () => {
    const v = await extractFromHtml('<div class="c"><p>一<b>二</b></p></div>', {
      t: { pick: { selector: "div.c", attr: null } },
    });
    expect(v).toEqual({ t: ["一二"] });
  });

  it("gives two picks of the same element each its value", async () => {
    const v = await extractFromHtml('<p class="info">2025-11-18 作者：张三</p>', {
      date: { pick: { selector: "p.info", attr: null } },
      author: { pick: { selector: "p.info", attr: null } },
    });
    expect(v).toEqual({ date: ["2025-11-18 作者：张三"], author: ["2025-11-18 作者：张三"] });
  });

  it("gives the body and a text pick of the same element, and of one inside it, each its value", async () => {
    const v = await extractFromHtml(
      '<div class="c"><p class="info">作者：张三</p><p>正文</p></div><div class="c"><p>二</p></div>',
      {
        body: { pick: { selector: "div.c", attr: null }, html: true },
        whole: { pick: { selector: ".c", attr: null } },
        author: { pick: { selector: "p.info", attr: null } },
        paras: { pick: { selector: "div.c p", attr: null }, all: true },
      },
    );
    expect(v).toEqual({
      body: ['<p class="info">作者：张三</p><p>正文</p>'],
      whole: ["作者：张三正文"],
      author: ["作者：张三"],
      paras: ["作者：张三", "正文", "二"],
    });
  });

  it("lets two picks read an element with no end tag, and the next element still ends its capture", async () => {
    const v = await extractFromHtml('<img src="/a.png" alt="图"><p class="t">标题</p>', {
      image: { pick: { selector: "img", attr: "src" } },
      alt: { pick: { selector: "img", attr: "alt" } },
      imgText: { pick: { selector: "img", attr: null } },
      title: { pick: { selector: "p.t", attr: null } },
    });
    expect(v).toEqual({ image: ["/a.png"], alt: ["图"], imgText: [], title: ["标题"] });
  });
});
