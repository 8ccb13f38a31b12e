// Deterministic hostile HTML for the sanitizer's equivalence test: tags in and out of the
// allowlist in any case, attributes whose names only look allowed ("c\"lass", "sc:ope",
// "x-class"), lazy image addresses, script and entity tricks, Chinese text and astral characters.
import { random } from "../../../bench/random";

const TAGS = [
  "p",
  "P",
  "span",
  "div",
  "a",
  "A",
  "img",
  "IMG",
  "blockquote",
  "q",
  "ol",
  "th",
  "td",
  "table",
  "br",
  "BR",
  "hr",
  "b",
  "strong",
  "video",
  "audio",
  "source",
  "font",
  "center",
  "h2",
  "figure",
  "pre",
  "code",
  "li",
  "ul",
  "sub",
  "mark",
];
// Dropped with their content (an unclosed one hides the rest): rarer, so the rest is seen.
const DROPPED = ["script", "style", "iframe", "svg", "math", "embed", "noscript", "textarea"];
const ATTRS = [
  "class",
  "CLASS",
  "Class",
  'c"lass',
  "cl-ass",
  "cla ss",
  "style",
  "cite",
  "CITE",
  "start",
  "colspan",
  "rowspan",
  "scope",
  "href",
  "HREF",
  "src",
  "data-src",
  "data-original",
  "data-lazy-src",
  "data-actualsrc",
  "alt",
  "title",
  "width",
  "height",
  "onclick",
  "onerror",
  "align",
  "sc:ope",
  "s.tart",
  "x-class",
  "clas",
  "lang",
  "r_owspan",
];
const VALUES = [
  "x",
  "1",
  "600",
  " 1 ",
  "javascript:alert(1)",
  "/a/b.jpg",
  "//cdn.example.com/i.png",
  "b/c.png",
  "https://e.example.com/?a=1&b=2",
  "data:image/png;base64,AAAA",
  "&#106;avascript:x",
  "center",
  "text-align:center;",
  "text-indent:2em;",
  "中文 标题",
  'a"b',
  "<b>",
  "http://u:p@h.example/x?token=abc",
  "mailto:a@b.c",
  "  ",
  "red blue",
  "a&amp;b",
  "𠀀😀",
  "&quot;q&quot;",
];
const TEXT = [
  "本报讯",
  "（记者 莫丽君）",
  "1 < 2",
  "a > b",
  "甲 <乙",
  "&nbsp;",
  "&amp;",
  "&lt;x&gt;",
  "\u3000",
  "😀",
  "ΣΑΣ",
  "AT&T",
  "<!-- c -->",
  "<!--",
  "]]>",
  "\n\n",
  "漓江两岸的公交线路自下周起把发车间隔由三十分钟缩短到二十分钟。",
  "GDP 5.2%",
  "< 2 >",
];

/** `count` fragments of about `pieces` tags and texts each. */
export function tagSoup(seed: number, count: number, pieces: number): string[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const fragment = () => {
    let out = "";
    for (let i = 0; i < pieces; i++) {
      const r = next();
      if (r < 0.35) out += pick(TEXT);
      else if (r < 0.75) {
        let attrs = "";
        for (let j = Math.floor(next() * 4); j > 0; j--) {
          const quote = pick(['"', "'", ""]);
          attrs += `${pick([" ", "  ", "\n", "\t"])}${pick(ATTRS)}${next() < 0.85 ? `=${quote}${pick(VALUES)}${quote}` : ""}`;
        }
        out += `<${next() < 0.03 ? pick(DROPPED) : pick(TAGS)}${attrs}${pick(["", " ", "/", " /"])}>`;
      } else out += `</${next() < 0.03 ? pick(DROPPED) : pick(TAGS)}>`;
    }
    return out;
  };
  return Array.from({ length: count }, fragment);
}
