// Three small pure pieces: an article's audio and video on its page, URLs as the public may see
// them, and the title of an item that came without one.
import { describe, expect, it } from "vitest";
import { titleFromSourceAndTime, titleFromText } from "../../src/core/derived-title";
import { REDACTED, isSecretParam, redactText, redactUrl } from "../../src/core/redact";
import { ArticleMedia } from "../../src/render/pages/media";

const render = async (node: unknown) =>
  node === null ? "" : ((await (await (node as Promise<{ toString(): string }>)).toString()) as string);

describe("ArticleMedia", () => {
  it("plays audio and video in the browser's own player, with a plain link, type and size", async () => {
    const html = await render(
      ArticleMedia({
        enclosures: [
          { url: "https://cdn.example/a.mp3", type: "audio/mpeg", length: 3 * 1024 * 1024 + 200_000 },
          { url: "https://cdn.example/v.mp4", type: "video/mp4", length: 1500 },
          { url: "https://cdn.example/p.jpg", type: "image/jpeg", length: 10 },
          { url: "https://cdn.example/doc.pdf", type: "application/pdf", length: null },
          { url: "https://cdn.example/x", type: null, length: 1024 * 1024 },
        ],
      }),
    );
    expect(html).toBe(
      '<section class="post-media" aria-label="音视频">' +
        '<figure><audio controls="" preload="none" src="https://cdn.example/a.mp3"><a href="https://cdn.example/a.mp3">下载音频</a></audio>' +
        '<figcaption><a href="https://cdn.example/a.mp3" rel="noopener noreferrer nofollow">音频文件</a> audio/mpeg（3.2 MB）</figcaption></figure>' +
        '<figure><video controls="" preload="none" src="https://cdn.example/v.mp4"><a href="https://cdn.example/v.mp4">下载视频</a></video>' +
        '<figcaption><a href="https://cdn.example/v.mp4" rel="noopener noreferrer nofollow">视频文件</a> video/mp4（2 KB）</figcaption></figure>' +
        '<figure><figcaption><a href="https://cdn.example/doc.pdf" rel="noopener noreferrer nofollow">附件</a> application/pdf</figcaption></figure>' +
        '<figure><figcaption><a href="https://cdn.example/x" rel="noopener noreferrer nofollow">附件</a>（1.0 MB）</figcaption></figure>' +
        "</section>",
    );
  });

  it("shows nothing for no enclosures or images only", async () => {
    expect(await render(ArticleMedia({ enclosures: undefined }))).toBe("");
    expect(await render(ArticleMedia({ enclosures: [] }))).toBe("");
    expect(
      await render(ArticleMedia({ enclosures: [{ url: "https://cdn.example/p.png", type: "image/png", length: 1 }] })),
    ).toBe("");
  });
});

describe("redaction", () => {
  it.each([
    ["https://user:pw@news.example/a?id=1", "https://news.example/a?id=1"],
    ["https://news.example/rss?token=abc&id=7", `https://news.example/rss?token=${REDACTED}&id=7`],
    [
      "https://x.example/?api_key=1&apikey=2&X-Amz-Signature=3&sig=4",
      `https://x.example/?api_key=${REDACTED}&apikey=${REDACTED}&X-Amz-Signature=${REDACTED}&sig=${REDACTED}`,
    ],
    [
      "https://x.example/?key=1&monkey=2&access_key=3",
      `https://x.example/?key=${REDACTED}&monkey=2&access_key=${REDACTED}`,
    ],
    ["https://x.example/#session=9;pwd=8", `https://x.example/#session=${REDACTED};pwd=${REDACTED}`],
    ["https://x.example/?token=&code=5", "https://x.example/?token=&code=5"],
    ["/relative?password=1", `/relative?password=${REDACTED}`],
  ])("%s → %s", (url, safe) => {
    expect(redactUrl(url)).toBe(safe);
  });

  it("reads parameter names decoded, and leaves ordinary names alone", () => {
    expect(isSecretParam("api%5Fkey")).toBe(true);
    expect(isSecretParam("client+secret")).toBe(true);
    expect(isSecretParam("%E0%A4%A")).toBe(false);
    // A name whose %-escapes do not decode is read as written.
    expect(isSecretParam("api_token%ZZ")).toBe(true);
    expect(redactUrl("https://x.example/?access_token%E0=abc")).toBe(`https://x.example/?access_token%E0=${REDACTED}`);
    for (const name of ["id", "code", "page", "keyword", "author"]) expect(isSecretParam(name), name).toBe(false);
    for (const name of ["auth", "x-auth", "my.pass", "jwt", "ticket", "sessionid", "Authorization"])
      expect(isSecretParam(name), name).toBe(true);
  });

  it("redacts every URL inside text, and leaves text without one untouched", () => {
    expect(redactText('fetch failed: "https://a:b@up.example/feed?token=t" then (http://x.example/?sig=s)')).toBe(
      `fetch failed: "https://up.example/feed?token=${REDACTED}" then (http://x.example/?sig=${REDACTED})`,
    );
    expect(redactText("no address here: token=abc")).toBe("no address here: token=abc");
    expect(redactText(null)).toBeNull();
  });
});

describe("derived titles", () => {
  it.each([
    ["  今天下午，漓江水位回落。游船恢复运行。", "今天下午，漓江水位回落。"],
    ["没有句号的一段话", "没有句号的一段话"],
    [`${"长".repeat(45)}。`, `${"长".repeat(39)}…`],
    [`${"长".repeat(40)}`, "长".repeat(40)],
    ["Water levels fell. Boats run again.", "Water levels fell."],
    ["Version 1.5 is out! More soon", "Version 1.5 is out!"],
    [`${"word ".repeat(30)}end`, `${"word ".repeat(15).trimEnd()}…`],
    [`${"x".repeat(100)}`, `${"x".repeat(79)}…`],
    ["   ", ""],
    ["第一行\n\n第二行；第三", "第一行 第二行；"],
    // Chinese is cut at the limit, never at a space; a space at the cut goes.
    [`${"中".repeat(30)} ${"文".repeat(20)}`, `${"中".repeat(30)} ${"文".repeat(8)}…`],
    [`${"中".repeat(38)} ${"文".repeat(10)}`, `${"中".repeat(38)}…`],
    // Other scripts are cut at a word only when that keeps more than half.
    [`${"a".repeat(40)} ${"b".repeat(60)}`, `${"a".repeat(40)} ${"b".repeat(38)}…`],
    [`${"a".repeat(41)} ${"b".repeat(60)}`, `${"a".repeat(41)}…`],
  ])("%j → %j", (text, title) => {
    expect(titleFromText(text)).toBe(title);
  });

  it("names the source and the wall-clock time in its zone", () => {
    expect(titleFromSourceAndTime("桂林晚报", { ms: Date.UTC(2025, 10, 18, 2, 27), offset: 0 }, "Asia/Shanghai")).toBe(
      "桂林晚报 2025-11-18 10:27",
    );
  });
});
