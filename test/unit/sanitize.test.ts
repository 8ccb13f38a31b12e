import { describe, expect, it } from "vitest";
import { htmlToText, sanitizedHtmlToText } from "../../src/core/text";
import { sanitizeHtml } from "../../src/ingest/sanitize";

describe("sanitizeHtml, start tags", () => {
  // What xss itself writes for these (bare tags are written without parsing their attributes
  // when none they may keep can be there): the allowlist decides, quirks included.
  it.each([
    ['<p style="text-indent:2em;">甲</p>', "<p>甲</p>"],
    ['<p class="lead" style="x">甲</p>', '<p class="lead">甲</p>'],
    ["<P CLASS=lead>甲</P>", '<p class="lead">甲</p>'],
    ['<p cl"ass="x">甲</p>', '<p class="x">甲</p>'],
    ['<p data-class="x">甲</p>', "<p>甲</p>"],
    ['<p class="x;y">甲</p>', "<p class>甲</p>"],
    ['<span onclick="alert(1)" style="color:red">甲</span>', "<span>甲</span>"],
    ["<br/><br /><br/ ><BR\n/>", "<br /><br /><br><br />"],
    ['<hr class="x"/>', "<hr />"],
    ['<td colspan="2" style="x" rowspan=3>甲</td>', '<td colspan="2" rowspan="3">甲</td>'],
    ['<ol start="3" type="a"><li value="9">甲</li></ol>', '<ol start="3"><li>甲</li></ol>'],
    ['<blockquote cite="javascript:alert(1)">甲</blockquote>', "<blockquote cite>甲</blockquote>"],
    ['<strong title="x">甲</strong>', "<strong>甲</strong>"],
    ['<div\tid="x"\n>甲</div>', "<div>甲</div>"],
    ["<em", ""],
  ])("%j → %j", (html, safe) => {
    expect(sanitizeHtml(html, "https://ex.com/a/")).toBe(safe);
  });
});

describe("sanitizedHtmlToText", () => {
  const PIECES = [
    "<p>",
    "</p>",
    '<p class="a b">',
    "<br>",
    "<br/>",
    "<div>",
    "</div>",
    '<span style="a:b">',
    "</span>",
    '<a href="/x?a=1&b=2" onclick=alert(1)>',
    "<a href='javascript:x'>",
    "</a>",
    '<img src=x.jpg data-src="/y.jpg">',
    '<img src="a.jpg" alt=\'a>b\' title="t&quot;">',
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<!--",
    "-->",
    "<svg><circle/></svg>",
    "<li>",
    "</li>",
    "<h2>",
    "</h2>",
    "<tr>",
    "</tr>",
    "<td colspan=2>",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&nbsp;",
    "&#x4e2d;",
    '"',
    "'",
    "=",
    " ",
    "\n",
    "\u3000",
    "中文",
    "。",
    "<b",
    '<i x="',
    "<p/>",
    "<textarea>",
    "😀",
  ];
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

  it("reads the same text as htmlToText from anything sanitizeHtml wrote", () => {
    for (let k = 0; k < 3000; k++) {
      let html = "";
      for (let j = Math.floor(random() * 25); j > 0; j--) html += PIECES[Math.floor(random() * PIECES.length)];
      const safe = sanitizeHtml(html, "https://ex.com/");
      expect(sanitizedHtmlToText(safe), html).toBe(htmlToText(safe));
    }
  });
});
