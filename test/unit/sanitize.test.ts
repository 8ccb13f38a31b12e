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

describe("sanitizeHtml, links and images", () => {
  const s = (html: string, base: string | null = "https://ex.com/a/") => sanitizeHtml(html, base);

  it.each([
    ['<a href="x.html">甲</a>', '<a href="https://ex.com/a/x.html" rel="noopener noreferrer">甲</a>'],
    [
      '<a href=" https://ex.org/y " title="说&quot;明">甲</a>',
      '<a href="https://ex.org/y" title="说&quot;明" rel="noopener noreferrer">甲</a>',
    ],
    ['<a href="mailto:ed@ex.com">信</a>', '<a href="mailto:ed@ex.com" rel="noopener noreferrer">信</a>'],
    ['<a href="javascript:alert(1)">甲</a>', "<a>甲</a>"],
    ['<a href="JaVaScRiPt&#58;alert(1)">甲</a>', "<a>甲</a>"],
    ['<a href="java&#x73;cript:alert(1)">甲</a>', "<a>甲</a>"],
    ['<a href="&#106;avascript:alert(1)">甲</a>', "<a>甲</a>"],
    ['<a href="data:text/html,x">甲</a>', "<a>甲</a>"],
    ['<a href="vbscript:x" title="t">甲</a>', '<a title="t">甲</a>'],
    ['<a href="">甲</a>', "<a>甲</a>"],
    ['<a href="http://[::1">甲</a>', "<a>甲</a>"],
    [
      '<a href="/x?a=1&amp;b=&quot;2&quot;&lt;&gt;">甲</a>',
      '<a href="https://ex.com/x?a=1&amp;b=%222%22%3C%3E" rel="noopener noreferrer">甲</a>',
    ],
  ])("%j → %j", (html, safe) => {
    expect(s(html)).toBe(safe);
  });

  it("keeps site-relative links of Jekyll posts (no base) as written, and gives // links https", () => {
    expect(s('<a href="/tag/x">甲</a>', null)).toBe('<a href="/tag/x" rel="noopener noreferrer">甲</a>');
    expect(s('<a href="//ex.org/y">甲</a>', null)).toBe('<a href="https://ex.org/y" rel="noopener noreferrer">甲</a>');
    expect(s('<a href="x.html">甲</a>', null)).toBe("<a>甲</a>");
    expect(s('<img src="/i.png">', null)).toBe('<img src="/i.png" loading="lazy" referrerpolicy="no-referrer">');
    expect(s('<img src="mailto:ed@ex.com">', null)).toBe("");
  });

  it.each([
    [
      '<img src="i.png" alt="图" title="说明" width="640" height=" 480 ">',
      '<img src="https://ex.com/a/i.png" alt="图" title="说明" width="640" height="480" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="i.png" width="100%" height="x1">',
      '<img src="https://ex.com/a/i.png" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="i.png" width="123456">',
      '<img src="https://ex.com/a/i.png" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="i.png" alt="a&quot;b<c>&amp;" onerror="x()">',
      '<img src="https://ex.com/a/i.png" alt="a&quot;b&lt;c&gt;&amp;" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="i.png" alt="&#x4e2d;&#25991;&#65&apos;">',
      '<img src="https://ex.com/a/i.png" alt="中文A\'" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="i.png" alt="&#x4e2d&#25991">',
      '<img src="https://ex.com/a/i.png" alt="中文" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="data:image/gif;base64,R0lGODlh" data-src="real.jpg">',
      '<img src="https://ex.com/a/real.jpg" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="x.gif" data-original="o.jpg">',
      '<img src="https://ex.com/a/o.jpg" loading="lazy" referrerpolicy="no-referrer">',
    ],
    ['<img data-lazy-src="l.jpg">', '<img src="https://ex.com/a/l.jpg" loading="lazy" referrerpolicy="no-referrer">'],
    ['<img data-actualsrc="s.jpg">', '<img src="https://ex.com/a/s.jpg" loading="lazy" referrerpolicy="no-referrer">'],
    [
      '<img src="ok.jpg" data-src="javascript:x">',
      '<img src="https://ex.com/a/ok.jpg" loading="lazy" referrerpolicy="no-referrer">',
    ],
    ['<IMG SRC="i.png"/>', '<img src="https://ex.com/a/i.png" loading="lazy" referrerpolicy="no-referrer">'],
    ['<img src="javascript:alert(1)">', ""],
    ["<img>", ""],
    ['<img src="p.gif" width="1" height="1">', ""],
    ['<img src="p.gif" width=" 1 " height="1 ">', ""],
    [
      '<img src="p.gif" width="1" height="2">',
      '<img src="https://ex.com/a/p.gif" width="1" height="2" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="p.gif" width="2" height="1">',
      '<img src="https://ex.com/a/p.gif" width="2" height="1" loading="lazy" referrerpolicy="no-referrer">',
    ],
    [
      '<img src="p.gif" height="1">',
      '<img src="https://ex.com/a/p.gif" height="1" loading="lazy" referrerpolicy="no-referrer">',
    ],
  ])("%j → %j", (html, safe) => {
    expect(s(html)).toBe(safe);
  });

  it("drops whole elements whose content is no text for a reader, content and all", () => {
    for (const tag of [
      "script",
      "style",
      "iframe",
      "object",
      "embed",
      "noscript",
      "template",
      "svg",
      "math",
      "form",
      "textarea",
      "select",
      "button",
    ]) {
      expect(s(`<p>前</p><${tag}>内容 alert(1)</${tag}><p>后</p>`), tag).toBe("<p>前</p><p>后</p>");
    }
  });

  it("keeps the allowed table and quotation attributes, cite only as a safe URL", () => {
    expect(s('<th colspan="2" rowspan="3" scope="col" style="x">甲</th>')).toBe(
      '<th colspan="2" rowspan="3" scope="col">甲</th>',
    );
    expect(s('<q cite="/src" title="x">甲</q>')).toBe('<q cite="https://ex.com/src">甲</q>');
    expect(s('<blockquote cite="https://ex.org/a?b=1&amp;c=2">甲</blockquote>')).toBe(
      '<blockquote cite="https://ex.org/a?b=1&amp;c=2">甲</blockquote>',
    );
    expect(s('<p class="lead" id="x">甲</p>')).toBe('<p class="lead">甲</p>');
    expect(s(`<p class="${"a".repeat(65)}">甲</p>`)).toBe("<p class>甲</p>");
    expect(s('<td colspan="2&quot; onclick=&quot;x">甲</td>')).toBe('<td colspan="2&quot; onclick=&quot;x">甲</td>');
  });

  it("writes a tag bare when an allowed attribute name only appears inside another's value", () => {
    expect(s('<td data-x="colspan">甲</td>')).toBe("<td>甲</td>");
    expect(s('<p style="class:x">甲</p>')).toBe("<p>甲</p>");
    expect(s("<br / >")).toBe("<br />");
    expect(s("<br x/>")).toBe("<br />");
    expect(s('<hr class="a" />')).toBe("<hr />");
  });

  it("escapes < and > in text, and trims the result", () => {
    expect(s("  1 &lt; 2 &gt; 0  ")).toBe("1 &lt; 2 &gt; 0");
    expect(s("甲 > 乙")).toBe("甲 &gt; 乙");
    expect(s("\n<p>甲</p>\n")).toBe("<p>甲</p>");
  });

  // A browser opens a tag only at "<" followed by an ASCII letter, "/", "!" or "?"; any other
  // "<" is text, and so is a ">" outside a tag.
  it("keeps a bare '<' … '>' in text as text, as a browser shows it", () => {
    expect(s("1 < 2 > 0")).toBe("1 &lt; 2 &gt; 0");
    expect(s("甲 <乙")).toBe("甲 &lt;乙");
    expect(s("<p>a<3 且 b <= 5</p>")).toBe("<p>a&lt;3 且 b &lt;= 5</p>");
    expect(s("<p>价格 <100元</p><p>后</p>")).toBe("<p>价格 &lt;100元</p><p>后</p>");
  });

  it("still reads '<' before a letter, '/' or '!' as markup, and drops what it does not allow", () => {
    expect(s("甲<b>乙</b>")).toBe("甲<b>乙</b>");
    expect(s("甲<x-y>乙</x-y>")).toBe("甲乙");
    expect(s("甲<!-- 注释 -->乙")).toBe("甲乙");
    expect(s('<img src="/a.png" alt="1 < 2">')).toBe(
      '<img src="https://ex.com/a.png" alt="1 &lt; 2" loading="lazy" referrerpolicy="no-referrer">',
    );
  });
});

describe("sanitizeHtml, elements dropped with their content", () => {
  const s = (html: string) => sanitizeHtml(html, null);

  it("drops an unclosed <style>, <script> or <noscript> and all that follows, keeping what came before", () => {
    for (const tag of ["style", "script", "noscript", "iframe", "textarea", "svg", "math", "template"]) {
      expect(s(`<p>前</p><${tag}>内容<p>后</p><img src="/x.png">`), tag).toBe("<p>前</p>");
    }
  });

  it("ends a <style> or <script> at its first end tag, as a browser does, and drops no text after it", () => {
    expect(s("<p>前</p><style>a{}<style>b{}</style><p>后</p>")).toBe("<p>前</p><p>后</p>");
    expect(s("<script>x</script>中<script>y</script>尾")).toBe("中尾");
  });

  it("drops a nested <svg> or a <form> whole, up to the end tag that closes the outer one", () => {
    expect(s("<p>前</p><svg><svg><text>内</text></svg>仍在图中</svg><p>后</p>")).toBe("<p>前</p><p>后</p>");
    expect(s("<form><button>甲</button>乙</form>丙")).toBe("丙");
    // Another dropped element inside ends nothing: only the outer one's end tag does.
    expect(s("<svg><style>a{}</style>图中文字</svg>后")).toBe("后");
  });

  it("keeps what follows an <embed> left without an end tag (a void element), but not the embed", () => {
    expect(s('<p>前</p><embed src="/a.swf"><p>后</p>')).toBe("<p>前</p><p>后</p>");
  });

  it("writes no placeholder for a stray end tag of a dropped element", () => {
    expect(s("<p>甲</style>乙</p>")).toBe("<p>甲乙</p>");
  });

  it("drops an unclosed element with a base URL as without one", () => {
    expect(sanitizeHtml('<p><a href="/a">甲</a></p><noscript><img src="/x">', "https://ex.com/post")).toBe(
      '<p><a href="https://ex.com/a" rel="noopener noreferrer">甲</a></p>',
    );
  });
});

describe("sanitizeHtml, the allowlist entry by entry", () => {
  const BARE = ["p", "br", "hr", "div", "span", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s"];
  const MORE = ["sub", "sup", "small", "mark", "pre", "code", "ul", "li", "dl", "dt", "dd", "figure", "figcaption"];
  const TABLE = ["table", "thead", "tbody", "tfoot", "tr", "caption"];

  it.each([...BARE, ...MORE, ...TABLE].filter((t) => t !== "br" && t !== "hr"))(
    "keeps <%s> without its attributes",
    (tag) => {
      expect(sanitizeHtml(`<${tag} style="x" onclick="y" data-z="1">甲</${tag}>`, null)).toBe(`<${tag}>甲</${tag}>`);
    },
  );

  it.each([
    "h1",
    "font",
    "center",
    "article",
    "section",
    "nav",
    "header",
    "footer",
    "aside",
    "main",
    "details",
    "video",
    "audio",
    "source",
    "picture",
    "link",
    "meta",
    "base",
    "frame",
    "frameset",
    "applet",
    "marquee",
    "blink",
    "input",
    "label",
    "option",
    "canvas",
    "dialog",
    "slot",
    "portal",
  ])("drops the <%s> tag and keeps its text", (tag) => {
    expect(sanitizeHtml(`<p>前<${tag} title="t">中</${tag}>后</p>`, null)).toBe("<p>前中后</p>");
  });
});

describe("sanitizeHtml, one fragment after another", () => {
  it("resolves each fragment's links against its own base, and cuts only its own dropped elements", () => {
    // One filter serves every call: nothing of one fragment may reach the next.
    const html = '<p><a href="x.html">甲</a><img src="i.jpg"></p>';
    expect(sanitizeHtml(html, "https://a.test/news/")).toBe(
      '<p><a href="https://a.test/news/x.html" rel="noopener noreferrer">甲</a><img src="https://a.test/news/i.jpg" loading="lazy" referrerpolicy="no-referrer"></p>',
    );
    expect(sanitizeHtml("<p>乙</p><script>alert(1)", "https://a.test/")).toBe("<p>乙</p>");
    expect(sanitizeHtml(html, "https://b.test/")).toBe(
      '<p><a href="https://b.test/x.html" rel="noopener noreferrer">甲</a><img src="https://b.test/i.jpg" loading="lazy" referrerpolicy="no-referrer"></p>',
    );
    expect(sanitizeHtml('<p><a href="/x.html">丙</a></p><p>丁</p>', null)).toBe(
      '<p><a href="/x.html" rel="noopener noreferrer">丙</a></p><p>丁</p>',
    );
  });
});
