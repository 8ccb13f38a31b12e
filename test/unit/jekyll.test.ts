import { inject } from "vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { parseJekyllPost } from "../../src/ingest/jekyll";
import { toRfc3339 } from "../../src/core/time";
import { NEEDS_SEED } from "../needs-shared";

const seed = inject("seedPost");
const TZ = "Asia/Shanghai";

function parseOk(name: string, text: string) {
  const r = parseJekyllPost(name, text, TZ);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  return r.post;
}

const post = (fm: string, body = "<p>正文</p>") => `---\n${fm}\n---\n${body}\n`;

describe.skipIf(!seed)(`parseJekyllPost on the real seed post (${NEEDS_SEED})`, () => {
  let p: ReturnType<typeof parseOk>;
  beforeAll(() => {
    p = parseOk(seed!.name, seed!.text);
  });

  it("reads title, date with its +08:00 offset, category and tag", () => {
    expect(p.article.title).toBe("居民“家门口”实现充分就业");
    expect(toRfc3339(p.article.published)).toBe("2022-02-21T10:27:50+08:00");
    expect(p.article.published.ms).toBe(Date.UTC(2022, 1, 21, 2, 27, 50));
    expect(p.source.slug).toBe("guilinwanbao");
    expect(p.article.tags).toEqual(["桂林晚报新闻"]);
  });

  it("takes the source name from the credit and the label from the navigation line", () => {
    expect(p.source.name).toBe("桂林晚报");
    expect(p.source.label).toBe("桂林晚报新闻");
  });

  it("turns the bare <http…> line into the original URL and identity", () => {
    const url = "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202212282859530";
    expect(p.article.originalUrl).toBe(url);
    expect(p.article.guid).toBe(url);
    expect(p.article.contentHtml).not.toContain("NewsShare.html");
  });

  it("keeps every body paragraph and drops the navigation line", () => {
    const sourceParagraphs = seed!.text.match(/<p[ >]/g)!.length;
    expect(p.article.contentHtml.match(/<p[ >]/g)).toHaveLength(sourceParagraphs);
    expect(p.article.contentHtml).toContain("空明社区党委书记夏改青介绍");
    expect(p.article.contentHtml).toContain('<p class="em_media">（文章来源：桂林晚报）</p>');
    expect(p.article.contentHtml).not.toContain("返回首页");
    expect(p.article.contentHtml).not.toContain("](");
  });

  it("writes a summary that ends on a sentence and leaves out the credit", () => {
    expect(p.article.summary.length).toBeGreaterThan(20);
    expect(p.article.summary.length).toBeLessThanOrEqual(120);
    expect(p.article.summary.startsWith("凝聚多方力量")).toBe(true);
    expect(p.article.summary).not.toContain("文章来源");
  });
});

describe("parseJekyllPost rejects malformed posts with a reason", () => {
  const cases: [string, string, RegExp][] = [
    ["no front matter", "<p>只有正文</p>", /front matter/],
    ["no title", post("date: 2022-02-21 10:27:50 +0800\ncategories: guilinwanbao"), /no title/],
    ["empty title", post('title: ""\ndate: 2022-02-21 10:27:50 +0800\ncategories: guilinwanbao'), /no title/],
    ["no date", post("title: 标题\ncategories: guilinwanbao"), /no date/],
    ["bad date", post("title: 标题\ndate: 2022-13-45 10:27:50 +0800\ncategories: guilinwanbao"), /bad date/],
    ["garbage date", post("title: 标题\ndate: 昨天\ncategories: guilinwanbao"), /bad date/],
    ["bad YAML", post('title: "未闭合\ndate: [\ncategories: guilinwanbao'), /bad YAML/],
    ["no category", post("title: 标题\ndate: 2022-02-21 10:27:50 +0800"), /no category/],
    ["bad slug", post("title: 标题\ndate: 2022-02-21 10:27:50 +0800\ncategories: ../etc"), /slug/],
  ];
  it.each(cases)("%s", (_name, text, reason) => {
    const r = parseJekyllPost("bad.txt", text, TZ);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.file).toBe("bad.txt");
      expect(r.reason).toMatch(reason);
    }
  });
});

describe("parseJekyllPost dates", () => {
  const at = (date: string) =>
    toRfc3339(parseOk("d.txt", post(`title: t\ndate: ${date}\ncategories: guilinwanbao`)).article.published);

  it("keeps the written offset, with or without a colon", () => {
    expect(at("2022-02-21 10:27:50 +0800")).toBe("2022-02-21T10:27:50+08:00");
    expect(at("2022-02-21T10:27:50+08:00")).toBe("2022-02-21T10:27:50+08:00");
    expect(at("2022-02-21 10:27:50 -0530")).toBe("2022-02-21T10:27:50-05:30");
  });

  it("reads a date without a zone in the source's zone (Asia/Shanghai)", () => {
    expect(at("2022-02-21 10:27")).toBe("2022-02-21T10:27:00+08:00");
    expect(at("2022-02-21")).toBe("2022-02-21T00:00:00+08:00");
  });
});

describe("parseJekyllPost body safety", () => {
  it("removes script and event handlers, keeps text and safe links", () => {
    const p = parseOk(
      "x.txt",
      post(
        "title: t\ndate: 2022-02-21 10:27:50 +0800\ncategories: guilinwanbao",
        '<p onclick="alert(1)">甲<script>alert(1)</script><a href="javascript:alert(1)">乙</a><a href="https://example.org/a">丙</a></p>',
      ),
    );
    expect(p.article.contentHtml).toBe(
      '<p>甲<a>乙</a><a href="https://example.org/a" rel="noopener noreferrer">丙</a></p>',
    );
  });
});

describe("line endings", () => {
  it("imports every sample post saved with CRLF (or CR) exactly as with LF", () => {
    for (const post of inject("samplePosts")) {
      const lf = parseOk(post.name, post.text.replace(/\r\n?/g, "\n"));
      const crlf = parseOk(post.name, post.text.replace(/\r\n?/g, "\n").replace(/\n/g, "\r\n"));
      const cr = parseOk(post.name, post.text.replace(/\r\n?/g, "\n").replace(/\n/g, "\r"));
      expect(crlf).toEqual(lf);
      expect(cr).toEqual(lf);
    }
  });
});
