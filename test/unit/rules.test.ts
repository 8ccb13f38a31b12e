// Source rules as the admin API receives them: checked field by field, each refusal naming its
// field; and the two helpers the page and JSON sources read values with.
import { describe, expect, it } from "vitest";
import { RuleError, applyDateFormat, atPath, parseRules } from "../../src/ingest/rules";

/** The field and reason a rule is refused with (the admin API's 400). */
function refusal(kind: "feed" | "html" | "json", raw: unknown): { field: string; reason: string } {
  try {
    parseRules(kind, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleError);
    const r = e as RuleError;
    expect(r).toMatchObject({ code: "bad_rules", status: 400, message: `${r.field} ${r.reason}` });
    return { field: r.field, reason: r.reason };
  }
  throw new Error("accepted");
}

const html = (
  over: Record<string, unknown> = {},
  list: Record<string, unknown> = {},
  article: Record<string, unknown> = {},
) => ({
  list: { links: "ul.news a", ...list },
  article: { title: "h1", body: "div.content", ...article },
  ...over,
});

describe("parseRules: feed sources", () => {
  it("needs no rules, or a full-text body selector", () => {
    expect(parseRules("feed", undefined)).toMatchObject({ kind: "feed", fullText: null });
    expect(parseRules("feed", null)).toMatchObject({ kind: "feed", fullText: null });
    expect(parseRules("feed", { full_text: null })).toMatchObject({ kind: "feed", fullText: null });
    expect(parseRules("feed", { full_text: { body: " div.article@Data-Body " } })).toMatchObject({
      kind: "feed",
      fullText: { body: { selector: "div.article", attr: "data-body" } },
    });
  });

  it.each([
    [[], "rules", "must be an object"],
    ["x", "rules", "must be an object"],
    [{ other: 1 }, "rules.other", "is not a known rule"],
    [{ full_text: "div" }, "rules.full_text", "must be an object with a body selector"],
    [{ full_text: ["div"] }, "rules.full_text", "must be an object with a body selector"],
    [{ full_text: {} }, "rules.full_text.body", "is required"],
    [{ full_text: { body: "div", x: 1 } }, "rules.full_text.x", "is not a known rule"],
  ])("refuses %j", (raw, field, reason) => {
    expect(refusal("feed", raw)).toEqual({ field, reason });
  });
});

describe("parseRules: web pages", () => {
  it("reads selectors with optional attributes, defaults and a date format", () => {
    expect(parseRules("html", html())).toMatchObject({
      kind: "html",
      html: {
        list: { links: { selector: "ul.news a", attr: null }, next: null, maxPages: 1 },
        article: {
          title: { selector: "h1", attr: null },
          date: null,
          body: { selector: "div.content", attr: null },
          author: null,
          image: null,
        },
        dateFormat: null,
      },
    });
    const full = parseRules(
      "html",
      html(
        { date_format: "YYYY年MM月DD日 HH:mm" },
        { next: "a.next@href", max_pages: 10 },
        { date: "time@datetime", author: ".by", image: "meta[property='og:image']@content" },
      ),
    );
    expect(full).toMatchObject({
      html: {
        list: { next: { selector: "a.next", attr: "href" }, maxPages: 10 },
        article: {
          date: { selector: "time", attr: "datetime" },
          author: { selector: ".by", attr: null },
          image: { selector: "meta[property='og:image']", attr: "content" },
        },
        dateFormat: "YYYY年MM月DD日 HH:mm",
      },
    });
  });

  it.each([
    [{ article: { title: "h1", body: "b" } }, "rules.list", "is required: { links, next?, max_pages? }"],
    [{ list: { links: "a" } }, "rules.article", "is required: { title, body, date?, author?, image? }"],
    [{ list: "a", article: {} }, "rules.list", "is required: { links, next?, max_pages? }"],
    [html({ extra: 1 }), "rules.extra", "is not a known rule"],
    [html({}, { page: 2 }), "rules.list.page", "is not a known rule"],
    [html({}, {}, { summary: "p" }), "rules.article.summary", "is not a known rule"],
    [html({}, { links: undefined }), "rules.list.links", "is required"],
    [html({}, {}, { body: null }), "rules.article.body", "is required"],
    [
      html({}, {}, { title: "" }),
      "rules.article.title",
      "must be a CSS selector (1–300 characters), optionally ending in @attribute",
    ],
    [
      html({}, {}, { title: "   " }),
      "rules.article.title",
      "must be a CSS selector (1–300 characters), optionally ending in @attribute",
    ],
    [
      html({}, {}, { title: 5 }),
      "rules.article.title",
      "must be a CSS selector (1–300 characters), optionally ending in @attribute",
    ],
    [
      html({}, {}, { title: "h".repeat(301) }),
      "rules.article.title",
      "must be a CSS selector (1–300 characters), optionally ending in @attribute",
    ],
    [html({}, {}, { date: "@datetime" }), "rules.article.date", "needs a selector before @"],
    [html({}, { max_pages: 0 }), "rules.list.max_pages", "must be a whole number from 1 to 10"],
    [html({}, { max_pages: 11 }), "rules.list.max_pages", "must be a whole number from 1 to 10"],
    [html({}, { max_pages: 1.5 }), "rules.list.max_pages", "must be a whole number from 1 to 10"],
    [html({}, { max_pages: "2" }), "rules.list.max_pages", "must be a whole number from 1 to 10"],
    [html({ date_format: "MM/DD" }), "rules.date_format", "must contain YYYY, MM and DD (and optionally HH, mm, ss)"],
    [html({ date_format: "YYYY/DD" }), "rules.date_format", "must contain YYYY, MM and DD (and optionally HH, mm, ss)"],
    [html({ date_format: "YYYY/MM" }), "rules.date_format", "must contain YYYY, MM and DD (and optionally HH, mm, ss)"],
    [html({ date_format: 20250101 }), "rules.date_format", "must contain YYYY, MM and DD (and optionally HH, mm, ss)"],
  ])("refuses %j", (raw, field, reason) => {
    expect(refusal("html", raw)).toEqual({ field, reason });
  });

  it.each(["h1[", "div >", "p:nth-child(", "a::before"])(
    "refuses the selector %j that HTMLRewriter cannot read",
    (sel) => {
      const r = refusal("html", html({}, {}, { title: sel }));
      expect(r.field).toBe("rules.article.title");
      expect(r.reason).toMatch(/^is not a selector HTMLRewriter supports: \S/);
      expect(r.reason).not.toMatch(/Parser error: /);
    },
  );

  it.each([
    [html({}, { next: 5 }), "rules.list.next"],
    [html({}, {}, { title: undefined }), "rules.article.title"],
    [html({}, {}, { author: "" }), "rules.article.author"],
    [html({}, {}, { image: [] }), "rules.article.image"],
    [html({}, {}, { date: {} }), "rules.article.date"],
  ])("names the field of a bad optional or missing selector: %j", (raw, field) => {
    expect(refusal("html", raw).field).toBe(field);
  });

  it("accepts a selector of exactly 300 characters and the bounds of max_pages", () => {
    const long = `div${" ".repeat(290)}p.content`.slice(0, 300);
    expect(long).toHaveLength(300);
    expect(parseRules("html", html({}, {}, { body: long })).kind).toBe("html");
    expect(parseRules("html", html({}, { max_pages: 1 })).kind).toBe("html");
  });
});

describe("parseRules: JSON APIs", () => {
  const json = (over: Record<string, unknown> = {}) => ({
    items: "data.list",
    title: "title",
    id: "id",
    body: "content",
    ...over,
  });

  it('reads dot paths, the document itself as ""', () => {
    expect(
      parseRules(
        "json",
        json({ items: "", date: "time", summary: "intro", link: "url", author: "by", image: "pic.0" }),
      ),
    ).toEqual({
      kind: "json",
      json: {
        items: "",
        id: "id",
        title: "title",
        date: "time",
        body: "content",
        summary: "intro",
        link: "url",
        author: "by",
        image: "pic.0",
      },
    });
    expect(parseRules("json", json({ id: null, link: "url", body: undefined, summary: "s" }))).toMatchObject({
      json: { id: null, link: "url", body: null, summary: "s" },
    });
  });

  it.each(["id", "date", "body", "summary", "link", "author", "image"])(
    "names rules.%s when its path is bad",
    (key) => {
      expect(refusal("json", json({ link: "url", [key]: "a..b" })).field).toBe(`rules.${key}`);
    },
  );

  it.each([
    [{ title: "t", id: "i", body: "b" }, "rules.items", "is required"],
    [json({ title: undefined }), "rules.title", "is required"],
    [json({ items: "a..b" }), "rules.items", 'must be a dot path such as "data.list" or "title"'],
    [json({ items: ".a" }), "rules.items", 'must be a dot path such as "data.list" or "title"'],
    [json({ title: "a b" }), "rules.title", 'must be a dot path such as "data.list" or "title"'],
    [json({ title: 3 }), "rules.title", 'must be a dot path such as "data.list" or "title"'],
    [json({ title: "t".repeat(201) }), "rules.title", 'must be a dot path such as "data.list" or "title"'],
    [json({ id: undefined }), "rules.id", "or rules.link is required (an item needs an identity)"],
    [json({ body: undefined }), "rules.body", "or rules.summary is required"],
    [json({ list: "x" }), "rules.list", "is not a known rule"],
  ])("refuses %j", (raw, field, reason) => {
    expect(refusal("json", raw)).toEqual({ field, reason });
  });
});

describe("applyDateFormat", () => {
  it.each([
    ["发布时间：2025年11月8日 9:05", "YYYY年MM月DD日 HH:mm", "2025-11-08 09:05:00"],
    ["2025年11月18日", "YYYY年MM月DD日", "2025-11-18 00:00:00"],
    ["18/11/2025 10:27:50", "DD/MM/YYYY HH:mm:ss", "2025-11-18 10:27:50"],
    ["2025.11.18  10:27", "YYYY.MM.DD HH:mm", "2025-11-18 10:27:00"],
    ["2025.11.18", "YYYY(MM)DD", null],
    ["(2025)11*18", "(YYYY)MM*DD", "2025-11-18 00:00:00"],
    ["2025x11x18", "YYYY.MM.DD", null],
    ["no date here", "YYYY-MM-DD", null],
  ])("%j in %j → %j", (text, format, expected) => {
    expect(applyDateFormat(text, format)).toBe(expected);
  });
});

describe("atPath", () => {
  const doc = { data: { list: [{ title: "甲" }, { title: "乙" }] }, n: 0 };

  it.each([
    ["", doc],
    ["data.list.1.title", "乙"],
    ["data.list.0", { title: "甲" }],
    ["n", 0],
    ["data.missing.x", undefined],
    ["data.list.x", undefined],
    ["n.x", undefined],
  ])("%j", (path, value) => {
    expect(atPath(doc, path)).toEqual(value);
  });
});
