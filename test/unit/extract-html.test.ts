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
});
